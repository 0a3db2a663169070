package io.mysqlha.decide;

import io.mysqlha.model.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parsers for iproute2's one-line output ({@code ip -o addr show}, {@code ip -o route show}). Lines that
 * do not parse are skipped rather than failing the whole table: a monitor must not fail because a new
 * iproute2 prints a keyword this parser does not know.
 */
public final class Iproute {
    private Iproute() {}

    /**
     * One address of {@code ip -o addr show}.
     *
     * @param dev          interface name (without an {@code @peer} suffix)
     * @param address      the local address
     * @param prefixLength its prefix length (the peer's for point-to-point addresses)
     * @param label        the IPv4 label ({@code eth0:vip}), or empty (IPv6 has none)
     * @param flags        secondary, tentative, dadfailed, deprecated, ...
     */
    public record Addr(String dev, IpAddress address, int prefixLength, String label, Set<String> flags) {
        public boolean dadFailed() {
            return flags.contains("dadfailed");
        }
    }

    /**
     * One route of {@code ip -o route show}.
     *
     * @param network      destination network (the address part of {@code 10.0.0.0/24})
     * @param prefixLength its length; {@code default} is 0
     * @param dev          output interface, or empty (multipath, blackhole, ...)
     * @param gateway      whether it goes via a gateway (so not a connected route)
     * @param type         unicast unless the line starts with another route type
     * @param metric       the metric, 0 when not printed
     * @param linkDown     the kernel marks the route linkdown (carrier lost)
     */
    public record Route(IpAddress network, int prefixLength, String dev, boolean gateway, String type, long metric,
                        boolean linkDown) {
        /** A route to a directly attached network: unicast, no gateway, one device. */
        public boolean connected() {
            return "unicast".equals(type) && !gateway && !dev.isEmpty();
        }
    }

    private static final Set<String> ROUTE_TYPES = Set.of("unicast", "local", "broadcast", "multicast", "throw",
            "unreachable", "prohibit", "blackhole", "nat", "anycast");
    private static final Set<String> ADDR_FLAGS = Set.of("secondary", "temporary", "tentative", "dadfailed",
            "deprecated", "noprefixroute", "dynamic", "permanent", "nodad", "home", "mngtmpaddr", "optimistic",
            "stable-privacy", "autojoin", "primary");
    /** Keywords of an address line that take a value. */
    private static final Set<String> ADDR_VALUED = Set.of("brd", "scope", "peer", "metric", "proto", "any",
            "valid_lft", "preferred_lft");

    /** Parses {@code ip -o addr show} (both families; link lines are ignored). */
    public static List<Addr> addresses(String text) {
        List<Addr> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            parseAddr(line).ifPresent(out::add);
        }
        return out;
    }

    static Optional<Addr> parseAddr(String line) {
        int bs = line.indexOf('\\');
        String[] t = (bs >= 0 ? line.substring(0, bs) : line).trim().split("\\s+");
        // "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0"
        if (t.length < 4 || !t[0].endsWith(":") || !(t[2].equals("inet") || t[2].equals("inet6"))) {
            return Optional.empty();
        }
        String dev = t[1];
        int at = dev.indexOf('@');
        if (at > 0) {
            dev = dev.substring(0, at);
        }
        if (dev.endsWith(":")) {
            dev = dev.substring(0, dev.length() - 1);
        }
        boolean v4 = t[2].equals("inet");
        String[] local = splitPrefix(t[3]);
        Optional<IpAddress> ip = IpAddress.parse(local[0]);
        if (ip.isEmpty() || ip.get().isV4() != v4) {
            return Optional.empty();
        }
        int len = local[1] == null ? ip.get().bits() : parseLen(local[1], ip.get().bits());
        Set<String> flags = new java.util.TreeSet<>();
        String label = "";
        for (int i = 4; i < t.length; i++) {
            String w = t[i];
            if (ADDR_VALUED.contains(w) && i + 1 < t.length) {
                if (w.equals("peer")) {
                    String[] peer = splitPrefix(t[i + 1]);
                    if (peer[1] != null) {
                        len = parseLen(peer[1], ip.get().bits());
                    }
                }
                i++;
            } else if (ADDR_FLAGS.contains(w)) {
                flags.add(w);
            } else if (v4 && i == t.length - 1) {
                label = w; // iproute2 ends every IPv4 address line with the label
            }
        }
        if (len < 0) {
            return Optional.empty();
        }
        return Optional.of(new Addr(dev, ip.get(), len, label, Set.copyOf(flags)));
    }

    /** Parses {@code ip -o route show} (one family; routes of the other family or unknown form are skipped). */
    public static List<Route> routes(String text) {
        List<Route> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            parseRoute(line).ifPresent(out::add);
        }
        return out;
    }

    static Optional<Route> parseRoute(String line) {
        // with -o, multipath next hops continue the line after a backslash: keep them, they carry "via"
        String[] t = line.replace('\\', ' ').trim().split("\\s+");
        if (t.length == 0 || t[0].isEmpty()) {
            return Optional.empty();
        }
        int i = 0;
        String type = "unicast";
        if (ROUTE_TYPES.contains(t[0])) {
            type = t[0];
            i++;
        }
        if (i >= t.length) {
            return Optional.empty();
        }
        IpAddress net;
        int len;
        if (t[i].equals("default")) {
            net = null;
            len = 0;
        } else {
            String[] p = splitPrefix(t[i]);
            Optional<IpAddress> a = IpAddress.parse(p[0]);
            if (a.isEmpty()) {
                return Optional.empty();
            }
            net = a.get();
            len = p[1] == null ? net.bits() : parseLen(p[1], net.bits());
            if (len < 0) {
                return Optional.empty();
            }
        }
        String dev = "";
        boolean gateway = false;
        boolean linkDown = false;
        long metric = 0;
        int devs = 0;
        for (int k = i + 1; k < t.length; k++) {
            switch (t[k]) {
                case "dev" -> {
                    if (k + 1 < t.length) {
                        devs++;
                        dev = t[++k];
                    }
                }
                case "via" -> gateway = true;
                case "nexthop" -> gateway = true; // multipath: never a plain connected route
                case "metric" -> {
                    if (k + 1 < t.length) {
                        try {
                            metric = Long.parseLong(t[++k]);
                        } catch (NumberFormatException e) {
                            // leave 0
                        }
                    }
                }
                case "linkdown" -> linkDown = true;
                default -> { }
            }
        }
        if (devs > 1) {
            dev = "";
        }
        if (net == null) {
            // "default": its family is the one of the gateway or of the table that was asked for; a default
            // route never makes an interface the VIP's home, so it is reported with an empty network
            return Optional.of(new Route(IpAddress.of(new byte[4]), 0, dev, true, type, metric, linkDown));
        }
        return Optional.of(new Route(net, len, dev, gateway, type, metric, linkDown));
    }

    private static String[] splitPrefix(String s) {
        int slash = s.indexOf('/');
        return slash < 0 ? new String[] {s, null} : new String[] {s.substring(0, slash), s.substring(slash + 1)};
    }

    private static int parseLen(String s, int max) {
        if (s.isEmpty() || s.length() > 3) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        int v = Integer.parseInt(s);
        return v <= max ? v : -1;
    }
}
