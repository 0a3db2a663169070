package io.mysqlha.binlog;

import java.util.Objects;

/**
 * Coordinates in a primary's binlog: a file name and a byte offset, as in {@code Master_Log_File} /
 * {@code Read_Master_Log_Pos} or {@code Relay_Master_Log_File} / {@code Exec_Master_Log_Pos}.
 *
 * <p>Ordered by the file's numeric extension (so {@code bin.000010} comes after {@code bin.000009}, and after
 * {@code bin.999999} comes {@code bin.1000000}), then by position.
 */
public record BinlogPosition(String file, long position) implements Comparable<BinlogPosition> {
    public BinlogPosition {
        Objects.requireNonNull(file, "file");
        if (file.isBlank() || file.indexOf('/') >= 0) {
            throw new IllegalArgumentException("binlog file name must be a bare name, got '" + file + "'");
        }
        if (position < 4) {
            throw new IllegalArgumentException("binlog position must be >= 4 (after the magic), got " + position
                    + " in " + file);
        }
    }

    /** The base name before the last dot ({@code mysql-bin} for {@code mysql-bin.000012}). */
    public String baseName() {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? file : file.substring(0, dot);
    }

    /** The numeric extension, or -1 if the name has none. */
    public long sequence() {
        int dot = file.lastIndexOf('.');
        if (dot < 0 || dot == file.length() - 1 || file.length() - dot > 19) {
            return -1;
        }
        long n = 0;
        for (int i = dot + 1; i < file.length(); i++) {
            char c = file.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    @Override
    public int compareTo(BinlogPosition o) {
        int c = compareFiles(file, o.file);
        return c != 0 ? c : Long.compare(position, o.position);
    }

    /** Orders binlog file names by base name, then numeric extension. */
    static int compareFiles(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        BinlogPosition pa = new BinlogPosition(a, 4);
        BinlogPosition pb = new BinlogPosition(b, 4);
        int c = pa.baseName().compareTo(pb.baseName());
        if (c != 0) {
            return c;
        }
        long sa = pa.sequence();
        long sb = pb.sequence();
        return sa >= 0 && sb >= 0 ? Long.compare(sa, sb) : a.compareTo(b);
    }

    @Override
    public String toString() {
        return file + ":" + position;
    }
}
