package io.mysqlha.binlog;

import java.io.IOException;

/**
 * A binlog or relay-log file that cannot be read as binlog v4: bad magic, a truncated or corrupt event, a
 * checksum mismatch. The message always names the file and the byte offset of the event at fault.
 */
public class BinlogFormatException extends IOException {
    private final String source;
    private final long offset;

    public BinlogFormatException(String source, long offset, String problem) {
        super(source + " at offset " + offset + ": " + problem);
        this.source = source;
        this.offset = offset;
    }

    /** The file (or stream name) the bad event came from. */
    public String source() {
        return source;
    }

    /** Byte offset, in {@link #source()}, of the first byte of the event at fault. */
    public long offset() {
        return offset;
    }
}
