package io.mysqlha.model.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The validation helpers for operator-given names: forwarding methods, protocols, schedulers. */
class NamesTest {
    @ParameterizedTest
    @CsvSource({
            "dr, DIRECT_ROUTE", "DR, DIRECT_ROUTE", "g, DIRECT_ROUTE", "-g, DIRECT_ROUTE", "gatewaying, DIRECT_ROUTE",
            "--gatewaying, DIRECT_ROUTE", "route, DIRECT_ROUTE",
            "nat, MASQUERADE", "m, MASQUERADE", "-m, MASQUERADE", "masquerading, MASQUERADE", "masq, MASQUERADE",
            "tunnel, TUNNEL", "i, TUNNEL", "-i, TUNNEL", "ipip, TUNNEL", "tun, TUNNEL", "' tunnel ', TUNNEL",
    })
    void forwardingNames(String name, Forwarding expected) {
        assertEquals(expected, Forwarding.parse(name));
    }

    @Test
    void forwardingLettersAndShortNames() {
        assertEquals("-g", Forwarding.parse("dr").option());
        assertEquals("-m", Forwarding.parse("nat").option());
        assertEquals("-i", Forwarding.parse("tunnel").option());
        for (Forwarding f : Forwarding.values()) {
            assertEquals(f, Forwarding.parse(f.shortName()));
            assertEquals(f, Forwarding.parse(f.option()));
        }
        assertTrue(Forwarding.DIRECT_ROUTE.keepsServicePort());
        assertTrue(Forwarding.TUNNEL.keepsServicePort());
        assertFalse(Forwarding.MASQUERADE.keepsServicePort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "direct-routing", "x", "-x", "snat", "fullnat"})
    void unknownForwarding(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Forwarding.parse(name));
        assertTrue(e.getMessage().contains("expected dr, nat or tunnel"), e.getMessage());
    }

    @Test
    void unknownForwardingNull() {
        assertThrows(IllegalArgumentException.class, () -> Forwarding.parse(null));
    }

    @ParameterizedTest
    @CsvSource({"tcp, TCP", "TCP, TCP", "udp, UDP", "sctp, SCTP", "fwmark, FWMARK", "FWM, FWMARK"})
    void protocolNames(String name, Protocol expected) {
        assertEquals(expected, Protocol.parse(name));
    }

    @Test
    void unknownProtocol() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Protocol.parse("icmp"));
        assertTrue(e.getMessage().contains("'icmp'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Protocol.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"})
    void knownSchedulers(String name) {
        assertEquals(name, Schedulers.requireKnown(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "WRR", "random", "wrr "})
    void unknownSchedulers(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedulers.requireKnown(name));
        assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains("wrr"), e.getMessage());
    }

    @Test
    void schedulerFlags() {
        Schedulers.requireValidFlags("sh", List.of("sh-fallback", "sh-port"));
        Schedulers.requireValidFlags("mh", List.of("mh-port"));
        Schedulers.requireValidFlags("wrr", List.of("flag-1"));
        Schedulers.requireValidFlags("wrr", List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.requireValidFlags("wrr", List.of("sh-port")));
        assertTrue(e.getMessage().contains("does not apply to scheduler 'wrr'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedulers.requireValidFlags("sh", List.of("mh-port")));
        assertThrows(IllegalArgumentException.class, () -> Schedulers.requireValidFlags("sh", List.of("sticky")));
    }
}
