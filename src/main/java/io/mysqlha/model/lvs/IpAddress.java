package io.mysqlha.model.lvs;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address. Parsed from its literal form only (a host name is an error, never a DNS
 * lookup), compared by value, and printed the way {@code ipvsadm -n} prints it (glibc
 * {@code inet_ntop}), so that an address from the configuration equals the same address read back
 * from the kernel table whatever its spelling.
 */
public final class IpAddress implements Comparable<IpAddress> {
    private final byte[] bytes; // 4 or 16
    private final String text;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
        this.text = bytes.length == 4 ? formatIpv4(bytes, 0) : formatIpv6(bytes);
    }

    /**
     * Parses a literal IPv4 ({@code 10.0.0.1}) or IPv6 ({@code 2001:db8::1}, no brackets, no zone)
     * address.
     *
     * @throws IllegalArgumentException naming the text when it is not an address literal
     */
    public static IpAddress parse(String literal) {
        if (literal == null || literal.isEmpty()) {
            throw new IllegalArgumentException("empty IP address");
        }
        byte[] b = literal.indexOf(':') >= 0 ? parseIpv6(literal) : parseIpv4(literal);
        if (b == null) {
            throw new IllegalArgumentException("'" + literal + "' is not an IPv4 or IPv6 address");
        }
        return new IpAddress(b);
    }

    public boolean isIpv6() {
        return bytes.length == 16;
    }

    /** The address in network byte order. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress && Arrays.equals(bytes, ((IpAddress) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** IPv4 before IPv6, then numerically, as ipvsadm sorts its listing. */
    @Override
    public int compareTo(IpAddress o) {
        if (bytes.length != o.bytes.length) {
            return Integer.compare(bytes.length, o.bytes.length);
        }
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = decimalOctet(parts[i]);
            if (v < 0) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    // Leading zeros are refused: inet_pton refuses them too, and some tools read them as octal.
    private static int decimalOctet(String p) {
        if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                return -1;
            }
        }
        int v = Integer.parseInt(p);
        return v <= 255 ? v : -1;
    }

    private static byte[] parseIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = gap >= 0 ? words(s.substring(0, gap), false) : words(s, true);
        int[] tail = gap >= 0 ? words(s.substring(gap + 2), true) : new int[0];
        if (head == null || tail == null) {
            return null;
        }
        int n = head.length + tail.length;
        if (gap >= 0 ? n > 7 : n != 8) {
            return null;
        }
        byte[] b = new byte[16];
        for (int i = 0; i < head.length; i++) {
            b[2 * i] = (byte) (head[i] >> 8);
            b[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int w = 8 - tail.length + i;
            b[2 * w] = (byte) (tail[i] >> 8);
            b[2 * w + 1] = (byte) tail[i];
        }
        return b;
    }

    // The 16-bit words of a colon-separated run; an IPv4 tail counts as two words.
    private static int[] words(String part, boolean ipv4TailAllowed) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] groups = part.split(":", -1);
        int[] w = new int[groups.length + 1];
        int n = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (i == groups.length - 1 && ipv4TailAllowed && g.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(g);
                if (v4 == null) {
                    return null;
                }
                w[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                w[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                continue;
            }
            if (g.isEmpty() || g.length() > 4) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < g.length(); k++) {
                int d = Character.digit(g.charAt(k), 16);
                if (d < 0) {
                    return null;
                }
                v = v << 4 | d;
            }
            w[n++] = v;
        }
        return Arrays.copyOf(w, n);
    }

    private static String formatIpv4(byte[] b, int at) {
        return (b[at] & 0xff) + "." + (b[at + 1] & 0xff) + "." + (b[at + 2] & 0xff) + "." + (b[at + 3] & 0xff);
    }

    // As glibc's inet_ntop: the first longest run of two or more zero words becomes "::", and an
    // IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) address ends in dotted form.
    private static String formatIpv6(byte[] b) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestBase) {
                sb.append(':');
                i += bestLen - 1;
                if (i == 7) {
                    sb.append(':');
                }
                continue;
            }
            if (i > 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                sb.append(formatIpv4(b, 12));
                break;
            }
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }
}
