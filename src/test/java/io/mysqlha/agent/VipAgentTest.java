package io.mysqlha.agent;

import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.NetDevices;
import io.mysqlha.port.NetDevices.NetDevice;
import io.mysqlha.port.RawLink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vip agent against a simulated node: an {@code ip} that keeps an address table, interfaces, a packet
 * socket that records frames and a clock that advances when the agent sleeps. Every action twice.
 */
class VipAgentTest {
    static final String MAC = "02:00:0a:fa:09:01";

    /** A node: its address table (dev -> lines), routes, interfaces, and what went out on the wire. */
    static final class Node implements CommandRunner, NetDevices, RawLink, Clock {
        final Map<String, List<String>> addrs = new LinkedHashMap<>();
        String routes4 = "default via 10.250.9.254 dev vipa \n10.250.9.0/24 dev vipa proto kernel scope link src 10.250.9.1 \n";
        String routes6 = "fd00:9::/64 dev vipa proto kernel metric 256 pref medium\n";
        final Map<String, NetDevice> devices = new HashMap<>();
        final List<List<String>> commands = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> sleeps = new ArrayList<>();
        boolean ipInstalled = true;
        boolean ssInstalled = true;
        /** Established TCP connections: "local:port peer:port". */
        final List<String> connections = new ArrayList<>();
        boolean sendFails;
        int opened;
        long now;

        Node() {
            devices.put("vipa", new NetDevice("vipa", 6, MAC, 1, true, true));
            devices.put("eth9", new NetDevice("eth9", 9, "02:00:00:00:00:09", 1, true, true));
            addrs.put("vipa", new ArrayList<>(List.of("inet 10.250.9.1/24 scope global vipa")));
            addrs.put("eth9", new ArrayList<>());
        }

        @Override
        public Result run(List<String> argv, String stdin, Deadline deadline) {
            commands.add(argv);
            String cmd = String.join(" ", argv);
            if (cmd.equals("ip -o addr show")) {
                StringBuilder b = new StringBuilder();
                int i = 1;
                for (Map.Entry<String, List<String>> e : addrs.entrySet()) {
                    for (String a : e.getValue()) {
                        b.append(i).append(": ").append(e.getKey()).append("    ").append(a)
                                .append("\\       valid_lft forever preferred_lft forever\n");
                    }
                    i++;
                }
                return new Result(0, b.toString(), "", false);
            }
            if (argv.get(0).equals("ss")) {
                // ss -K -H -t -n state established src ADDR: destroys and prints the matching sockets
                String src = argv.get(argv.indexOf("src") + 1).replace("[", "").replace("]", "");
                StringBuilder b = new StringBuilder();
                connections.removeIf(conn -> {
                    String local = conn.substring(0, conn.indexOf(' '));
                    boolean match = local.substring(0, local.lastIndexOf(':')).replace("[", "").replace("]", "").equals(src);
                    if (match) {
                        b.append("0      0      ").append(conn).append('\n');
                    }
                    return match;
                });
                return new Result(0, b.toString(), "", false);
            }
            if (cmd.startsWith("ip -o -4 route show")) {
                return new Result(0, routes4, "", false);
            }
            if (cmd.startsWith("ip -o -6 route show")) {
                return new Result(0, routes6, "", false);
            }
            if (argv.size() >= 7 && argv.get(2).equals("addr") && (argv.get(3).equals("add") || argv.get(3).equals("del"))) {
                String prefix = argv.get(4);
                String dev = argv.get(argv.indexOf("dev") + 1);
                String fam = argv.get(1).equals("-4") ? "inet " : "inet6 ";
                List<String> table = addrs.get(dev);
                boolean present = table.stream().anyMatch(l -> l.startsWith(fam + prefix + " "));
                if (argv.get(3).equals("add")) {
                    if (present) {
                        return new Result(2, "", "RTNETLINK answers: File exists", false);
                    }
                    int li = argv.indexOf("label");
                    table.add(fam + prefix + " scope global secondary" + (fam.equals("inet ")
                            ? " " + (li > 0 ? argv.get(li + 1) : dev) : ""));
                } else {
                    if (!present) {
                        return new Result(2, "", "RTNETLINK answers: Cannot assign requested address", false);
                    }
                    table.removeIf(l -> l.startsWith(fam + prefix + " "));
                }
                return new Result(0, "", "", false);
            }
            return new Result(1, "", "unexpected command " + cmd, false);
        }

