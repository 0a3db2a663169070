package io.mysqlha.model.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {
    @ParameterizedTest
    @CsvSource({
            "10.0.0.1:3306, 10.0.0.1, 3306",
            "10.0.0.1:0, 10.0.0.1, 0",
            "10.0.0.1:65535, 10.0.0.1, 65535",
            "[2001:db8::1]:3306, 2001:db8::1, 3306",
            "[2001:DB8:0::1]:3306, 2001:db8::1, 3306",
            "[::ffff:10.0.0.2]:80, ::ffff:10.0.0.2, 80",
    })
    void parsesAddressAndPort(String text, String address, int port) {
        Endpoint e = Endpoint.parse(text);
        assertEquals(IpAddress.parse(address), e.address());
        assertEquals(port, e.port());
    }

    @Test
    void printsAsIpvsadm() {
        assertEquals("10.0.0.1:3306", Endpoint.parse("10.0.0.1:3306").toString());
        assertEquals("[2001:db8::1:0:0:2]:3306", Endpoint.parse("[2001:db8:0:0:1::2]:3306").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1|missing ':port'",
            "10.0.0.1:|port '' is not a number",
            "10.0.0.1:abc|port 'abc' is not a number",
            "10.0.0.1:65536|port 65536 is outside 0-65535",
            "10.0.0.1:999999|is not a number in 0-65535",
            "10.0.0.1:-1|port '-1' is not a number",
            "10.0.0.300:3306|'10.0.0.300' is not an IPv4 or IPv6 address",
            "db1:3306|'db1' is not an IPv4 or IPv6 address",
            "2001:db8::1:3306|write an IPv6 address with a port as [address]:port",
            "[2001:db8::1|missing ']'",
            "[2001:db8::1]3306|expected ':port' after ']'",
            "[10.0.0.1]:3306|brackets are for IPv6 addresses only",
            "[2001:db8::1]|missing ':port'",
    })
    void refusesWithAReason(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().startsWith("'" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void refusesEmpty(String text) {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(null));
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.2, 10.0.0.2:3306",
            "10.0.0.2:3307, 10.0.0.2:3307",
            "2001:db8::2, [2001:db8::2]:3306",
            "[2001:db8::2], [2001:db8::2]:3306",
            "[2001:db8::2]:3307, [2001:db8::2]:3307",
    })
    void defaultPortWhenOmitted(String text, String expected) {
        assertEquals(Endpoint.parse(expected), Endpoint.parse(text, 3306));
    }

    @Test
    void portRangeChecked() {
        IpAddress a = IpAddress.parse("10.0.0.1");
        assertThrows(IllegalArgumentException.class, () -> new Endpoint(a, -1));
        assertThrows(IllegalArgumentException.class, () -> new Endpoint(a, 65536));
        assertThrows(NullPointerException.class, () -> new Endpoint(null, 1));
    }

    @Test
    void withPortAndOrder() {
        Endpoint e = Endpoint.parse("10.0.0.2:3307");
        assertEquals(Endpoint.parse("10.0.0.2:3306"), e.withPort(3306));
        assertTrue(Endpoint.parse("10.0.0.2:3306").compareTo(e) < 0);
        assertTrue(Endpoint.parse("10.0.0.2:9999").compareTo(Endpoint.parse("10.0.0.10:1")) < 0);
    }
}
