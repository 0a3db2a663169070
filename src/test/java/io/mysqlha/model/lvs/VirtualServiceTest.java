package io.mysqlha.model.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualServiceTest {
    private static final ServiceId V4 = ServiceId.tcp("10.0.0.1:3306");
    private static final ServiceId V6 = ServiceId.tcp("[2001:db8::1]:3306");

    @Test
    void serviceIdArgsAndNames() {
        assertEquals(List.of("-t", "10.0.0.1:3306"), V4.ipvsadmArgs());
        assertEquals("TCP 10.0.0.1:3306", V4.toString());
        assertEquals(List.of("-u", "10.0.0.1:53"), ServiceId.of(Protocol.UDP, Endpoint.parse("10.0.0.1:53")).ipvsadmArgs());
        assertEquals(List.of("--sctp-service", "10.0.0.1:9000"),
                ServiceId.of(Protocol.SCTP, Endpoint.parse("10.0.0.1:9000")).ipvsadmArgs());
        assertEquals(List.of("-f", "7"), ServiceId.fwmark(7, false).ipvsadmArgs());
        assertEquals(List.of("-f", "8", "-6"), ServiceId.fwmark(8, true).ipvsadmArgs());
        assertEquals("FWM 8 IPv6", ServiceId.fwmark(8, true).toString());
        assertEquals(0, ServiceId.fwmark(7, false).port());
        assertEquals(3306, V6.port());
        assertTrue(V6.ipv6());
    }

    @Test
    void serviceIdConsistency() {
        Endpoint e = Endpoint.parse("10.0.0.1:3306");
        assertThrows(IllegalArgumentException.class, () -> new ServiceId(Protocol.FWMARK, e, 1, false));
        assertThrows(IllegalArgumentException.class, () -> ServiceId.fwmark(0, false));
        assertThrows(IllegalArgumentException.class, () -> ServiceId.fwmark(0x100000000L, false));
        assertThrows(IllegalArgumentException.class, () -> new ServiceId(Protocol.TCP, e, 3, false));
        assertThrows(IllegalArgumentException.class, () -> new ServiceId(Protocol.TCP, e, 0, true));
        assertThrows(NullPointerException.class, () -> new ServiceId(Protocol.TCP, null, 0, false));
        assertEquals(4294967295L, ServiceId.fwmark(4294967295L, false).fwmark());
    }

    @Test
    void configArgsInSaveOrder() {
        assertEquals(List.of("-s", "wrr"), VirtualService.of(V4, "wrr").configArgs());
        VirtualService s = VirtualService.of(ServiceId.of(Protocol.UDP, Endpoint.parse("10.0.0.1:53")), "rr")
                .withPersistence(600, "255.255.255.0").withOnePacket(true);
        assertEquals(List.of("-s", "rr", "-p", "600", "-M", "255.255.255.0", "-o"), s.configArgs());
        VirtualService mh = VirtualService.of(V4, "mh").withPersistence(360, null).withSchedulerFlags(List.of("mh-port", "mh-fallback"));
        assertEquals(List.of("-s", "mh", "-p", "360", "-b", "mh-fallback,mh-port"), mh.configArgs());
        VirtualService pe = new VirtualService(V4, "rr", 0, null, List.of(), false, "sip");
        assertEquals(List.of("-s", "rr", "--pe", "sip"), pe.configArgs());
    }

    @Test
    void hostMaskIsTheDefault() {
        assertNull(VirtualService.of(V4, "wrr").withPersistence(300, "255.255.255.255").persistenceMask());
        assertNull(VirtualService.of(V6, "wrr").withPersistence(300, "128").persistenceMask());
        assertEquals("64", VirtualService.of(V6, "wrr").withPersistence(300, "64").persistenceMask());
        assertEquals(VirtualService.of(V4, "wrr").withPersistence(300, null),
                VirtualService.of(V4, "wrr").withPersistence(300, "255.255.255.255"));
    }

    @Test
    void badMasks() {
        VirtualService s4 = VirtualService.of(V4, "wrr");
        VirtualService s6 = VirtualService.of(V6, "wrr");
        assertThrows(IllegalArgumentException.class, () -> s4.withPersistence(0, "255.255.255.0"));
        assertThrows(IllegalArgumentException.class, () -> s4.withPersistence(300, "255.0.255.0"));
        assertThrows(IllegalArgumentException.class, () -> s4.withPersistence(300, "24"));
        assertThrows(IllegalArgumentException.class, () -> s4.withPersistence(300, "ffff::"));
        assertThrows(IllegalArgumentException.class, () -> s6.withPersistence(300, "255.255.255.0"));
        assertThrows(IllegalArgumentException.class, () -> s6.withPersistence(300, "129"));
        assertThrows(IllegalArgumentException.class, () -> s6.withPersistence(300, "0"));
        assertThrows(IllegalArgumentException.class, () -> s4.withPersistence(-1, null));
    }

    @Test
    void badSchedulerNames() {
        assertThrows(IllegalArgumentException.class, () -> VirtualService.of(V4, ""));
        assertThrows(IllegalArgumentException.class, () -> VirtualService.of(V4, "w rr"));
        assertThrows(IllegalArgumentException.class, () -> VirtualService.of(V4, null));
        // A scheduler the table reports is kept even when this code does not know it.
        assertEquals("future", VirtualService.of(V4, "future").scheduler());
    }

    @Test
    void differences() {
        VirtualService want = VirtualService.of(V4, "wrr").withPersistence(300, null);
        VirtualService have = VirtualService.of(V4, "rr");
        assertEquals(List.of("scheduler rr -> wrr", "persistence 0s -> 300s"), want.differencesFrom(have));
        assertEquals(List.of(), want.differencesFrom(want));
        assertEquals(List.of("scheduler flags [] -> [sh-port]", "one-packet scheduling false -> true"),
                VirtualService.of(V4, "sh").withSchedulerFlags(List.of("sh-port")).withOnePacket(true)
                        .differencesFrom(VirtualService.of(V4, "sh")));
    }

    @Test
    void flagsSortedAndDeduplicated() {
        assertEquals(List.of("sh-fallback", "sh-port"),
                VirtualService.of(V4, "sh").withSchedulerFlags(List.of("sh-port", "sh-fallback", "sh-port")).schedulerFlags());
    }

    @Test
    void realServerArgsAndChecks() {
        RealServer r = RealServer.of(Endpoint.parse("10.0.0.2:3306"), Forwarding.DIRECT_ROUTE, 1);
        assertEquals(List.of("-r", "10.0.0.2:3306", "-g", "-w", "1"), r.configArgs());
        assertEquals(0, r.withWeight(0).weight());
        assertTrue(r.sameConfig(r.withConnections(new RealServer.Connections(3, 4))));
        assertThrows(IllegalArgumentException.class, () -> r.withWeight(65536));
        assertThrows(IllegalArgumentException.class, () -> r.withWeight(-1));
        assertThrows(IllegalArgumentException.class, () -> new RealServer.Connections(-1, 0));
        assertEquals("10.0.0.2:3306 dr w1 conns 3/4", r.withConnections(new RealServer.Connections(3, 4)).toString());
    }
}