        @Override
        public boolean available(String program) {
            return program.equals("ss") ? ssInstalled : ipInstalled;
        }

        @Override
        public Optional<NetDevice> device(String name) {
            return Optional.ofNullable(devices.get(name));
        }

        @Override
        public Sender open(int ifindex, int etherType) throws IOException {
            opened++;
            return new Sender() {
                @Override
                public void send(byte[] frame) throws IOException {
                    if (sendFails) {
                        throw new IOException("sendto: Network is down");
                    }
                    frames.add(frame);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long wallMillis() {
            return now / 1_000_000;
        }

        @Override
        public void sleepMillis(long ms) {
            sleeps.add(ms);
            now += ms * 1_000_000;
        }

        boolean has(String dev, String prefix) {
            return addrs.get(dev).stream().anyMatch(l -> l.contains(" " + prefix + " ") || l.startsWith("inet " + prefix + " ")
                    || l.startsWith("inet6 " + prefix + " "));
        }
    }

    record Outcome(int rc, String stderr) {
    }

    final Node node = new Node();
    int rawLinkCreated;
    /** What start left to a detached process: the action and its extra environment. */
    final List<Map<String, String>> detached = new java.util.ArrayList<>();

    Outcome run(String action, String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put("OCF_RESOURCE_INSTANCE", "writer_vip");
        env.put("OCF_RESKEY_ip", "10.250.9.100");
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        env.values().removeIf(String::isEmpty);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        OcfEnv e = OcfEnv.of(env);
        OcfLog log = new OcfLog("vip", e, () -> null, ps);
        VipAgent agent = new VipAgent(e, log, new VipAgent.Ports(node, node, () -> {
            rawLinkCreated++;
            return node;
        }, node, (bgAction, extra) -> {
            // the detached process, run here and now: same environment plus what start passed
            detached.add(extra);
            String[] more = new String[kv.length + extra.size() * 2];
            System.arraycopy(kv, 0, more, 0, kv.length);
            int i = kv.length;
            for (Map.Entry<String, String> x : extra.entrySet()) {
                more[i++] = x.getKey();
                more[i++] = x.getValue();
            }
            run(bgAction, more);
        }));
        int rc;
        try {
            rc = agent.run(action);
        } catch (OcfException x) {
            log.exitReason(x.getMessage());
            rc = x.exit().code();
        }
        return new Outcome(rc, err.toString(StandardCharsets.UTF_8));
    }

    void twice(int rc, String action, String... kv) {
        for (int i = 1; i <= 2; i++) {
            Outcome o = run(action, kv);
            assertEquals(rc, o.rc(), action + " #" + i + ": " + o.stderr());
        }
    }

    @Test
    void everyActionTwiceGivesTheSameAnswer() {
        twice(7, "monitor");
        twice(7, "monitor", "OCF_RESKEY_CRM_meta_interval", "10000");
        twice(0, "stop");
        twice(0, "validate-all");
        twice(0, "start");
        assertTrue(node.has("vipa", "10.250.9.100/24"), node.addrs.toString());
        assertEquals(1, node.addrs.get("vipa").stream().filter(l -> l.contains("10.250.9.100")).count(), "added once");
        twice(0, "monitor");
        twice(0, "validate-all");
        twice(0, "stop");
        assertFalse(node.has("vipa", "10.250.9.100/24"));
        twice(7, "monitor");
        assertEquals(3, run("migrate_to").rc());
    }

    @Test
    void startAddsWithBroadcastAndAnnouncesEveryRound() {
        assertEquals(0, run("start").rc());
        assertTrue(node.commands.contains(List.of("ip", "-4", "addr", "add", "10.250.9.100/24", "brd", "+", "dev", "vipa")),
                node.commands.toString());
        assertEquals(10, node.frames.size(), "5 rounds of request + reply");
        assertEquals(List.of(200L, 200L, 200L, 200L), node.sleeps);
        assertEquals("4", detached.get(0).get("OCF_RESKEY_arp_count"), "1 round before start returns, 4 detached");
        assertEquals(1, node.frames.get(0)[21]);
        assertEquals(2, node.frames.get(1)[21]);
        // a second start announces again: a start means "this node holds the address now"
        assertEquals(0, run("start", "OCF_RESKEY_arp_count", "2", "OCF_RESKEY_arp_mode", "request").rc());
        assertEquals(12, node.frames.size());
    }

    @Test
    void monitorLoadsNoNativeCodeUnlessItRefreshesArp() {
        assertEquals(0, run("start", "OCF_RESKEY_arp_count", "0").rc());
        assertEquals(0, rawLinkCreated, "arp_count=0: no packet socket");
        assertEquals(0, run("monitor").rc());
        assertEquals(0, run("monitor", "OCF_RESKEY_CRM_meta_interval", "10000").rc());
        assertEquals(0, rawLinkCreated);
        assertEquals(0, run("monitor", "OCF_RESKEY_arp_refresh", "true", "OCF_RESKEY_arp_mode", "reply").rc());
        assertEquals(1, rawLinkCreated);
        assertEquals(1, node.frames.size(), "one round of one reply");
        assertEquals(7, run("stop").rc() + 7);
        assertEquals(7, run("monitor", "OCF_RESKEY_arp_refresh", "true").rc());
        assertEquals(1, node.frames.size(), "nothing announced for an address that is not here");
    }

    @Test
    void announcementsStopBeforeTheActionTimesOut() {
        // the detached repeats get a timeout of their own; within it, the 3 s bound: 1 s margin, so 2 s for
        // 100 rounds 200 ms apart
        assertEquals(0, run("start", "OCF_RESKEY_arp_count", "0").rc());
        Outcome o = run(VipAgent.ANNOUNCE, "OCF_RESKEY_arp_count", "100", "OCF_RESKEY_CRM_meta_timeout", "3000");
        assertEquals(0, o.rc(), o.stderr());
        long rounds = node.frames.size() / 2;
        assertTrue(rounds >= 5 && rounds <= 9, "rounds sent: " + rounds);
        assertTrue(o.stderr().contains("running out"), o.stderr());
    }

    @Test
    void aFailedAnnouncementIsReportedButTheAddressStays() {
        node.sendFails = true;
        Outcome o = run("start");
        assertEquals(0, o.rc(), o.stderr());
        assertTrue(o.stderr().contains("Network is down"), o.stderr());
        assertFalse(o.stderr().contains("ocf-exit-reason"), o.stderr());
        assertTrue(node.has("vipa", "10.250.9.100/24"));
    }

    @Test
    void badParametersAreNamed() {
        expect(6, "'ip'", "validate-all", "OCF_RESKEY_ip", "");
        expect(6, "'ip'", "validate-all", "OCF_RESKEY_ip", "10.250.9.300");
        expect(6, "'ip'", "start", "OCF_RESKEY_ip", "vip.example.com");
        expect(6, "'ip'", "validate-all", "OCF_RESKEY_ip", "127.0.0.5");
        expect(6, "'cidr_netmask'", "validate-all", "OCF_RESKEY_cidr_netmask", "33");
        expect(6, "'cidr_netmask'", "start", "OCF_RESKEY_cidr_netmask", "255.0.255.0");
        expect(6, "'nic'", "validate-all", "OCF_RESKEY_nic", "eth0:1");
        expect(6, "'nic'", "start", "OCF_RESKEY_nic", "bad name");
        expect(6, "'arp_count'", "validate-all", "OCF_RESKEY_arp_count", "many");
        expect(6, "'arp_count'", "validate-all", "OCF_RESKEY_arp_count", "-1");
        expect(6, "'arp_interval_ms'", "validate-all", "OCF_RESKEY_arp_interval_ms", "60000");
        expect(6, "'arp_mode'", "validate-all", "OCF_RESKEY_arp_mode", "loud");
        expect(6, "'arp_refresh'", "validate-all", "OCF_RESKEY_arp_refresh", "maybe");
        expect(6, "'label'", "validate-all", "OCF_RESKEY_label", "a:b");
        expect(6, "'label'", "validate-all", "OCF_RESKEY_label", "waytoolongxx");
        expect(6, "'label'", "validate-all", "OCF_RESKEY_ip", "fd00:9::100", "OCF_RESKEY_label", "w");
        // an interface this node does not have may exist on the others: banned here only
        expect(5, "'nic'", "validate-all", "OCF_RESKEY_nic", "eth7");
        expect(5, "eth7", "start", "OCF_RESKEY_nic", "eth7");
        // no connected route covers the address, and no interface is given
        expect(5, "'nic'", "validate-all", "OCF_RESKEY_ip", "10.251.9.100");
        node.ipInstalled = false;
        expect(5, "'ip' command", "validate-all");
        expect(5, "'ip' command", "start");
    }

    @Test
    void stopAndMonitorToleratesAConfigurationThatNeverStarted() {
        twice(0, "stop", "OCF_RESKEY_ip", "10.250.9.300");
        twice(0, "stop", "OCF_RESKEY_ip", "");
        twice(7, "monitor", "OCF_RESKEY_ip", "10.250.9.300");
        twice(7, "monitor", "OCF_RESKEY_nic", "eth0:1");
        node.ipInstalled = false;
        twice(7, "monitor", "OCF_RESKEY_CRM_meta_interval", "0");
        expect(5, "'ip' command", "monitor", "OCF_RESKEY_CRM_meta_interval", "10000");
    }

    @Test
    void anAddressOnAnotherInterfaceIsNotTakenOver() {
        node.addrs.get("eth9").add("inet 10.250.9.100/32 scope global eth9");
        expect(1, "eth9", "start", "OCF_RESKEY_nic", "vipa");
        assertFalse(node.has("vipa", "10.250.9.100/24"));
        assertEquals(7, run("monitor", "OCF_RESKEY_nic", "vipa").rc());
        assertEquals(0, run("stop", "OCF_RESKEY_nic", "vipa").rc());
        assertTrue(node.has("eth9", "10.250.9.100/32"), "left alone");
        // without a configured interface the address is wherever it is
        assertEquals(0, run("monitor").rc());
        assertEquals(0, run("stop").rc());
        assertFalse(node.has("eth9", "10.250.9.100/32"));
    }

    @Test
    void anInterfaceThatIsDownFailsStartAndMonitor() {
        node.devices.put("vipa", new NetDevice("vipa", 6, MAC, 1, false, false));
        expect(1, "administratively down", "start");
        node.addrs.get("vipa").add("inet 10.250.9.100/24 scope global secondary vipa");
        expect(1, "administratively down", "monitor");
        assertEquals(0, run("stop").rc());
    }

    @Test
    void labelsAndConfiguredPrefixes() {
        assertEquals(0, run("start", "OCF_RESKEY_nic", "vipa", "OCF_RESKEY_cidr_netmask", "255.255.255.0",
                "OCF_RESKEY_label", "w").rc());
        assertTrue(node.commands.contains(List.of("ip", "-4", "addr", "add", "10.250.9.100/24", "brd", "+", "dev", "vipa",
                "label", "vipa:w")), node.commands.toString());
        assertEquals(0, run("stop").rc());
        assertEquals(0, run("start", "OCF_RESKEY_cidr_netmask", "32").rc());
        assertTrue(node.commands.contains(List.of("ip", "-4", "addr", "add", "10.250.9.100/32", "dev", "vipa")),
                "no broadcast address on a /32");
        assertEquals(0, run("monitor", "OCF_RESKEY_cidr_netmask", "24").rc(), "any prefix of the address is running");
        twice(0, "stop");
        assertFalse(node.has("vipa", "10.250.9.100/32"));
    }

    @Test
    void ipv6IsAddedWithoutDadAndWithoutArp() {
        twice(0, "start", "OCF_RESKEY_ip", "fd00:9::100");
        assertTrue(node.commands.contains(List.of("ip", "-6", "addr", "add", "fd00:9::100/64", "dev", "vipa", "nodad")),
                node.commands.toString());
        assertEquals(0, node.frames.size());
        assertEquals(0, rawLinkCreated);
        twice(0, "monitor", "OCF_RESKEY_ip", "fd00:9::100");
        twice(0, "stop", "OCF_RESKEY_ip", "fd00:9::100");
        twice(7, "monitor", "OCF_RESKEY_ip", "fd00:9::100");
        node.addrs.get("vipa").add("inet6 fd00:9::100/64 scope global dadfailed tentative");
        expect(1, "duplicate address", "monitor", "OCF_RESKEY_ip", "fd00:9::100");
    }

    @Test
    void oneExitReasonPerFailure() {
        Outcome o = run("start", "OCF_RESKEY_nic", "eth7");
        assertEquals(1, o.stderr().split("ocf-exit-reason:", -1).length - 1, o.stderr());
    }

    private void expect(int rc, String reasonContains, String action, String... kv) {
        Outcome o = run(action, kv);
        assertEquals(rc, o.rc(), action + " " + String.join(" ", kv) + ": " + o.stderr());
        assertTrue(o.stderr().contains("ocf-exit-reason:") && o.stderr().contains(reasonContains),
                action + " " + String.join(" ", kv) + ": " + o.stderr());
    }

    @Test
    void stopResetsTheClientsConnectionsWhileTheAddressIsStillThere() {
        assertEquals(0, run("start", "OCF_RESKEY_arp_count", "0").rc());
        node.connections.addAll(List.of("10.250.9.100:3306 10.250.9.7:41000", "10.250.9.100:3306 10.250.9.8:41001",
                "10.250.9.1:3306 10.250.9.2:50000"));
        node.commands.clear();
        Outcome o = run("stop");
        assertEquals(0, o.rc(), o.stderr());
        assertEquals(List.of("10.250.9.1:3306 10.250.9.2:50000"), node.connections, "only the VIP's connections");
        assertTrue(o.stderr().contains("reset 2 client connection(s) to 10.250.9.100"), o.stderr());
        int ss = node.commands.indexOf(List.of("ss", "-K", "-H", "-t", "-n", "state", "established", "src", "10.250.9.100"));
        int del = node.commands.indexOf(List.of("ip", "-4", "addr", "del", "10.250.9.100/24", "dev", "vipa"));
        assertTrue(ss >= 0 && del > ss, "reset before the address goes: " + node.commands);
        // a second stop: nothing to remove, nothing to reset
        node.commands.clear();
        assertEquals(0, run("stop").rc());
        assertTrue(node.commands.stream().noneMatch(c -> c.get(0).equals("ss")), node.commands.toString());
    }

    @Test
    void stopResetsIpv6ConnectionsByTheBracketedAddress() {
        assertEquals(0, run("start", "OCF_RESKEY_ip", "fd00:9::100").rc());
        node.connections.add("[fd00:9::100]:3306 [fd00:9::7]:41000");
        Outcome o = run("stop", "OCF_RESKEY_ip", "fd00:9::100");
        assertEquals(0, o.rc(), o.stderr());
        assertTrue(node.connections.isEmpty(), node.connections.toString());
        assertTrue(node.commands.contains(List.of("ss", "-K", "-H", "-t", "-n", "state", "established", "src", "[fd00:9::100]")),
                node.commands.toString());
    }

    @Test
    void stopWithoutSsOrWithTheResetOffStillRemovesTheAddress() {
        assertEquals(0, run("start", "OCF_RESKEY_arp_count", "0").rc());
        node.connections.add("10.250.9.100:3306 10.250.9.7:41000");
        Outcome off = run("stop", "OCF_RESKEY_reset_connections", "false");
        assertEquals(0, off.rc(), off.stderr());
        assertFalse(node.has("vipa", "10.250.9.100/24"));
        assertEquals(1, node.connections.size(), "reset_connections=false: left alone");
        assertEquals(0, run("start", "OCF_RESKEY_arp_count", "0").rc());
        node.ssInstalled = false;
        Outcome noSs = run("stop");
        assertEquals(0, noSs.rc(), noSs.stderr());
        assertFalse(node.has("vipa", "10.250.9.100/24"));
        assertTrue(noSs.stderr().contains("'ss' command (iproute2) is not installed"), noSs.stderr());
    }
}
