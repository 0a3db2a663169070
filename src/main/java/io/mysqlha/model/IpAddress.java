package io.mysqlha.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address parsed from its literal form, never by name resolution (a VIP given as a host
 * name would make every action depend on DNS). Equality is by address bytes, so {@code 2001:db8::1} and
 * {@code 2001:DB8:0:0::1} are the same address.
 */
public final class IpAddress {
    private final byte[] octets;

    private IpAddress(byte[] octets) {
        this.octets = octets;
    }

    /** Parses a dotted-quad IPv4 or an RFC 4291 IPv6 literal (no zone index, no brackets, no prefix). */
    public static Optional<IpAddress> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.trim();
        byte[] b = t.indexOf(':') >= 0 ? parseV6(t) : parseV4(t);
        return b == null ? Optional.empty() : Optional.of(new IpAddress(b));
    }

    /** From 4 or 16 bytes. */
    public static IpAddress of(byte[] octets) {
        if (octets.length != 4 && octets.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + octets.length);
        }
        return new IpAddress(octets.clone());
    }

    public boolean isV4() {
        return octets.length == 4;
    }

    /** 32 or 128. */
    public int bits() {
        return octets.length * 8;
    }

    public byte[] octets() {
        return octets.clone();
    }

    /** Whether this address lies in {@code network/prefixLength} (same family only). */
    public boolean inPrefix(IpAddress network, int prefixLength) {
        if (network.octets.length != octets.length || prefixLength < 0 || prefixLength > bits()) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (octets[i] != network.octets[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (octets[full] & mask) == (network.octets[full] & mask);
    }

    /**
     * Why this address cannot be a virtual address, or empty when it can: the unspecified, loopback,
     * multicast and limited-broadcast addresses, and IPv6 link-local ones (they need a zone).
     */
    public Optional<String> unusableAsVip() {
        int b0 = octets[0] & 0xff;
        if (isV4()) {
            if (b0 == 0) {
                return Optional.of("is in 0.0.0.0/8");
            }
            if (b0 == 127) {
                return Optional.of("is a loopback address");
            }
            if (b0 >= 224 && b0 <= 239) {
                return Optional.of("is a multicast address");
            }
            if (b0 >= 240) {
                return Optional.of(b0 == 255 && Arrays.equals(octets, new byte[] {-1, -1, -1, -1})
                        ? "is the limited broadcast address" : "is a reserved (class E) address");
            }
            return Optional.empty();
        }
        boolean zeroUpTo15 = true;
        for (int i = 0; i < 15; i++) {
            zeroUpTo15 &= octets[i] == 0;
        }
        if (zeroUpTo15 && (octets[15] == 0 || octets[15] == 1)) {
            return Optional.of(octets[15] == 0 ? "is the unspecified address" : "is the loopback address");
        }
        if (b0 == 0xff) {
            return Optional.of("is a multicast address");
        }
        if (b0 == 0xfe && (octets[1] & 0xc0) == 0x80) {
            return Optional.of("is link-local (fe80::/10)");
        }
        return Optional.empty();
    }

    /** Dotted quad, or the RFC 5952 text form (lower case, longest zero run compressed). */
    @Override
    public String toString() {
        if (isV4()) {
            return (octets[0] & 0xff) + "." + (octets[1] & 0xff) + "." + (octets[2] & 0xff) + "." + (octets[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((octets[2 * i] & 0xff) << 8) | (octets[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && Arrays.equals(octets, a.octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets);
    }

    private static byte[] parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            // no leading zeros: "010" is octal to inet_aton and decimal to others, so it is refused
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !digits(p)) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] parseV6(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            return null;
        }
        String head = dc >= 0 ? s.substring(0, dc) : s;
        String tail = dc >= 0 ? s.substring(dc + 2) : "";
        int[] h = groups(head, dc < 0);
        int[] t = dc >= 0 ? groups(tail, true) : new int[0];
        if (h == null || t == null) {
            return null;
        }
        int n = h.length + t.length;
        if ((dc < 0 && n != 8) || (dc >= 0 && n > 7)) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(t, 0, all, 8 - t.length, t.length);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (all[i] >> 8);
            b[2 * i + 1] = (byte) all[i];
        }
        return b;
    }

    /** Hex groups separated by ':'; the last may be a dotted quad when {@code last} is true. */
    private static int[] groups(String s, boolean last) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int[] out = new int[8];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (last && i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = parseV4(p);
                if (v4 == null || n + 2 > 8) {
                    return null;
                }
                out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                continue;
            }
            if (p.isEmpty() || p.length() > 4 || n >= 8) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                int d = c < 128 ? Character.digit(c, 16) : -1;
                if (d < 0) {
                    return null;
                }
                v = v * 16 + d;
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
