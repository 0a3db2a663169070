package io.mysqlha.agent;

import io.mysqlha.decide.Iproute;
import io.mysqlha.decide.VipPlacement;
import io.mysqlha.model.GratuitousArp;
import io.mysqlha.model.IpAddress;
import io.mysqlha.model.MacAddress;
import io.mysqlha.ocf.MetaData;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.ocf.Params;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.NetDevices;
import io.mysqlha.port.NetDevices.NetDevice;
import io.mysqlha.port.RawLink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * ocf:mysqlha:vip, a virtual IP address that follows a role: one method per OCF action. The address is
 * added with iproute2 and announced with gratuitous ARP frames built here and sent through a packet socket,
 * so that clients and routers drop the previous holder's MAC at once instead of when their cache expires.
 */
public final class VipAgent implements OcfAgent {
    public static final String VERSION = "0.1.0";
    /** Time kept after the last ARP round for the answer; rounds that would not fit are skipped. */
    static final long ARP_SLACK_MS = 300;

    /**
     * What the agent needs from outside, wired by the CLI. {@code rawLink} is a supplier because creating
     * the packet-socket adapter loads native code, which only actions that send ARP should pay for.
     */
    public record Ports(CommandRunner runner, NetDevices devices, Supplier<RawLink> rawLink, Clock clock,
                        Background background) {
    }

    /** Runs an action of this agent in a detached process, with extra environment. */
    public interface Background {
        /** Starts {@code action} detached from this process; failures are the caller's to log. */
        void spawn(String action, java.util.Map<String, String> extraEnv);
    }

    /** Internal action: the announcement rounds a start leaves to a detached process. */
    static final String ANNOUNCE = "announce-rest";
    static final String ANNOUNCE_DELAY = "MYSQLHA_ARP_DELAY_MS";

    /** The parameters, parsed and checked for syntax. */
    record Config(IpAddress ip, int cidr, String nic, String label, int arpCount, long arpIntervalMs,
                  GratuitousArp.Mode arpMode, boolean arpRefresh, boolean resetConnections) {
    }

    private final OcfEnv env;
    private final OcfLog log;
    private final Ports io;
    private final Deadline deadline;

    public VipAgent(OcfEnv env, OcfLog log, Ports ports) {
        this.env = env;
        this.log = log;
        this.io = ports;
        this.deadline = Deadline.forAction(ports.clock(), env.timeoutMillis(20_000));
    }

    public static String metaData() {
        return MetaData.render("vip", VERSION, "Virtual IP address with gratuitous ARP",
                "Adds a virtual IP address to an interface and announces it with gratuitous ARP (IPv4), so "
                        + "that clients follow it at once when it moves to another node. Colocated with the "
                        + "promoted mysql instance it is the writer address; with the replicas, the reader "
                        + "address.",
                VipParams.PARAMS, VipParams.ACTIONS);
    }

    @Override
    public int run(String action) {
        return switch (action) {
            case "start" -> start();
            case "stop" -> stop();
            case "monitor", "status" -> monitor();
            case "validate-all" -> validateAll();
            case ANNOUNCE -> announceRest();
            default -> OcfAgent.unimplemented(log, action);
        };
    }

    // ---------------------------------------------------------------- actions

