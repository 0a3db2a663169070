package io.mysqlha.decide.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.Forwarding;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpvsChangeTest {
    static final ServiceId FW6 = ServiceId.fwmark(8, true);
    static final VirtualService SVC = VirtualService.of(FW6, "sh").withPersistence(120, "64")
            .withSchedulerFlags(List.of("sh-port"));
    static final RealServer R = RealServer.of(Endpoint.parse("[2001:db8::2]:0"), Forwarding.TUNNEL, 2);

    @Test
    void argumentsOfEveryChange() {
        assertEquals(List.of("-A", "-f", "8", "-6", "-s", "sh", "-p", "120", "-M", "64", "-b", "sh-port"),
                new IpvsChange.AddService(SVC, "x").ipvsadmArgs());
        assertEquals(List.of("-E", "-f", "8", "-6", "-s", "rr"),
                new IpvsChange.EditService(SVC, VirtualService.of(FW6, "rr"), "x").ipvsadmArgs());
        assertEquals(List.of("-D", "-f", "8", "-6"), new IpvsChange.DeleteService(FW6, "x").ipvsadmArgs());
        assertEquals(List.of("-a", "-f", "8", "-6", "-r", "[2001:db8::2]:0", "-i", "-w", "2"),
                new IpvsChange.AddServer(FW6, R, "x").ipvsadmArgs());
        assertEquals(List.of("-e", "-f", "8", "-6", "-r", "[2001:db8::2]:0", "-i", "-w", "0"),
                new IpvsChange.EditServer(FW6, R, R.withWeight(0), "x").ipvsadmArgs());
        assertEquals(List.of("-d", "-f", "8", "-6", "-r", "[2001:db8::2]:0"),
                new IpvsChange.DeleteServer(FW6, R, "x").ipvsadmArgs());
    }

    @Test
    void descriptions() {
        assertEquals("add virtual service FWM 8 IPv6 -s sh -p 120 -M 64 -b sh-port (why)",
                new IpvsChange.AddService(SVC, "why").describe());
        assertEquals("edit virtual service FWM 8 IPv6: scheduler sh -> rr, persistence 120s -> 0s, persistence mask 64 -> null,"
                        + " scheduler flags [sh-port] -> [] (why)",
                new IpvsChange.EditService(SVC, VirtualService.of(FW6, "rr"), "why").describe());
        assertEquals("delete virtual service FWM 8 IPv6 (why)", new IpvsChange.DeleteService(FW6, "why").describe());
        assertEquals("drain real server [2001:db8::2]:0 of FWM 8 IPv6: weight 2 -> 0 (why)",
                new IpvsChange.EditServer(FW6, R, R.withWeight(0), "why").describe());
        assertEquals("edit real server [2001:db8::2]:0 of FWM 8 IPv6: weight 2 -> 1, forwarding tunnel -> dr (why)",
                new IpvsChange.EditServer(FW6, R, RealServer.of(R.endpoint(), Forwarding.DIRECT_ROUTE, 1), "why").describe());
        assertEquals("remove real server [2001:db8::2]:0 from FWM 8 IPv6 (why)", new IpvsChange.DeleteServer(FW6, R, "why").describe());
    }

    @Test
    void drainIsAnEditToWeightZero() {
        assertTrue(new IpvsChange.EditServer(FW6, R, R.withWeight(0), "x").isDrain());
        assertFalse(new IpvsChange.EditServer(FW6, R.withWeight(0), R, "x").isDrain());
        assertFalse(new IpvsChange.EditServer(FW6, R.withWeight(0), R.withWeight(0), "x").isDrain());
    }

    @Test
    void editsCannotChangeIdentity() {
        assertThrows(IllegalArgumentException.class,
                () -> new IpvsChange.EditService(SVC, VirtualService.of(ServiceId.fwmark(9, true), "rr"), "x"));
        assertThrows(IllegalArgumentException.class,
                () -> new IpvsChange.EditServer(FW6, R, RealServer.of(Endpoint.parse("[2001:db8::3]:0"), Forwarding.TUNNEL, 2), "x"));
    }
}
