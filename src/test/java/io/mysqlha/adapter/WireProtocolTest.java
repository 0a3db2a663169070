package io.mysqlha.adapter;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireProtocolTest {

    /** A v10 greeting laid out as the protocol documents it (MariaDB style: 20-byte nonce, plugin name). */
    static byte[] greeting(String version, String plugin) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(10);
        b.writeBytes(version.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        b.writeBytes(new byte[] {42, 0, 0, 0});
        b.writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        int caps = 0xF7FE | WireProtocol.CLIENT_PLUGIN_AUTH;
        b.write(caps & 0xFF);
        b.write((caps >> 8) & 0xFF);
        b.write(45);
        b.writeBytes(new byte[] {2, 0});
        b.write((caps >> 16) & 0xFF);
        b.write((caps >> 24) & 0xFF);
        b.write(21);
        b.writeBytes(new byte[10]);
        b.writeBytes("ijklmnopqrst".getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        b.writeBytes(plugin.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        return b.toByteArray();
    }

    @Test
    void parsesTheGreeting() throws IOException {
        WireProtocol.Handshake h = WireProtocol.parseHandshake(greeting("5.5.5-10.11.19-MariaDB-log", "mysql_native_password"));
        assertEquals("5.5.5-10.11.19-MariaDB-log", h.serverVersion());
        assertEquals(42, h.connectionId());
        assertEquals("abcdefghijklmnopqrst", new String(h.nonce(), StandardCharsets.US_ASCII));
        assertEquals("mysql_native_password", h.authPlugin());
    }

    @Test
    void aGreetingThatIsAnErrorIsReported() {
        byte[] err = {(byte) 0xFF, 0x10, 0x04, 'T', 'o', 'o', ' ', 'm', 'a', 'n', 'y'};
        WireProtocol.ServerError e = assertThrows(WireProtocol.ServerError.class, () -> WireProtocol.parseHandshake(err));
        assertEquals(1040, e.code);
        assertEquals("Too many", e.getMessage());
    }

    @Test
    void nativePasswordScrambleFollowsTheDefinition() throws Exception {
        byte[] nonce = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
        byte[] s = WireProtocol.scramble("mysql_native_password", "secret", nonce);
        // SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw))), computed independently here
        java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
        byte[] h1 = sha1.digest("secret".getBytes(StandardCharsets.UTF_8));
        byte[] h2 = sha1.digest(h1);
        sha1.update(nonce);
        byte[] h3 = sha1.digest(h2);
        byte[] want = new byte[20];
        for (int i = 0; i < 20; i++) {
            want[i] = (byte) (h1[i] ^ h3[i]);
        }
        assertArrayEquals(want, s);
        assertEquals(0, WireProtocol.scramble("mysql_native_password", "", nonce).length, "empty password");
        assertEquals(32, WireProtocol.scramble("caching_sha2_password", "secret", nonce).length);
        assertThrows(WireProtocol.Unsupported.class, () -> WireProtocol.scramble("client_ed25519", "x", nonce));
    }

    @Test
    void framingRoundTripsIncludingTheSixteenMegabyteBoundary() throws IOException {
        for (int size : new int[] {0, 1, 300, WireProtocol.MAX_PAYLOAD, WireProtocol.MAX_PAYLOAD + 5}) {
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) i;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            WireProtocol.writePacket(out, 3, payload);
            int[] seq = new int[1];
            assertArrayEquals(payload, WireProtocol.readPacket(new ByteArrayInputStream(out.toByteArray()), seq), "size " + size);
        }
        assertThrows(java.io.EOFException.class, () -> WireProtocol.readPacket(new ByteArrayInputStream(new byte[] {5, 0, 0, 0, 1}), new int[1]));
    }

    @Test
    void lengthEncodedValues() {
        byte[] b = HexFormat.of().parseHex("05" + "fc2c01" + "fd010203" + "fe0102030405060708" + "fb" + "03616263");
        WireProtocol.Reader r = new WireProtocol.Reader(b);
        assertEquals(5, r.lenenc());
        assertEquals(300, r.lenenc());
        assertEquals(0x030201, r.lenenc());
        assertEquals(0x0807060504030201L, r.lenenc());
        assertNull(r.lenencString());
        assertEquals("abc", r.lenencString());
    }

    @Test
    void packetKinds() {
        assertTrue(WireProtocol.isOk(new byte[] {0, 0, 0, 2, 0}));
        assertTrue(WireProtocol.isEof(new byte[] {(byte) 0xFE, 0, 0, 2, 0}));
        assertTrue(WireProtocol.isErr(new byte[] {(byte) 0xFF, 1, 0}));
        WireProtocol.ServerError e = WireProtocol.error(HexFormat.of().parseHex("ff1504" + "233238303030" + "4163636573732064656e696564"));
        assertEquals(1045, e.code);
        assertEquals("28000", e.sqlState);
        assertEquals("Access denied", e.getMessage());
    }
}
