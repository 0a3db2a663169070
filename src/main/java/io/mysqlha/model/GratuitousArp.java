package io.mysqlha.model;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Gratuitous ARP frames (RFC 826 packet, RFC 5227 section 3 "announcement"): Ethernet broadcast, sender and
 * target protocol address both the announced IPv4 address, sender hardware address the interface's MAC.
 * Receivers that already have a neighbour entry for the address overwrite it with the sender's MAC; that is
 * what moves clients to a VIP's new holder without waiting for their ARP cache to expire.
 */
public final class GratuitousArp {
    public static final int ETHERTYPE_ARP = 0x0806;
    /** Ethernet header (14) + ARP for IPv4 over Ethernet (28). */
    public static final int ARP_LENGTH = 42;
    /** The minimum Ethernet frame without the FCS: shorter frames are padded with zeros. */
    public static final int MIN_FRAME = 60;
    static final int OP_REQUEST = 1;
    static final int OP_REPLY = 2;

    /** Which ARP operations make up one announcement round. */
    public enum Mode {
        /**
         * ARP request with target hardware address zero (RFC 5227's announcement; what the kernel's own
         * {@code arp_notify} and most VRRP daemons send).
         */
        REQUEST,
        /** ARP reply with target hardware address = sender's (Linux accepts a gratuitous reply only so). */
        REPLY,
        /** Both, request first: some switches and older stacks only honour one of the two. */
        BOTH;

        /** Parses request, reply or both (any case); empty for anything else. */
        public static java.util.Optional<Mode> parse(String s) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s.trim())) {
                    return java.util.Optional.of(m);
                }
            }
            return java.util.Optional.empty();
        }
    }

    private GratuitousArp() {}

    /** A gratuitous ARP request from {@code mac} announcing {@code ip}, padded to 60 bytes. */
    public static byte[] request(MacAddress mac, IpAddress ip) {
        return frame(OP_REQUEST, mac, ip, MacAddress.ZERO);
    }

    /** A gratuitous ARP reply from {@code mac} announcing {@code ip}, padded to 60 bytes. */
    public static byte[] reply(MacAddress mac, IpAddress ip) {
        return frame(OP_REPLY, mac, ip, mac);
    }

    /** The frames of one announcement round, in sending order. */
    public static List<byte[]> round(Mode mode, MacAddress mac, IpAddress ip) {
        List<byte[]> out = new ArrayList<>(2);
        if (mode != Mode.REPLY) {
            out.add(request(mac, ip));
        }
        if (mode != Mode.REQUEST) {
            out.add(reply(mac, ip));
        }
        return out;
    }

    private static byte[] frame(int op, MacAddress sender, IpAddress ip, MacAddress targetHw) {
        if (!ip.isV4()) {
            throw new IllegalArgumentException("ARP announces IPv4 addresses only, not " + ip);
        }
        if (sender.isMulticast() || sender.isZero()) {
            throw new IllegalArgumentException("sender MAC " + sender + " cannot own an address");
        }
        ByteBuffer b = ByteBuffer.allocate(MIN_FRAME); // big-endian: network order
        b.put(MacAddress.BROADCAST.octets()).put(sender.octets()).putShort((short) ETHERTYPE_ARP);
        b.putShort((short) 1)          // hardware type: Ethernet
                .putShort((short) 0x0800) // protocol type: IPv4
                .put((byte) 6).put((byte) 4)
                .putShort((short) op)
                .put(sender.octets()).put(ip.octets())
                .put(targetHw.octets()).put(ip.octets());
        return b.array(); // the rest stays zero: the padding
    }
}
