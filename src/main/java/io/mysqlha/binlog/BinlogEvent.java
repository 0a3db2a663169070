package io.mysqlha.binlog;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One event as read from a binlog or relay-log file: its header, its decoded body and its exact bytes
 * (header, body and checksum), which is what a new binlog stream is written from.
 */
public final class BinlogEvent {
    private final EventHeader header;
    private final EventData data;
    private final byte[] raw;
    private final String source;
    private final long offset;
    private final ChecksumAlgorithm checksum;

    BinlogEvent(EventHeader header, EventData data, byte[] raw, String source, long offset,
                ChecksumAlgorithm checksum) {
        this.header = header;
        this.data = data;
        this.raw = raw;
        this.source = source;
        this.offset = offset;
        this.checksum = checksum;
    }

    public EventHeader header() {
        return header;
    }

    public EventData data() {
        return data;
    }

    /** The file (or stream name) this event was read from. */
    public String source() {
        return source;
    }

    /** Byte offset of this event in {@link #source()}. */
    public long offset() {
        return offset;
    }

    /** Offset just after this event in {@link #source()}. */
    public long endOffset() {
        return offset + raw.length;
    }

    /**
     * Whether this event ends with a checksum: the algorithm in force when it was read (for a format
     * description, the one it announces).
     */
    public ChecksumAlgorithm checksum() {
        return checksum;
    }

    public int size() {
        return raw.length;
    }

    public int type() {
        return header.type();
    }

    /** A copy of the event's bytes: header, body and checksum. */
    public byte[] rawBytes() {
        return raw.clone();
    }

    /** Writes the event's bytes, unchanged, to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(raw);
    }

    /** The event's bytes, not copied: callers in this package must not modify them. */
    byte[] raw() {
        return raw;
    }

    @Override
    public String toString() {
        return header.typeName() + "@" + source + ":" + offset + "[server_id=" + header.serverId()
                + ", size=" + raw.length + ", log_pos=" + header.logPos() + ", flags=0x"
                + Integer.toHexString(header.flags()) + ", " + data + "]";
    }
}