    public int start() {
        Config c = config();
        requireIpTool();
        List<Iproute.Addr> addrs = addresses();
        VipPlacement.Placement where = place(c, addrs);
        NetDevice dev = device(where.nic(), c);
        if (!dev.up()) {
            throw OcfException.generic("interface " + dev.name() + " is administratively down: " + c.ip()
                    + " would be unreachable there");
        }
        if (!dev.carrier()) {
            log.warn("start: interface " + dev.name() + " has no carrier; adding " + c.ip() + " anyway");
        }
        checkLabel(c, dev.name());
        List<Iproute.Addr> elsewhere = VipPlacement.held(c.ip(), addrs).stream()
                .filter(a -> !a.dev().equals(dev.name())).toList();
        if (!elsewhere.isEmpty()) {
            throw OcfException.generic(c.ip() + " is already on interface " + devs(elsewhere) + " of this node, not on "
                    + dev.name() + ": remove it there or set parameter 'nic' to that interface");
        }
        List<Iproute.Addr> here = heldOn(c.ip(), dev.name(), addrs);
        if (here.isEmpty()) {
            addAddress(c, dev.name(), where.prefixLength());
            log.info("start: added " + c.ip() + "/" + where.prefixLength() + " to " + dev.name() + " (interface: "
                    + where.how() + ")");
        } else {
            warnOnPrefix(c, here, where.prefixLength());
            log.info("start: " + c.ip() + " is already on " + dev.name());
        }
        // Announced on every start, also when the address was in place: a start means "this node holds it
        // now". The first round goes out before start returns; the repeats (for receivers that missed it)
        // come from a detached process, so that the address is usable without waiting for them.
        announce(c, dev, Math.min(1, c.arpCount()));
        if (c.arpCount() > 1) {
            try {
                io.background().spawn(ANNOUNCE, java.util.Map.of("OCF_RESKEY_arp_count",
                        Integer.toString(c.arpCount() - 1), ANNOUNCE_DELAY, Long.toString(c.arpIntervalMs()),
                        "OCF_RESKEY_CRM_meta_timeout", Long.toString(c.arpCount() * (c.arpIntervalMs() + 1000))));
            } catch (RuntimeException e) {
                log.warn("start: repeated gratuitous ARP not started (" + e.getMessage() + "); sending them now");
                announce(c, dev, c.arpCount() - 1);
            }
        }
        return OcfExit.SUCCESS.code();
    }

    /** The repeated announcements of a start, in the detached process (only while the address is still here). */
    int announceRest() {
        Config c = config();
        long delay = Long.parseLong(Optional.ofNullable(env.raw(ANNOUNCE_DELAY)).orElse("0"));
        if (delay > 0) {
            sleep(delay);
        }
        // the address may have moved on (a stop ran meanwhile): announce only what this node still holds
        List<Iproute.Addr> mine = mine(c, addresses());
        Optional<NetDevice> dev = mine.isEmpty() ? Optional.empty() : io.devices().device(mine.get(0).dev());
        if (dev.isPresent()) {
            announce(c, dev.get(), c.arpCount());
        }
        return OcfExit.SUCCESS.code();
    }

    public int stop() {
        Config c;
        try {
            c = config();
        } catch (OcfException e) {
            // A configuration this broken never started, so nothing of it can be on the node: a failed stop
            // would get the node fenced for nothing.
            log.warn("stop: " + e.getMessage() + "; nothing can have been added with it");
            return OcfExit.SUCCESS.code();
        }
        requireIpTool();
        List<Iproute.Addr> addrs = addresses();
        List<Iproute.Addr> mine = mine(c, addrs);
        if (mine.isEmpty()) {
            warnIfElsewhere(c, addrs);
            log.info("stop: " + c.ip() + " is not on " + (c.nic().isEmpty() ? "this node" : c.nic()));
            return OcfExit.SUCCESS.code();
        }
        if (c.resetConnections()) {
            resetConnections(c);
        }
        for (Iproute.Addr a : mine) {
            CommandRunner.Result r = ip(List.of(family(c), "addr", "del", c.ip() + "/" + a.prefixLength(), "dev", a.dev()));
            if (!r.ok()) {
                log.warn("stop: ip addr del " + c.ip() + "/" + a.prefixLength() + " dev " + a.dev() + ": " + r.message());
            }
        }
        List<Iproute.Addr> left = mine(c, addresses());
        if (!left.isEmpty()) {
            throw OcfException.generic("cannot remove " + c.ip() + " from " + devs(left));
        }
        log.info("stop: removed " + c.ip() + " from " + devs(mine));
        return OcfExit.SUCCESS.code();
    }

