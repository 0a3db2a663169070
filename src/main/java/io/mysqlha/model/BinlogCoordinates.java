package io.mysqlha.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a primary's binary log: file name and byte offset. Files compare by their numeric
 * suffix (mysql-bin.000009 &lt; mysql-bin.000010), then by offset.
 */
public record BinlogCoordinates(String file, long pos) implements Position, Comparable<BinlogCoordinates> {
    private static final Pattern SUFFIX = Pattern.compile("^(.*)\\.(\\d+)$");
    private static final Pattern TEXT = Pattern.compile("^(.+\\.\\d+):(\\d+)$");

    public BinlogCoordinates {
        if (file == null || file.isEmpty()) {
            throw new IllegalArgumentException("binlog file name is empty");
        }
        if (pos < 0) {
            throw new IllegalArgumentException("negative binlog position " + pos);
        }
    }

    static boolean looksLike(String s) {
        return TEXT.matcher(s).matches();
    }

    /** Parses {@code file:pos}. */
    public static BinlogCoordinates parse(String s) {
        Matcher m = TEXT.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not binlog coordinates (FILE.NNNNNN:POS): '" + s + "'");
        }
        return new BinlogCoordinates(m.group(1), Long.parseLong(m.group(2)));
    }

    /** The base name without the numeric suffix. */
    public String baseName() {
        Matcher m = SUFFIX.matcher(file);
        return m.matches() ? m.group(1) : file;
    }

    /** The numeric suffix of the file, or -1. */
    public long fileIndex() {
        Matcher m = SUFFIX.matcher(file);
        return m.matches() ? Long.parseLong(m.group(2)) : -1;
    }

    @Override
    public int compareTo(BinlogCoordinates o) {
        int c = Long.compare(fileIndex(), o.fileIndex());
        return c != 0 ? c : Long.compare(pos, o.pos);
    }

    @Override
    public Order compareTo(Position other) {
        if (!(other instanceof BinlogCoordinates o) || !baseName().equals(o.baseName())) {
            return Order.DIVERGED;
        }
        int c = compareTo(o);
        return c == 0 ? Order.EQUAL : c > 0 ? Order.AHEAD : Order.BEHIND;
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public String text() {
        return file + ":" + pos;
    }

    @Override
    public String toString() {
        return text();
    }
}
