package io.mysqlha.model.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.0.0.1", "255.255.255.255", "192.168.1.200"})
    void ipv4LiteralsRoundTrip(String literal) {
        IpAddress a = IpAddress.parse(literal);
        assertFalse(a.isIpv6());
        assertEquals(literal, a.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.1.2", "10.0.0.256", "10.0.0.01", "10.0.0.-1", "10..0.1",
            "10.0.0.1 ", " 10.0.0.1", "a.b.c.d", "db1.example.com", "localhost", "10.0.0.1/32", "1e1.0.0.1"})
    void notIpv4(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
        assertTrue(text.isEmpty() || e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    // Expected forms are what glibc inet_ntop (and so ipvsadm -n) prints.
    @ParameterizedTest
    @CsvSource({
            "::, ::",
            "::1, ::1",
            "0:0:0:0:0:0:0:1, ::1",
            "1::, 1::",
            "2001:DB8::1, 2001:db8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0:0:1::2, 2001:db8::1:0:0:2",
            "2001:db8:0:0:1:0:0:2, 2001:db8::1:0:0:2",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "fe80::a:b:c:d, fe80::a:b:c:d",
            "::ffff:10.0.0.2, ::ffff:10.0.0.2",
            "::ffff:a00:2, ::ffff:10.0.0.2",
            "::10.0.0.2, ::10.0.0.2",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
            "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
            "1:2:3:4:5:6::8, 1:2:3:4:5:6:0:8",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    })
    void ipv6PrintsAsInetNtop(String literal, String printed) {
        IpAddress a = IpAddress.parse(literal);
        assertTrue(a.isIpv6());
        assertEquals(printed, a.toString());
        assertEquals(a, IpAddress.parse(printed));
    }

    @ParameterizedTest
    @ValueSource(strings = {":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1", "g::1",
            ":1::2", "1::2:", "fe80::1%eth0", "[::1]", "::1.2.3", "::1.2.3.4.5", "1.2.3.4::", "::ffff:1.2.3.256",
            "1:2:3:4:5:6:7:1.2.3.4", "1::2:3:4:5:6:7:8"})
    void notIpv6(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @Test
    void equalityIgnoresSpelling() {
        assertEquals(IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:0DB8:0:0::0:1"));
        assertEquals(IpAddress.parse("2001:db8::1").hashCode(), IpAddress.parse("2001:0DB8:0:0::0:1").hashCode());
        assertNotEquals(IpAddress.parse("::ffff:10.0.0.1"), IpAddress.parse("10.0.0.1"));
    }

    @Test
    void sortsIpv4BeforeIpv6AndNumerically() {
        assertTrue(IpAddress.parse("10.0.0.9").compareTo(IpAddress.parse("10.0.0.10")) < 0);
        assertTrue(IpAddress.parse("10.0.0.200").compareTo(IpAddress.parse("10.0.1.2")) < 0);
        assertTrue(IpAddress.parse("255.255.255.255").compareTo(IpAddress.parse("::")) < 0);
        assertTrue(IpAddress.parse("2001:db8::2").compareTo(IpAddress.parse("2001:db8::10")) < 0);
        assertEquals(0, IpAddress.parse("::1").compareTo(IpAddress.parse("0::1")));
    }

    @Test
    void bytesAreACopy() {
        IpAddress a = IpAddress.parse("10.0.0.1");
        a.toBytes()[0] = 99;
        assertEquals("10.0.0.1", a.toString());
    }
}
