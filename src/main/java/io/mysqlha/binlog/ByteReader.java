package io.mysqlha.binlog;

import java.nio.charset.StandardCharsets;

/** Little-endian reads over a slice of an event's bytes; reading past the slice throws {@link Short}. */
final class ByteReader {
    /** A read past the end of the slice: the event is shorter than its type requires. */
    static final class Short extends RuntimeException {
        Short(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] buf;
    private int pos;
    private final int limit;

    ByteReader(byte[] buf, int from, int limit) {
        this.buf = buf;
        this.pos = from;
        this.limit = limit;
    }

    int remaining() {
        return limit - pos;
    }

    private void need(int n) {
        if (n > limit - pos) {
            throw new Short("needs " + n + " more bytes at event byte " + pos + ", has " + (limit - pos));
        }
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xff;
    }

    int u16() {
        need(2);
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    long u32() {
        need(4);
        long v = u32At(buf, pos);
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = u32At(buf, pos) | u32At(buf, pos + 4) << 32;
        pos += 8;
        return v;
    }

    byte[] bytes(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(int n) {
        need(n);
        pos += n;
    }

    /** {@code n} bytes as ISO-8859-1 text, cut at the first NUL (names and versions are NUL-padded). */
    String fixedString(int n) {
        byte[] b = bytes(n);
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.ISO_8859_1);
    }

    byte[] rest() {
        return bytes(remaining());
    }

    static long u32At(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    static void putU32(byte[] b, int at, long v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    static void putU16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }
}
