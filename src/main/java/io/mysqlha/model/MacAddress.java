package io.mysqlha.model;

import java.util.Arrays;
import java.util.Optional;

/** A 48-bit Ethernet (EUI-48) address, as {@code /sys/class/net/<nic>/address} prints it. */
public final class MacAddress {
    /** ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(new byte[] {-1, -1, -1, -1, -1, -1});
    /** 00:00:00:00:00:00. */
    public static final MacAddress ZERO = new MacAddress(new byte[6]);

    private final byte[] octets;

    private MacAddress(byte[] octets) {
        this.octets = octets;
    }

    /** Parses six hex pairs separated by ':' or '-'. */
    public static Optional<MacAddress> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.trim();
        if (t.length() != 17) {
            return Optional.empty();
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (i > 0 && t.charAt(3 * i - 1) != ':' && t.charAt(3 * i - 1) != '-') {
                return Optional.empty();
            }
            int hi = hex(t.charAt(3 * i));
            int lo = hex(t.charAt(3 * i + 1));
            if (hi < 0 || lo < 0) {
                return Optional.empty();
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return Optional.of(new MacAddress(b));
    }

    public static MacAddress of(byte[] octets) {
        if (octets.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + octets.length);
        }
        return new MacAddress(octets.clone());
    }

    public byte[] octets() {
        return octets.clone();
    }

    /** Whether the group bit is set (multicast or broadcast): such an address never owns an IP. */
    public boolean isMulticast() {
        return (octets[0] & 1) != 0;
    }

    public boolean isZero() {
        return Arrays.equals(octets, ZERO.octets);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(Character.forDigit((octets[i] >> 4) & 0xf, 16)).append(Character.forDigit(octets[i] & 0xf, 16));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(octets, m.octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets);
    }

    private static int hex(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }
}
