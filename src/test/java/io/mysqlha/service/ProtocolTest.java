package io.mysqlha.service;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node service's wire format, on byte streams. */
class ProtocolTest {
    @Test
    void aRequestRoundTrips() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OCF_RESOURCE_INSTANCE", "db:1");
        env.put("OCF_RESKEY_CRM_meta_notify_active_uname", "node1 node2 ");
        env.put("HA_LOGFACILITY", "daemon");
        env.put("OCF_RESKEY_x", "a=b=c");
        env.put("OCF_RESKEY_empty", "");
        Protocol.Request r = new Protocol.Request(4242, List.of("ocf", "mysql", "monitor"), env);
        Protocol.Request back = Protocol.read(new ByteArrayInputStream(Protocol.encode(r)));
        assertEquals(r, back);
    }

    @Test
    void whatTheCClientSendsIsRead() throws IOException {
        String wire = "MYSQLHA1\0" + "77\0" + "3\0" + "ocf\0vip\0start\0" + "OCF_RESKEY_ip=10.0.0.5\0" + "\0";
        Protocol.Request r = Protocol.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
        assertEquals(77, r.pid());
        assertEquals(List.of("ocf", "vip", "start"), r.args());
        assertEquals(Map.of("OCF_RESKEY_ip", "10.0.0.5"), r.env());
    }

    @Test
    void badRequestsAreRefusedWithAReason() {
        assertEquals("not a mysqlha request (protocol MYSQLHA1 expected)", assertThrows(Protocol.BadRequest.class,
                () -> read("GET / HTTP/1.0\r\n\0")).getMessage());
        assertEquals("request ended early", assertThrows(Protocol.BadRequest.class,
                () -> read("MYSQLHA1\0" + "1\0" + "3\0ocf\0")).getMessage());
        assertEquals("malformed request header", assertThrows(Protocol.BadRequest.class,
                () -> read("MYSQLHA1\0" + "x\0" + "1\0ocf\0\0")).getMessage());
        assertTrue(assertThrows(Protocol.BadRequest.class, () -> read("MYSQLHA1\0" + "1\0" + "0\0\0"))
                .getMessage().contains("argument count 0"));
        String huge = "MYSQLHA1\0" + "1\0" + "1\0" + "x".repeat(Protocol.MAX_ITEM + 1) + "\0\0";
        assertEquals("request item too long", assertThrows(Protocol.BadRequest.class, () -> read(huge)).getMessage());
    }

    @Test
    void framesCarryOutputInBoundedChunksAndEndWithTheExitCode() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Protocol.FrameWriter w = new Protocol.FrameWriter(sink);
        w.frame('A', "");
        byte[] big = "y".repeat(Protocol.MAX_FRAME + 10).getBytes(StandardCharsets.UTF_8);
        w.stream('O').write(big, 0, big.length);
        w.frame('E', "ocf-exit-reason:x\n");
        assertTrue(w.exit(7));
        assertFalse(w.exit(1), "one exit only");
        w.frame('E', "after the end");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(sink.toByteArray()));
        assertEquals('A', in.readUnsignedByte());
        assertEquals(0, in.readInt());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 2; i++) {
            assertEquals('O', in.readUnsignedByte());
            int n = in.readInt();
            assertTrue(n <= Protocol.MAX_FRAME);
            out.write(in.readNBytes(n));
        }
        assertArrayEquals(big, out.toByteArray());
        assertEquals('E', in.readUnsignedByte());
        assertEquals("ocf-exit-reason:x\n", new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8));
        assertEquals('X', in.readUnsignedByte());
        assertEquals("7", new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8));
        assertEquals(-1, in.read(), "nothing after the exit frame");
    }

    private static Protocol.Request read(String s) throws IOException {
        return Protocol.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }
}
