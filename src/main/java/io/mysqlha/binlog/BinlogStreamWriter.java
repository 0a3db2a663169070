package io.mysqlha.binlog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * Writes one binlog stream: the magic, a format description, then events. Events keep their bytes, and so
 * their own checksums; the writer makes sure the format description in force announces the checksum
 * algorithm the events were written with.
 */
final class BinlogStreamWriter {
    private static final int CREATED_OFFSET = EventHeader.LENGTH + 2 + 50;

    private final OutputStream out;
    private ChecksumAlgorithm checksum;
    private long bytes;
    private long events;

    BinlogStreamWriter(OutputStream out) {
        this.out = out;
    }

    boolean started() {
        return checksum != null;
    }

    long bytes() {
        return bytes;
    }

    /** Events written, not counting the format descriptions the writer made. */
    long events() {
        return events;
    }

    /** Writes the magic and a format description made from {@code format}. */
    void start(BinlogEvent format) throws IOException {
        out.write(BinlogReader.MAGIC);
        bytes += BinlogReader.MAGIC.length;
        writeFormat(format, true);
    }

    /**
     * Writes an event unchanged. If it was written under another checksum algorithm than the stream's: an
     * event without a place in the binlog (log_pos 0, e.g. the fake Rotate) is re-encoded; any other is
     * preceded by a format description announcing its algorithm, made from {@code format}.
     */
    void write(BinlogEvent e, BinlogEvent format) throws IOException {
        byte[] raw = e.raw();
        if (e.checksum().trailerLength() != checksum.trailerLength()) {
            if (e.header().logPos() == 0) {
                raw = reencode(raw, e.checksum(), checksum);
            } else {
                FormatDescription fd = (FormatDescription) format.data();
                if (fd.checksum().trailerLength() != e.checksum().trailerLength()) {
                    throw new IllegalStateException("no format description for checksum " + e.checksum()
                            + " before " + e);
                }
                writeFormat(format, false);
            }
        }
        out.write(raw);
        bytes += raw.length;
        events++;
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * A clean copy of a format description: not "in use", not artificial, not from a relay log, created 0
     * (a non-zero create time makes mariadb-binlog print a ROLLBACK after it, which mid-stream would cut a
     * transaction); log_pos as at the head of a binlog, or 0 mid-stream. Its CRC is recomputed: servers
     * always write one in a format description, whatever the algorithm.
     */
    private void writeFormat(BinlogEvent format, boolean head) throws IOException {
        byte[] raw = format.rawBytes();
        FormatDescription fd = (FormatDescription) format.data();
        int flags = format.header().flags()
                & ~(EventHeader.FLAG_BINLOG_IN_USE | EventHeader.FLAG_ARTIFICIAL | EventHeader.FLAG_RELAY_LOG);
        ByteReader.putU16(raw, 17, flags);
        ByteReader.putU32(raw, 13, head ? BinlogReader.MAGIC.length + raw.length : 0);
        ByteReader.putU32(raw, CREATED_OFFSET, 0);
        if (fd.checksum() != ChecksumAlgorithm.UNDEFINED) {
            putCrc(raw);
        }
        out.write(raw);
        bytes += raw.length;
        checksum = fd.checksum();
    }

    /** The same event with its checksum removed or added, and its size field adjusted. */
    static byte[] reencode(byte[] raw, ChecksumAlgorithm from, ChecksumAlgorithm to) {
        int body = raw.length - from.trailerLength();
        byte[] out = new byte[body + to.trailerLength()];
        System.arraycopy(raw, 0, out, 0, body);
        ByteReader.putU32(out, 9, out.length);
        if (to == ChecksumAlgorithm.CRC32) {
            putCrc(out);
        }
        return out;
    }

    private static void putCrc(byte[] raw) {
        CRC32 crc = new CRC32();
        crc.update(raw, 0, raw.length - 4);
        ByteReader.putU32(raw, raw.length - 4, crc.getValue());
    }
}
