package io.mysqlha.adapter;

import io.mysqlha.port.NetDevices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Interfaces read from {@code /sys/class/net/<nic>/}: no process, no native code. */
public final class SysfsNetDevices implements NetDevices {
    private static final int IFF_UP = 0x1;
    private final Path root;

    public SysfsNetDevices() {
        this(Path.of("/sys/class/net"));
    }

    SysfsNetDevices(Path root) {
        this.root = root;
    }

    @Override
    public Optional<NetDevice> device(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        Path d = root.resolve(name);
        String index = read(d.resolve("ifindex"));
        if (index == null) {
            return Optional.empty();
        }
        try {
            int ifindex = Integer.parseInt(index);
            String mac = read(d.resolve("address"));
            String type = read(d.resolve("type"));
            String flags = read(d.resolve("flags"));
            String oper = read(d.resolve("operstate"));
            long f = flags == null ? 0 : Long.decode(flags);
            return Optional.of(new NetDevice(name, ifindex, mac == null ? "" : mac,
                    type == null ? -1 : Integer.parseInt(type), (f & IFF_UP) != 0,
                    oper == null || oper.equals("up") || oper.equals("unknown")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
