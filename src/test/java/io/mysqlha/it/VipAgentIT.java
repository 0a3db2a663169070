package io.mysqlha.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ocf:mysqlha:vip on a real link: four network namespaces of its own, a bridge in one of them and three
 * hosts (two VIP holders, one client) on it, all in 10.250.9.0/24 and nothing else (IPv6 off, loopback
 * down). The client's neighbour table shows what the gratuitous ARP did: it learns the VIP when it accepts
 * unsolicited ARP, and it follows a move of the VIP from one holder to the other with its default settings
 * as long as it had an entry, which every client that talked to the VIP has.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VipAgentIT {
    static final String PREFIX = "mysqlha-vipit-";
    static final String SW = PREFIX + "sw";
    static final String N1 = PREFIX + "n1";
    static final String N2 = PREFIX + "n2";
    static final String CL = PREFIX + "cl";
    static final List<String> NAMESPACES = List.of(SW, N1, N2, CL);
    static final String VIP = "10.250.9.100";
    static final Map<String, String> HOST_ADDR = Map.of(N1, "10.250.9.1/24", N2, "10.250.9.2/24", CL, "10.250.9.10/24");
    static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
    static final Map<String, List<Long>> TIMES = new TreeMap<>();
    static boolean up;

    record Run(int rc, String stdout, String stderr, long millis) {
        @Override
        public String toString() {
            return "rc=" + rc + " (" + millis + " ms) " + stderr.strip();
        }
    }

    @BeforeAll
    static void topology() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespaces, packet sockets)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "iproute2 is not installed");
        teardown(); // leftovers of an interrupted run, by name
        up = true;
        for (String ns : NAMESPACES) {
            must("ip", "netns", "add", ns);
            // nothing but 10.250.9.0/24: no IPv6 link-local addresses either
            must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
        }
        must("ip", "-n", SW, "link", "add", "br0", "type", "bridge");
        must("ip", "-n", SW, "link", "set", "br0", "up");
        for (String host : List.of(N1, N2, CL)) {
            String port = host.substring(PREFIX.length());
            must("ip", "-n", host, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", SW);
            must("ip", "-n", SW, "link", "set", port, "master", "br0");
            must("ip", "-n", SW, "link", "set", port, "up");
            must("ip", "-n", host, "addr", "add", HOST_ADDR.get(host), "dev", "eth0");
            must("ip", "-n", host, "link", "set", "eth0", "up");
        }
    }

    @AfterAll
    static void down() {
        if (up) {
            teardown();
        }
        TIMES.forEach((k, v) -> System.out.println("vip " + k + " wall ms: " + v));
    }

    static void teardown() {
        for (String ns : NAMESPACES) {
            if (Path.of("/run/netns", ns).toFile().exists()) {
                exec(List.of("ip", "netns", "del", ns), 30);
            }
        }
    }

    // ---------------------------------------------------------------- tests

    @Test
    @Order(1)
    void metaDataAnswersWithAnEmptyEnvironment() {
        Run r = run(List.of(shim(), "meta-data"), Map.of(), 60);
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.stdout().contains("<resource-agent name=\"vip\"") && r.stdout().contains("name=\"arp_refresh\""),
                r.stdout());
    }

    @Test
    @Order(2)
    void badInputGetsTheRightCodeAndNamesTheParameter() {
        Run nic = agent(N1, "validate-all", "nic", "eth7");
        assertEquals(5, nic.rc(), nic.toString());
        assertTrue(nic.stderr().contains("ocf-exit-reason:") && nic.stderr().contains("'nic'"), nic.stderr());
        Run ip = agent(N1, "validate-all", "ip", "10.250.9.300");
        assertEquals(6, ip.rc(), ip.toString());
        assertTrue(ip.stderr().contains("'ip'"), ip.stderr());
        Run cidr = agent(N1, "start", "cidr_netmask", "40");
        assertEquals(6, cidr.rc());
        assertTrue(cidr.stderr().contains("'cidr_netmask'"), cidr.stderr());
        Run noRoute = agent(N1, "validate-all", "ip", "10.250.8.100");
        assertEquals(5, noRoute.rc(), noRoute.toString());
        twice(0, N1, "validate-all");
        twice(0, N1, "validate-all", "nic", "eth0", "cidr_netmask", "24");
        twice(3, N1, "migrate_to");
    }

    @Test
    @Order(10)
    void aClientThatAcceptsUnsolicitedArpLearnsTheVip() {
        assertEquals("", neighbour(CL), "no entry before the start");
        sysctl(CL, "net.ipv4.conf.eth0.arp_accept", "1");
        twice(7, N1, "monitor");
        twice(7, N1, "monitor", "CRM_meta_interval", "0");
        twice(0, N1, "stop");
        // no nic: detected from the connected route 10.250.9.0/24 dev eth0
        twice(0, N1, "start");
        assertEquals(mac(N1), waitForNeighbour(CL, mac(N1)), "the client learned the VIP from the announcement");
        twice(0, N1, "monitor");
        twice(0, N1, "monitor", "CRM_meta_interval", "0");
        twice(7, N2, "monitor");
        assertTrue(ping(CL), "the VIP answers");
        String addr = must("ip", "-n", N1, "-o", "addr", "show", "dev", "eth0");
        assertEquals(1, count(addr, "inet " + VIP + "/24 "), addr);
    }

    @Test
    @Order(20)
    void aMoveRedirectsAClientThatHadAnEntryWithDefaultSysctls() {
        sysctl(CL, "net.ipv4.conf.eth0.arp_accept", "0");
        assertTrue(ping(CL));
        assertEquals(mac(N1), neighbour(CL));
        twice(0, N1, "stop");
        twice(7, N1, "monitor");
        twice(0, N2, "start", "nic", "eth0", "cidr_netmask", "24");
        // no traffic from the client since: only the announcement can have changed its entry
        assertEquals(mac(N2), waitForNeighbour(CL, mac(N2)), "the client's entry follows the VIP");
        assertTrue(ping(CL), "the VIP answers from its new holder");
        assertEquals(mac(N2), neighbour(CL));
    }

    @Test
    @Order(30)
    void withoutAnnouncementTheCacheStaysStaleAndArpRefreshRepairsIt() {
        assertEquals(mac(N2), neighbour(CL));
        twice(0, N2, "stop");
        twice(0, N1, "start", "arp_count", "0");
        sleep(500);
        assertEquals(mac(N2), neighbour(CL), "the field problem: the client still sends to the old holder");
        twice(0, N1, "monitor", "arp_refresh", "true", "CRM_meta_interval", "10000");
        assertEquals(mac(N1), waitForNeighbour(CL, mac(N1)), "one monitor with arp_refresh fixed it");
        assertTrue(ping(CL));
        twice(0, N1, "stop");
    }

    @Test
    @Order(40)
    void ocfTesterPasses() {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ocf-tester")), "ocf-tester (resource-agents) is not installed");
        Run r = run(List.of("ip", "netns", "exec", N2, "/usr/sbin/ocf-tester", "-n", "vip", "-o", "ip=" + VIP,
                "-o", "cidr_netmask=24", "-o", "nic=eth0", shim()), baseEnv(), 300);
        assertEquals(0, r.rc(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("passed all tests"), r.stdout());
        twice(7, N2, "monitor");
    }

    @Test
    @Order(50)
    void noAddressOutsideTheTestNetworkWasEverConfigured() {
        for (String ns : NAMESPACES) {
            for (String line : must("ip", "-n", ns, "-o", "addr", "show").split("\n")) {
                if (line.contains(" inet")) {
                    assertTrue(line.contains(" inet 10.250.9."), ns + ": " + line);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static String shim() {
        return basedir().resolve("ra/vip").toString();
    }

    static Path basedir() {
        return Path.of(System.getProperty("mysqlha.basedir", ".")).toAbsolutePath().normalize();
    }

    static Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("OCF_ROOT", "/usr/lib/ocf");
        return env;
    }

    /** One action of the agent inside a namespace, with the environment Pacemaker would pass. */
    static Run agent(String ns, String action, String... kv) {
        Map<String, String> env = baseEnv();
        env.put("OCF_RESOURCE_INSTANCE", "writer_vip");
        env.put("OCF_RESKEY_ip", VIP);
        env.put("OCF_RESKEY_CRM_meta_timeout", "20000");
        env.put("OCF_RESKEY_CRM_meta_interval", "10000");
        if (!action.equals("monitor")) {
            env.put("OCF_RESKEY_CRM_meta_interval", "0");
        }
        for (int i = 0; i < kv.length; i += 2) {
            env.put("OCF_RESKEY_" + kv[i], kv[i + 1]);
        }
        Run r = run(List.of("ip", "netns", "exec", ns, shim(), action), env, 60);
        String key = action + (kv.length > 0 && List.of(kv).contains("arp_refresh") ? "+arp_refresh" : "");
        TIMES.computeIfAbsent(key, k -> new ArrayList<>()).add(r.millis());
        return r;
    }

    static void twice(int rc, String ns, String action, String... kv) {
        for (int i = 1; i <= 2; i++) {
            Run r = agent(ns, action, kv);
            assertEquals(rc, r.rc(), action + " #" + i + " in " + ns + " " + String.join(" ", kv) + ": " + r);
        }
    }

    static String mac(String ns) {
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(must("ip", "-n", ns, "-o", "link", "show", "dev", "eth0"));
        assertTrue(m.find());
        return m.group(1);
    }

    /** The MAC the namespace's neighbour table holds for the VIP, or "" when it has no usable entry. */
    static String neighbour(String ns) {
        Matcher m = LLADDR.matcher(must("ip", "-n", ns, "neigh", "show", VIP, "dev", "eth0"));
        return m.find() ? m.group(1) : "";
    }

    static String waitForNeighbour(String ns, String expected) {
        long end = System.nanoTime() + 3_000_000_000L;
        String seen = neighbour(ns);
        while (!seen.equals(expected) && System.nanoTime() < end) {
            sleep(100);
            seen = neighbour(ns);
        }
        return seen;
    }

    static boolean ping(String ns) {
        return exec(List.of("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "2", VIP), 10).rc() == 0;
    }

    static void sysctl(String ns, String key, String value) {
        must("ip", "netns", "exec", ns, "sysctl", "-qw", key + "=" + value);
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static String must(String... argv) {
        Run r = exec(List.of(argv), 30);
        assertNotEquals(-1, r.rc());
        if (r.rc() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + r);
        }
        return r.stdout();
    }

    static Run exec(List<String> argv, int timeoutS) {
        return run(argv, null, timeoutS);
    }

    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    static Run run(List<String> argv, Map<String, String> env, int timeoutS) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
            String record = System.getenv("MYSQLHA_RECORD_CDS");
            if (record != null && !record.isEmpty()) {
                // test-harness/record-cds-classes: each agent run lists the classes it loaded
                pb.environment().put("MYSQLHA_JAVA_OPTS", "-XX:DumpLoadedClassList=" + record + "/vip-"
                        + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + ".lst");
            }
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long t0 = System.nanoTime();
        try {
            Path out = Files.createTempFile("vipit", ".out");
            Path err = Files.createTempFile("vipit", ".err");
            try {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile());
                Process p = pb.start();
                if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", argv) + " hung");
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