    public int monitor() {
        boolean probe = env.intervalMillis() == 0;
        Config c;
        try {
            c = config();
        } catch (OcfException e) {
            // nothing can run with a configuration that never validates; start reports the reason
            log.warn("monitor: " + e.getMessage());
            return OcfExit.NOT_RUNNING.code();
        }
        if (!io.runner().available("ip")) {
            if (probe) {
                log.info("probe: the 'ip' command is not installed here, so the address cannot have been added");
                return OcfExit.NOT_RUNNING.code();
            }
            requireIpTool();
        }
        List<Iproute.Addr> addrs = addresses();
        List<Iproute.Addr> mine = mine(c, addrs);
        if (mine.isEmpty()) {
            warnIfElsewhere(c, addrs);
            log.debug("monitor: " + c.ip() + " is not on " + (c.nic().isEmpty() ? "this node" : c.nic()));
            return OcfExit.NOT_RUNNING.code();
        }
        Iproute.Addr a = mine.get(0);
        if (mine.stream().map(Iproute.Addr::dev).distinct().count() > 1) {
            log.warn("monitor: " + c.ip() + " is on several interfaces: " + devs(mine));
        }
        if (a.dadFailed()) {
            throw OcfException.generic(c.ip() + " on " + a.dev() + " failed duplicate address detection: another "
                    + "host on the link uses it");
        }
        Optional<NetDevice> dev = io.devices().device(a.dev());
        if (dev.isPresent() && !dev.get().up()) {
            throw OcfException.generic("interface " + a.dev() + " holding " + c.ip() + " is administratively down");
        }
        if (c.arpRefresh() && dev.isPresent()) {
            announce(c, dev.get(), 1);
        }
        return OcfExit.SUCCESS.code();
    }

    public int validateAll() {
        Config c = config();
        requireIpTool();
        List<Iproute.Addr> addrs = addresses();
        VipPlacement.Placement where = place(c, addrs);
        NetDevice dev = device(where.nic(), c);
        checkLabel(c, dev.name());
        log.debug("validate-all: " + c.ip() + "/" + where.prefixLength() + " on " + dev.name() + " (" + where.how() + ")");
        return OcfExit.SUCCESS.code();
    }

    // ---------------------------------------------------------------- configuration

    /** Parses and checks the parameters; every failure is ERR_CONFIGURED and names the parameter. */
    Config config() {
        Params p = Params.resolve(env, VipParams.PARAMS);
        String ipText = p.str("ip");
        IpAddress ip = IpAddress.parse(ipText).orElseThrow(() -> OcfException.configured(
                "parameter 'ip': '" + ipText + "' is not an IPv4 or IPv6 address literal"));
        ip.unusableAsVip().ifPresent(why -> {
            throw OcfException.configured("parameter 'ip': " + ip + " " + why);
        });
        String cidrText = p.str("cidr_netmask");
        int cidr = -1;
        if (!cidrText.isBlank()) {
            cidr = VipPlacement.prefixLength(cidrText, ip.isV4());
            if (cidr < 0) {
                throw OcfException.configured("parameter 'cidr_netmask': '" + cidrText + "' is not a prefix length "
                        + (ip.isV4() ? "(1-32) or netmask" : "(1-128)") + " for " + ip);
            }
        }
        String nic = p.str("nic").trim();
        if (!nic.isEmpty() && !VipPlacement.validNicName(nic)) {
            throw OcfException.configured("parameter 'nic': '" + nic + "' is not an interface name"
                    + (nic.contains(":") ? " (use parameter 'label' for an address label)" : ""));
        }
        String label = p.str("label").trim();
        if (!label.isEmpty()) {
            if (!ip.isV4()) {
                throw OcfException.configured("parameter 'label': labels exist for IPv4 addresses only");
            }
            if (!label.matches("[A-Za-z0-9_.-]{1,14}")) {
                throw OcfException.configured("parameter 'label': '" + label + "' is not a valid label "
                        + "(letters, digits, '_', '.', '-')");
            }
        }
        long count = p.integer("arp_count");
        if (count < 0 || count > 100) {
            throw OcfException.configured("parameter 'arp_count': " + count + " is outside 0-100");
        }
        long interval = p.integer("arp_interval_ms");
        if (interval < 0 || interval > 10_000) {
            throw OcfException.configured("parameter 'arp_interval_ms': " + interval + " is outside 0-10000");
        }
        String modeText = p.str("arp_mode");
        GratuitousArp.Mode mode = GratuitousArp.Mode.parse(modeText).orElseThrow(() -> OcfException.configured(
                "parameter 'arp_mode': '" + modeText + "' is not request, reply or both"));
        return new Config(ip, cidr, nic, label, (int) count, interval, mode, p.bool("arp_refresh"),
                p.bool("reset_connections"));
    }

    private void checkLabel(Config c, String nic) {
        if (!c.label().isEmpty() && (nic + ":" + c.label()).length() > 15) {
            throw OcfException.configured("parameter 'label': " + nic + ":" + c.label() + " is longer than the "
                    + "15 characters the kernel allows");
        }
    }

    private void requireIpTool() {
        if (!io.runner().available("ip")) {
            throw OcfException.installed("the 'ip' command (iproute2) is not installed");
        }
    }

