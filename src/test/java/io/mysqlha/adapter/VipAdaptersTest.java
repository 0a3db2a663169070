package io.mysqlha.adapter;

import io.mysqlha.port.NetDevices.NetDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The VIP agent's adapters, without opening a socket: sockaddr_ll layout and sysfs reading. */
class VipAdaptersTest {

    @Test
    void sockaddrLlLayout() {
        // family AF_PACKET (17) and ifindex host order, protocol ETH_P_ARP network order, halen 6, broadcast
        assertEquals("1100" + "0806" + "06000000" + "0000" + "00" + "06" + "ffffffffffff0000",
                HexFormat.of().formatHex(JnaPacketSocket.sockaddrLl(6, 0x0806, ByteOrder.LITTLE_ENDIAN)));
        assertEquals("0011" + "0806" + "00000106" + "0000" + "00" + "06" + "ffffffffffff0000",
                HexFormat.of().formatHex(JnaPacketSocket.sockaddrLl(262, 0x0806, ByteOrder.BIG_ENDIAN)));
    }

    @Test
    void sysfsInterfaces(@TempDir Path root) throws IOException {
        Path veth = Files.createDirectories(root.resolve("vipa"));
        Files.writeString(veth.resolve("ifindex"), "6\n");
        Files.writeString(veth.resolve("address"), "aa:f5:b9:bd:ff:2a\n");
        Files.writeString(veth.resolve("type"), "1\n");
        Files.writeString(veth.resolve("flags"), "0x1003\n");
        Files.writeString(veth.resolve("operstate"), "up\n");
        Path down = Files.createDirectories(root.resolve("eth1"));
        Files.writeString(down.resolve("ifindex"), "7\n");
        Files.writeString(down.resolve("type"), "1\n");
        Files.writeString(down.resolve("flags"), "0x1002\n");
        Files.writeString(down.resolve("operstate"), "down\n");
        SysfsNetDevices d = new SysfsNetDevices(root);
        assertEquals(Optional.of(new NetDevice("vipa", 6, "aa:f5:b9:bd:ff:2a", 1, true, true)), d.device("vipa"));
        assertEquals(Optional.of(new NetDevice("eth1", 7, "", 1, false, false)), d.device("eth1"));
        assertEquals(Optional.empty(), d.device("eth9"));
        assertEquals(Optional.empty(), d.device("../vipa"));
        assertEquals(Optional.empty(), d.device(".."));
    }
}
