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
        // one parser for the project's addresses; this class adds the kernel's way of printing them
        return new IpAddress(io.mysqlha.model.IpAddress.parse(literal.equals(literal.trim()) ? literal : "")
                .orElseThrow(() -> new IllegalArgumentException("'" + literal + "' is not an IPv4 or IPv6 address"))
                .octets());
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
