package io.mysqlha.model;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IP and MAC literals, and the gratuitous ARP frames byte for byte. */
class VipModelTest {

    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow(() -> new AssertionError("does not parse: " + s));
    }

    @Test
    void ipv4Literals() {
        assertArrayEquals(new byte[] {10, (byte) 250, 9, 100}, ip("10.250.9.100").octets());
        assertEquals("10.250.9.100", ip(" 10.250.9.100 ").toString());
        for (String bad : List.of("", "10.250.9", "10.250.9.256", "10.250.9.1.2", "010.1.1.1", "1..2.3", "a.b.c.d",
                "10.250.9.-1", "10.250.9.1/24", "host.example", "\uff11.2.3.4")) {
            assertEquals(Optional.empty(), IpAddress.parse(bad), bad);
        }
    }

    @Test
    void ipv6LiteralsAndTheirCanonicalText() {
        assertEquals("2001:db8::1", ip("2001:DB8:0:0:0:0:0:1").toString());
        assertEquals(ip("2001:db8::1"), ip("2001:db8:0::0:1"));
        assertEquals("::", ip("::").toString());
        assertEquals("::1", ip("::1").toString());
        assertEquals("fd00::", ip("fd00::").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", ip("2001:db8:0:1:1:1:1:1").toString(), "a single zero group stays");
        assertEquals("2001:0:0:1::1", ip("2001:0:0:1:0:0:0:1").toString(), "the longest run is compressed");
        assertEquals("::ffff:a0a:901", ip("::ffff:10.10.9.1").toString());
        for (String bad : List.of(":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
                "fe80::1%eth0", "[::1]", "1.2.3.4::", "::1.2.3")) {
            assertEquals(Optional.empty(), IpAddress.parse(bad), bad);
        }
    }

    @Test
    void prefixMembership() {
        assertTrue(ip("10.250.9.100").inPrefix(ip("10.250.9.0"), 24));
        assertFalse(ip("10.250.10.100").inPrefix(ip("10.250.9.0"), 24));
        assertTrue(ip("10.250.9.100").inPrefix(ip("10.250.8.0"), 23));
        assertTrue(ip("10.250.9.100").inPrefix(ip("0.0.0.0"), 0));
        assertTrue(ip("10.250.9.100").inPrefix(ip("10.250.9.100"), 32));
        assertFalse(ip("10.250.9.101").inPrefix(ip("10.250.9.100"), 32));
        assertTrue(ip("10.250.9.100").inPrefix(ip("10.250.9.96"), 29));
        assertFalse(ip("10.250.9.104").inPrefix(ip("10.250.9.96"), 29));
        assertTrue(ip("fd00::9:1").inPrefix(ip("fd00::"), 64));
        assertFalse(ip("fd01::1").inPrefix(ip("fd00::"), 64));
        assertFalse(ip("10.250.9.1").inPrefix(ip("::"), 0), "families never mix");
    }

    @Test
    void addressesThatCannotBeAVip() {
        for (String bad : List.of("0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1", "::", "::1",
                "ff02::1", "fe80::1")) {
            assertTrue(ip(bad).unusableAsVip().isPresent(), bad);
        }
        for (String ok : List.of("10.250.9.100", "192.0.2.7", "fd00::9:100", "2001:db8::1")) {
            assertEquals(Optional.empty(), ip(ok).unusableAsVip(), ok);
        }
    }

    @Test
    void macLiterals() {
        MacAddress m = MacAddress.parse("AA:f5:b9:bd:ff:2a").orElseThrow();
        assertEquals("aa:f5:b9:bd:ff:2a", m.toString());
        assertEquals(m, MacAddress.parse("aa-f5-b9-bd-ff-2a").orElseThrow());
        assertTrue(MacAddress.BROADCAST.isMulticast());
        assertFalse(m.isMulticast());
        assertTrue(MacAddress.parse("00:00:00:00:00:00").orElseThrow().isZero());
        for (String bad : List.of("", "aa:f5:b9:bd:ff", "aa:f5:b9:bd:ff:2g", "aa:f5:b9:bd:ff:2a:00", "aaf5b9bdff2a",
                "aa:f5:b9:bd:ff;2a")) {
            assertEquals(Optional.empty(), MacAddress.parse(bad), bad);
        }
    }

    private static final MacAddress MAC = MacAddress.parse("02:00:0a:fa:09:01").orElseThrow();
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void gratuitousArpRequestBytes() {
        byte[] f = GratuitousArp.request(MAC, ip("10.250.9.100"));
        assertEquals(60, f.length, "padded to the Ethernet minimum");
        assertEquals("ffffffffffff" + "02000afa0901" + "0806"     // Ethernet: broadcast, from MAC, ARP
                + "0001" + "0800" + "06" + "04" + "0001"               // Ethernet/IPv4, request
                + "02000afa0901" + "0afa0964"                          // sender: MAC, VIP
                + "000000000000" + "0afa0964"                          // target: zero MAC, VIP
                + "00".repeat(18), HEX.formatHex(f));
    }

    @Test
    void gratuitousArpReplyCarriesTheSenderMacAsTarget() {
        byte[] f = GratuitousArp.reply(MAC, ip("10.250.9.100"));
        assertEquals("ffffffffffff02000afa09010806" + "000108000604" + "0002"
                + "02000afa0901" + "0afa0964" + "02000afa0901" + "0afa0964" + "00".repeat(18), HEX.formatHex(f));
    }

    @Test
    void roundsFollowTheMode() {
        IpAddress vip = ip("10.250.9.100");
        assertEquals(2, GratuitousArp.round(GratuitousArp.Mode.BOTH, MAC, vip).size());
        assertEquals(1, GratuitousArp.round(GratuitousArp.Mode.REQUEST, MAC, vip).get(0)[21]);
        assertEquals(2, GratuitousArp.round(GratuitousArp.Mode.REPLY, MAC, vip).get(0)[21]);
        List<byte[]> both = GratuitousArp.round(GratuitousArp.Mode.BOTH, MAC, vip);
        assertEquals(1, both.get(0)[21], "request first");
        assertEquals(2, both.get(1)[21]);
        assertEquals(Optional.of(GratuitousArp.Mode.REPLY), GratuitousArp.Mode.parse(" Reply "));
        assertEquals(Optional.empty(), GratuitousArp.Mode.parse("gratuitous"));
    }

    @Test
    void framesRefuseWhatCannotBeAnnounced() {
        assertThrows(IllegalArgumentException.class, () -> GratuitousArp.request(MAC, ip("fd00::1")));
        assertThrows(IllegalArgumentException.class, () -> GratuitousArp.request(MacAddress.BROADCAST, ip("10.250.9.1")));
        assertThrows(IllegalArgumentException.class, () -> GratuitousArp.reply(MacAddress.ZERO, ip("10.250.9.1")));
    }
}
