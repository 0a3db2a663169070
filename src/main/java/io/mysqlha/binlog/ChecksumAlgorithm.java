package io.mysqlha.binlog;

/** The binlog checksum algorithm a format description event announces for the events that follow it. */
public enum ChecksumAlgorithm {
    /** No checksum: events end with their body. */
    OFF(0),
    /** CRC32 (zlib / IEEE polynomial) over the event's bytes, in its last 4 bytes, little-endian. */
    CRC32(1),
    /** A format description from a server that predates checksums (no algorithm byte at all). */
    UNDEFINED(255);

    private final int code;

    ChecksumAlgorithm(int code) {
        this.code = code;
    }

    /** The algorithm byte as written in a format description event. */
    public int code() {
        return code;
    }

    /** Number of checksum bytes at the end of every event under this algorithm. */
    public int trailerLength() {
        return this == CRC32 ? 4 : 0;
    }

    static ChecksumAlgorithm ofCode(int code) {
        for (ChecksumAlgorithm a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }
}
