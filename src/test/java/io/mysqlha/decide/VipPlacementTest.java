package io.mysqlha.decide;

import io.mysqlha.model.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** iproute2 output as captured from iproute2 6.1 (Debian 12), and the choice of interface and prefix. */
class VipPlacementTest {

    static final String ADDRS = String.join("\n",
            "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever",
            "1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever",
            "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever",
            "4: eth0    inet6 fd00::2/64 scope global nodad \\       valid_lft forever preferred_lft forever",
            "6: vipa@if5    inet 10.250.9.1/24 scope global vipa\\       valid_lft forever preferred_lft forever",
            "6: vipa@if5    inet 10.250.9.100/24 brd 10.250.9.255 scope global secondary vipa:w\\       valid_lft forever preferred_lft forever",
            "6: vipa@if5    inet6 fe80::a8f5:b9ff:febd:ff2a/64 scope link \\       valid_lft forever preferred_lft forever",
            "7: tun0    inet 10.8.0.1 peer 10.8.0.2/32 scope global tun0\\       valid_lft forever preferred_lft forever",
            "8: eth1    inet6 fd00:9::100/64 scope global tentative dadfailed \\       valid_lft forever preferred_lft forever",
            "9: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000",
            "garbage line",
            "");

    static final String ROUTES4 = String.join("\n",
            "default via 192.0.2.1 dev eth0 ",
            "10.250.9.0/24 dev vipa proto kernel scope link src 10.250.9.1 ",
            "10.250.9.64/26 dev vipb proto kernel scope link src 10.250.9.65 linkdown ",
            "10.250.0.0/16 via 192.0.2.1 dev eth0 ",
            "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2 ",
            "blackhole 10.99.0.0/16 ",
            "10.77.0.0/16 nhid 12 proto static \\\tnexthop via 192.0.2.1 dev eth0 weight 1 \\\tnexthop via 192.0.2.9 dev eth0 weight 1",
            "198.51.100.0/24 dev eth2 proto kernel scope link src 198.51.100.2 metric 100 ",
            "198.51.100.0/24 dev eth3 proto kernel scope link src 198.51.100.3 metric 200 ",
            "203.0.113.0/24 dev eth4 proto kernel scope link src 203.0.113.4 ",
            "203.0.113.0/24 dev eth5 proto kernel scope link src 203.0.113.5 ",
            "");

