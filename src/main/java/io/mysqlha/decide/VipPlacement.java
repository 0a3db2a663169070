package io.mysqlha.decide;

import io.mysqlha.model.IpAddress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a virtual address goes: which interface and which prefix length, from the configured values and
 * what the node's address and routing tables say. Pure: the tables are parsed {@code ip} output.
 */
public final class VipPlacement {
    private static final Pattern NIC = Pattern.compile("[A-Za-z0-9_.+-]{1,15}");

    /**
     * The outcome: an interface and a prefix length, or the reason there is none.
     *
     * @param nic          the interface, or empty when {@code problem} is set
     * @param prefixLength the prefix length to add the address with
     * @param how          how the interface was chosen, for the log
     * @param problem      why no interface could be chosen, or null
     */
    public record Placement(String nic, int prefixLength, String how, String problem) {
        public boolean ok() {
            return problem == null;
        }

        static Placement of(String nic, int prefixLength, String how) {
            return new Placement(nic, prefixLength, how, null);
        }

        static Placement none(String problem) {
            return new Placement("", -1, "", problem);
        }
    }

    private VipPlacement() {}

    /** Whether an interface name is one the kernel accepts (IFNAMSIZ-1 characters, no '/', ':' or blanks). */
    public static boolean validNicName(String s) {
        return s != null && NIC.matcher(s).matches() && !s.equals(".") && !s.equals("..");
    }

    /**
     * A prefix length from {@code cidr_netmask}: a number (0 excluded) up to the family's width, or for
     * IPv4 a contiguous dotted netmask such as 255.255.255.0. -1 when invalid.
     */
    public static int prefixLength(String text, boolean v4) {
        String t = text.trim();
        int max = v4 ? 32 : 128;
        if (t.matches("\\d{1,3}")) {
            int v = Integer.parseInt(t);
            return v >= 1 && v <= max ? v : -1;
        }
        if (!v4) {
            return -1;
        }
        Optional<IpAddress> mask = IpAddress.parse(t);
        if (mask.isEmpty() || !mask.get().isV4()) {
            return -1;
        }
        byte[] b = mask.get().octets();
        long m = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        int len = Long.numberOfLeadingZeros(~m & 0xffffffffL) - 32;
        long expect = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        return m == expect && len >= 1 ? len : -1;
    }

    /**
     * The connected routes that cover {@code ip} best: the longest prefix, then the lowest metric, routes
     * whose link is up before those marked linkdown. More than one (on different devices) means the
     * choice is ambiguous.
     */
    public static List<Iproute.Route> coveringRoutes(IpAddress ip, List<Iproute.Route> routes) {
        List<Iproute.Route> cover = new ArrayList<>();
        for (Iproute.Route r : routes) {
            if (r.connected() && r.prefixLength() > 0 && ip.inPrefix(r.network(), r.prefixLength())) {
                cover.add(r);
            }
        }
        if (cover.isEmpty()) {
            return List.of();
        }
        Comparator<Iproute.Route> best = Comparator.comparingInt((Iproute.Route r) -> -r.prefixLength())
                .thenComparing(Iproute.Route::linkDown)
                .thenComparingLong(Iproute.Route::metric);
        cover.sort(best);
        Iproute.Route first = cover.get(0);
        List<Iproute.Route> top = new ArrayList<>();
        for (Iproute.Route r : cover) {
            if (best.compare(r, first) == 0 && top.stream().noneMatch(x -> x.dev().equals(r.dev()))) {
                top.add(r);
            }
        }
        return List.copyOf(top);
    }

    /** The addresses in the table equal to {@code ip}, on any interface. */
    public static List<Iproute.Addr> held(IpAddress ip, List<Iproute.Addr> addrs) {
        return addrs.stream().filter(a -> a.address().equals(ip)).toList();
    }

    /**
     * Chooses the interface and prefix length.
     *
     * @param ip     the virtual address
     * @param nic    the configured interface, or empty to detect it
     * @param cidr   the configured prefix length, or -1 to derive it
     * @param addrs  the node's addresses ({@code ip -o addr show})
     * @param routes the node's routes of the address's family ({@code ip -o route show})
     */
    public static Placement place(IpAddress ip, String nic, int cidr, List<Iproute.Addr> addrs,
                                  List<Iproute.Route> routes) {
        List<Iproute.Addr> held = held(ip, addrs);
        if (!nic.isEmpty()) {
            if (cidr > 0) {
                return Placement.of(nic, cidr, "configured");
            }
            Optional<Iproute.Addr> here = held.stream().filter(a -> a.dev().equals(nic)).findFirst();
            if (here.isPresent()) {
                return Placement.of(nic, here.get().prefixLength(), "configured; prefix of the address in place");
            }
            List<Iproute.Route> cover = coveringRoutes(ip, routes.stream().filter(r -> r.dev().equals(nic)).toList());
            if (cover.isEmpty()) {
                return Placement.none("no connected route on " + nic + " covers " + ip
                        + ", so the prefix length is unknown: set parameter 'cidr_netmask'");
            }
            return Placement.of(nic, cover.get(0).prefixLength(), "configured; prefix of the connected route");
        }
        // The address already in place decides first: once added, it brings its own connected route, and
        // a stop must find the interface it is on even if the routing table has changed since the start.
        List<String> devs = held.stream().map(Iproute.Addr::dev).distinct().toList();
        if (devs.size() == 1) {
            Iproute.Addr a = held.get(0);
            return Placement.of(a.dev(), cidr > 0 ? cidr : a.prefixLength(), "the interface that holds it");
        }
        if (devs.size() > 1) {
            return Placement.none(ip + " is on several interfaces (" + String.join(", ", devs)
                    + "): set parameter 'nic'");
        }
        List<Iproute.Route> cover = coveringRoutes(ip, routes);
        if (cover.isEmpty()) {
            return Placement.none("no connected route on this node covers " + ip + ": set parameter 'nic'");
        }
        if (cover.size() > 1) {
            return Placement.none("connected routes on " + String.join(", ", cover.stream().map(Iproute.Route::dev)
                    .toList()) + " cover " + ip + " equally: set parameter 'nic'");
        }
        Iproute.Route r = cover.get(0);
        return Placement.of(r.dev(), cidr > 0 ? cidr : r.prefixLength(), "the connected route " + r.network() + "/"
                + r.prefixLength() + " dev " + r.dev());
    }
}