    // ---------------------------------------------------------------- the node's tables

    private List<Iproute.Addr> addresses() {
        CommandRunner.Result r = ip(List.of("-o", "addr", "show"));
        if (!r.ok()) {
            throw OcfException.generic("ip -o addr show failed: " + (r.timedOut() ? "timed out" : r.message()));
        }
        return Iproute.addresses(r.stdout());
    }

    private List<Iproute.Route> routes(IpAddress ip) {
        CommandRunner.Result r = ip(List.of("-o", ip.isV4() ? "-4" : "-6", "route", "show", "table", "main"));
        if (!r.ok()) {
            throw OcfException.generic("ip route show failed: " + (r.timedOut() ? "timed out" : r.message()));
        }
        return Iproute.routes(r.stdout());
    }

    private VipPlacement.Placement place(Config c, List<Iproute.Addr> addrs) {
        if (!c.nic().isEmpty()) {
            device(c.nic(), c); // a missing interface explains more than a missing route on it
        }
        List<Iproute.Addr> held = VipPlacement.held(c.ip(), addrs);
        boolean needRoutes = c.nic().isEmpty() ? held.isEmpty()
                : c.cidr() < 0 && held.stream().noneMatch(a -> a.dev().equals(c.nic()));
        VipPlacement.Placement where = VipPlacement.place(c.ip(), c.nic(), c.cidr(), addrs,
                needRoutes ? routes(c.ip()) : List.of());
        if (!where.ok()) {
            // The routing table is this node's: another node may well have the route, so the resource is
            // banned from this node only (a configuration error would ban it from the whole cluster).
            long devs = held.stream().map(Iproute.Addr::dev).distinct().count();
            throw devs > 1 ? OcfException.generic(where.problem()) : OcfException.installed(where.problem());
        }
        return where;
    }

    private NetDevice device(String nic, Config c) {
        // ERR_INSTALLED, not ERR_CONFIGURED: the interface may exist on the other nodes
        return io.devices().device(nic).orElseThrow(() -> OcfException.installed("interface " + nic
                + " does not exist on this node" + (c.nic().isEmpty() ? "" : " (parameter 'nic')")));
    }

    /** The entries of the address this resource manages: on its interface, or anywhere when none is set. */
    private static List<Iproute.Addr> mine(Config c, List<Iproute.Addr> addrs) {
        return c.nic().isEmpty() ? VipPlacement.held(c.ip(), addrs) : heldOn(c.ip(), c.nic(), addrs);
    }

    private static List<Iproute.Addr> heldOn(IpAddress ip, String nic, List<Iproute.Addr> addrs) {
        return VipPlacement.held(ip, addrs).stream().filter(a -> a.dev().equals(nic)).toList();
    }

    private void warnIfElsewhere(Config c, List<Iproute.Addr> addrs) {
        List<Iproute.Addr> other = VipPlacement.held(c.ip(), addrs);
        if (!c.nic().isEmpty() && !other.isEmpty()) {
            log.warn(c.ip() + " is on " + devs(other) + ", not on " + c.nic() + ": it is not managed by this resource");
        }
    }

    private void warnOnPrefix(Config c, List<Iproute.Addr> here, int prefix) {
        if (here.stream().noneMatch(a -> a.prefixLength() == prefix)) {
            log.warn(c.ip() + " is on " + here.get(0).dev() + " with prefix /" + here.get(0).prefixLength()
                    + ", not /" + prefix + "; left as it is");
        }
    }

    private static String devs(List<Iproute.Addr> addrs) {
        return String.join(", ", addrs.stream().map(Iproute.Addr::dev).distinct().toList());
    }

    private static String family(Config c) {
        return c.ip().isV4() ? "-4" : "-6";
    }

    private void addAddress(Config c, String nic, int prefix) {
        List<String> argv = new ArrayList<>(List.of(family(c), "addr", "add", c.ip() + "/" + prefix));
        if (c.ip().isV4() && prefix < 31) {
            argv.addAll(List.of("brd", "+"));
        }
        argv.addAll(List.of("dev", nic));
        if (!c.label().isEmpty()) {
            argv.addAll(List.of("label", nic + ":" + c.label()));
        }
        if (!c.ip().isV4()) {
            // the cluster, not duplicate address detection, decides who holds the address; a tentative
            // address could not be used for the first second or so
            argv.add("nodad");
        }
        CommandRunner.Result r = ip(argv);
        if (!r.ok()) {
            // "File exists" after a concurrent add is success; anything else is reported as it came
            if (heldOn(c.ip(), nic, addresses()).isEmpty()) {
                throw OcfException.generic("ip " + String.join(" ", argv) + " failed: "
                        + (r.timedOut() ? "timed out" : r.message()));
            }
        } else if (heldOn(c.ip(), nic, addresses()).isEmpty()) {
            throw OcfException.generic("ip addr add reported success but " + c.ip() + " is not on " + nic);
        }
    }