    static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }

    @Test
    void addressLinesParse() {
        List<Iproute.Addr> a = Iproute.addresses(ADDRS);
        assertEquals(9, a.size(), a.toString());
        Iproute.Addr vip = a.get(5);
        assertEquals("vipa", vip.dev(), "the @peer suffix of a veth is dropped");
        assertEquals(ip("10.250.9.100"), vip.address());
        assertEquals(24, vip.prefixLength());
        assertEquals("vipa:w", vip.label());
        assertEquals(Set.of("secondary"), vip.flags());
        assertEquals("eth0", a.get(2).label());
        assertEquals(Set.of("nodad"), a.get(3).flags());
        assertEquals("", a.get(3).label(), "IPv6 has no labels");
        assertEquals(32, a.get(7).prefixLength(), "point-to-point: the peer's prefix");
        assertEquals(ip("10.8.0.1"), a.get(7).address());
        assertTrue(a.get(8).dadFailed());
        assertFalse(vip.dadFailed());
    }

    @Test
    void routeLinesParse() {
        List<Iproute.Route> r = Iproute.routes(ROUTES4);
        assertEquals(11, r.size(), r.toString());
        assertFalse(r.get(0).connected(), "default");
        assertTrue(r.get(1).connected());
        assertEquals("vipa", r.get(1).dev());
        assertEquals(24, r.get(1).prefixLength());
        assertTrue(r.get(2).linkDown());
        assertFalse(r.get(3).connected(), "via a gateway");
        assertEquals("blackhole", r.get(5).type());
        assertFalse(r.get(5).connected());
        assertFalse(r.get(6).connected(), "multipath");
        assertEquals(200, r.get(8).metric());
        List<Iproute.Route> r6 = Iproute.routes("fd00::/64 dev eth0 proto kernel metric 256 pref medium\n"
                + "fe80::/64 dev eth0 proto kernel metric 256 pref medium\n"
                + "default via fd00::1 dev eth0 metric 1024 pref medium\n");
        assertEquals(3, r6.size());
        assertTrue(r6.get(0).connected());
        assertEquals(64, r6.get(0).prefixLength());
        assertEquals(256, r6.get(0).metric());
    }

    @Test
    void theConnectedRouteThatCoversTheAddressPicksTheInterface() {
        List<Iproute.Route> routes = Iproute.routes(ROUTES4);
        VipPlacement.Placement p = VipPlacement.place(ip("10.250.9.7"), "", -1, List.of(), routes);
        assertTrue(p.ok(), p.problem());
        assertEquals("vipa", p.nic());
        assertEquals(24, p.prefixLength());
        // longest prefix wins, even over a route whose link is down
        assertEquals("vipb", VipPlacement.place(ip("10.250.9.70"), "", -1, List.of(), routes).nic());
        // a route via a gateway never makes an interface the address's home
        VipPlacement.Placement none = VipPlacement.place(ip("10.250.200.1"), "", -1, List.of(), routes);
        assertFalse(none.ok());
        assertTrue(none.problem().contains("'nic'"), none.problem());
        // equal prefixes: the lower metric
        assertEquals("eth2", VipPlacement.place(ip("198.51.100.9"), "", -1, List.of(), routes).nic());
        // equal prefixes and metrics on two interfaces: ambiguous
        VipPlacement.Placement tie = VipPlacement.place(ip("203.0.113.9"), "", -1, List.of(), routes);
        assertFalse(tie.ok());
        assertTrue(tie.problem().contains("eth4") && tie.problem().contains("eth5"), tie.problem());
        // the configured prefix length wins over the route's
        assertEquals(28, VipPlacement.place(ip("10.250.9.7"), "", 28, List.of(), routes).prefixLength());
    }

    @Test
    void anAddressInPlaceDecidesBeforeTheRoutes() {
        List<Iproute.Addr> addrs = Iproute.addresses(ADDRS);
        VipPlacement.Placement p = VipPlacement.place(ip("10.250.9.100"), "", -1, addrs, List.of());
        assertEquals("vipa", p.nic());
        assertEquals(24, p.prefixLength());
        List<Iproute.Addr> twice = Iproute.addresses(ADDRS + "\n10: eth9    inet 10.250.9.100/32 scope global eth9\\ x");
        VipPlacement.Placement both = VipPlacement.place(ip("10.250.9.100"), "", -1, twice, List.of());
        assertFalse(both.ok());
        assertTrue(both.problem().contains("vipa, eth9"), both.problem());
    }

    @Test
    void aConfiguredInterfaceTakesItsPrefixFromTheAddressOrItsOwnRoute() {
        List<Iproute.Route> routes = Iproute.routes(ROUTES4);
        assertEquals(new VipPlacement.Placement("eth0", 27, "configured", null),
                VipPlacement.place(ip("192.0.2.50"), "eth0", 27, List.of(), routes));
        assertEquals(24, VipPlacement.place(ip("192.0.2.50"), "eth0", -1, List.of(), routes).prefixLength());
        // the route of another interface does not give this one a prefix
        VipPlacement.Placement p = VipPlacement.place(ip("10.250.9.50"), "eth0", -1, List.of(), routes);
        assertFalse(p.ok());
        assertTrue(p.problem().contains("'cidr_netmask'"), p.problem());
        assertEquals(24, VipPlacement.place(ip("10.250.9.100"), "vipa", -1, Iproute.addresses(ADDRS), List.of())
                .prefixLength());
    }

    @Test
    void netmasksAndPrefixLengths() {
        assertEquals(24, VipPlacement.prefixLength("24", true));
        assertEquals(24, VipPlacement.prefixLength("255.255.255.0", true));
        assertEquals(32, VipPlacement.prefixLength("255.255.255.255", true));
        assertEquals(1, VipPlacement.prefixLength("128.0.0.0", true));
        assertEquals(-1, VipPlacement.prefixLength("255.0.255.0", true), "not contiguous");
        assertEquals(-1, VipPlacement.prefixLength("0.0.0.0", true));
        assertEquals(-1, VipPlacement.prefixLength("0", true));
        assertEquals(-1, VipPlacement.prefixLength("33", true));
        assertEquals(-1, VipPlacement.prefixLength("/24", true));
        assertEquals(64, VipPlacement.prefixLength("64", false));
        assertEquals(128, VipPlacement.prefixLength("128", false));
        assertEquals(-1, VipPlacement.prefixLength("129", false));
        assertEquals(-1, VipPlacement.prefixLength("ffff:ffff::", false));
    }

    @Test
    void interfaceNames() {
        for (String ok : List.of("eth0", "ens3", "bond0.100", "br-lan", "veth_a", "a23456789012345")) {
            assertTrue(VipPlacement.validNicName(ok), ok);
        }
        for (String bad : List.of("", "eth0:1", "eth 0", "a/b", "..", ".", "a234567890123456", "eth0;rm")) {
            assertFalse(VipPlacement.validNicName(bad), bad);
        }
        assertNull(VipPlacement.place(ip("10.250.9.7"), "vipa", 24, List.of(), List.of()).problem());
    }
}