    /**
     * Resets the TCP connections whose local address is the VIP, while it is still here: once it is removed
     * their resets could not leave the node (no route from an address the node no longer has), and a client
     * that only waits (a replica of the writer VIP reading the binlog, a long query) would hang until its own
     * timeout. A client that reconnects in the instant before the removal is reset by the next holder's
     * kernel (it knows no such connection) as soon as it sends. Never fails the stop: the address must go.
     */
    private void resetConnections(Config c) {
        if (!io.runner().available("ss")) {
            log.warn("stop: the 'ss' command (iproute2) is not installed: clients' connections to " + c.ip()
                    + " are left to their own timeouts");
            return;
        }
        String addr = c.ip().isV4() ? c.ip().toString() : "[" + c.ip() + "]";
        CommandRunner.Result r = io.runner().run(List.of("ss", "-K", "-H", "-t", "-n", "state", "established",
                "src", addr), null, deadline.atMost(3_000));
        if (!r.ok()) {
            log.warn("stop: ss -K (resetting clients' connections to " + c.ip() + "): " + r.message()
                    + "; they are left to their own timeouts");
            return;
        }
        long n = r.stdout().lines().filter(l -> !l.isBlank()).count();
        if (n > 0) {
            log.info("stop: reset " + n + " client connection(s) to " + c.ip());
        }
    }

    private CommandRunner.Result ip(List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add("ip");
        argv.addAll(args);
        return io.runner().run(argv, null, deadline);
    }

    // ---------------------------------------------------------------- gratuitous ARP

    /**
     * Sends {@code rounds} announcement rounds, {@code arp_interval_ms} apart, as many as fit in the action's
     * time. A failure to send is logged, not fatal: the address is in place and reachable by anyone who asks,
     * only caches that still hold the old MAC wait for their expiry.
     */
    void announce(Config c, NetDevice dev, int rounds) {
        if (rounds <= 0) {
            return;
        }
        if (!c.ip().isV4()) {
            log.debug("no gratuitous ARP for IPv6 address " + c.ip() + " (neighbour discovery)");
            return;
        }
        if (!dev.ethernet()) {
            log.info("interface " + dev.name() + " is not Ethernet (link type " + dev.arpType()
                    + "): no gratuitous ARP");
            return;
        }
        Optional<MacAddress> mac = MacAddress.parse(dev.mac()).filter(m -> !m.isZero() && !m.isMulticast());
        if (mac.isEmpty()) {
            log.warn("interface " + dev.name() + " has no usable MAC address ('" + dev.mac() + "'): no gratuitous ARP");
            return;
        }
        List<byte[]> frames = GratuitousArp.round(c.arpMode(), mac.get(), c.ip());
        int sent = 0;
        try (RawLink.Sender s = io.rawLink().get().open(dev.ifindex(), GratuitousArp.ETHERTYPE_ARP)) {
            for (int i = 0; i < rounds; i++) {
                if (i > 0) {
                    if (deadline.remainingMillis() < c.arpIntervalMs() + ARP_SLACK_MS) {
                        log.warn("gratuitous ARP: the action's time is running out after " + sent + " of " + rounds
                                + " rounds");
                        break;
                    }
                    sleep(c.arpIntervalMs());
                }
                for (byte[] f : frames) {
                    s.send(f);
                }
                sent++;
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            log.warn("gratuitous ARP for " + c.ip() + " on " + dev.name() + " failed after " + sent + " rounds: "
                    + e.getMessage());
            return;
        }
        log.info("sent " + sent + " gratuitous ARP round(s) (" + c.arpMode().name().toLowerCase() + ") for " + c.ip()
                + " is-at " + mac.get() + " on " + dev.name());
    }

    private void sleep(long ms) {
        try {
            io.clock().sleepMillis(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
