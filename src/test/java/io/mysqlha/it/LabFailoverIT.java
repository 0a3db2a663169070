package io.mysqlha.it;

import io.mysqlha.it.TestLab.Run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real lab (test-harness/lab: three namespaced nodes, each with Corosync, Pacemaker and MariaDB), one
 * bring-up shared by:
 * <ol>
 * <li>one kill -9 of the primary's mariadbd: 0 lost acknowledged writes, exactly one writable server, the
 * writer VIP on the promoted node;</li>
 * <li>a short round of the failover RT harness over three more faults (node lost, partition, planned
 * switchover), one iteration each, every checker valid;</li>
 * <li>bad input: a lab that is not there, a nodes file that does not exist: exit status 2, at once.</li>
 * </ol>
 * Every server requires TLS ({@code lab up --tls}): the agents, replication, the harness's writer and a
 * downstream replica run over it, and after the failover the test checks that they did (replication's
 * MASTER_SSL with the certificate verified, the writer VIP's session, a session in clear refused).
 * Everything goes through the harness's command line ({@code mysqlha rt}), the way operators run it.
 * Skipped, with the reason printed, when not root or when the cluster packages are missing. The test builds
 * its own lab beside any other (its own directory, namespace prefix and /24: {@link #LAB_ENV}), so an
 * operator's lab on the same machine is never touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabFailoverIT {
    static final Path BASE = Path.of(System.getProperty("mysqlha.basedir", "."));
    static final Path LAB = BASE.resolve("test-harness/lab");
    static final Path DOWNSTREAM = BASE.resolve("test-harness/downstream");
    static final Path JAR = BASE.resolve("target/mysqlha.jar");
    static final Path RUNS = BASE.resolve("target/rt-it-runs");
    static final Pattern RESULT = Pattern.compile("^RESULT iterations=(\\d+) invalid=(\\d+) lost_acked_writes=(\\d+) "
            + "split_brain_moments=(\\d+) failover_p50_s=(\\S+) failover_p99_s=(\\S+) (?:.* )?report=(\\S+)$", Pattern.MULTILINE);
    static final ObjectMapper JSON = new ObjectMapper();
    /** This test's lab: a directory, namespace prefix and network of its own. */
    static final Map<String, String> LAB_ENV = Map.of("MYSQLHA_LAB_DIR", "/var/tmp/mysqlha-lab-it",
            "MYSQLHA_LAB_PREFIX", "mhit", "MYSQLHA_LAB_NET", "10.250.9");
    static final TestLab TL = new TestLab("LabFailoverIT", LAB_ENV);


    @BeforeAll
    static void bringUpTheLab() throws Exception {
        // TLS required by every server (lab up --tls): the agents, replication, the harness's writer and the
        // downstream replica all run over it, as in production
        TL.bringUp(List.of("--tls"), List.of());
    }

    @AfterAll
    static void tearDown() throws Exception {
        TL.tearDown();
    }

    @Test
    @Order(1)
    void killPrimaryMysqldOnce() throws Exception {
        long s = System.nanoTime();
        // A replica outside the cluster, replicating from the writer VIP with GTID: the failover must not break it.
        Run ds = run(List.of(DOWNSTREAM.toString(), "start"), 120);
        assertEquals(0, ds.rc(), "downstream start:\n" + ds.out());
        Run r = rt("--faults", "kill-primary-mysqld", "--iterations", "1", "--seed", "1");
        JsonNode res = results(r);
        JsonNode it = res.get("iterations").get(0);
        assertEquals("kill-primary-mysqld", it.get("fault").asText());
        assertEquals(0, it.get("lost_acked_writes").asInt(), r.out());
        assertEquals(1, it.get("max_writable_at_once").asInt(), "never more than one writable server\n" + r.out());
        JsonNode vip = checker(it, "writer-vip-on-primary-only");
        assertEquals("valid", vip.get("status").asText(), vip.toString());
        assertEquals(1, vip.get("data").get("final_writable").size(), "exactly one writable server after the failover");
        assertEquals(vip.get("data").get("final_promoted"), vip.get("data").get("final_holders"),
                "the writer VIP on the promoted node");
        assertTrue(it.get("writes").get("ok").asInt() > 0);
        assertEquals(0, r.rc(), "every checker valid:\n" + r.out());
        clientsNeighbourEntryFollowsTheVip(it.get("primary_before").asText(), it.get("primary_after").asText());
        Run check = run(List.of(DOWNSTREAM.toString(), "check", "--wait", "90"), 150);
        System.out.print("LabFailoverIT: downstream replica after the failover: " + check.out());
        assertEquals(0, check.rc(), "the downstream replica follows the writer VIP to the new primary, same GTID position "
                + "and same data:\n" + check.out());
        assertTrue(check.out().contains(" tls=verified"), "the downstream replicates over TLS, the primary's certificate "
                + "verified:\n" + check.out());
        everythingOverTls(it.get("primary_after").asText());
        run(List.of(DOWNSTREAM.toString(), "stop"), 60);
        System.out.printf("LabFailoverIT: kill -9 of the primary's mariadbd: failover %s s, %.1f s in all%n",
                it.get("failover_s"), (System.nanoTime() - s) / 1e9);
    }

    @Test
    @Order(2)
    void shortRoundOfThreeMoreFaults() throws Exception {
        long s = System.nanoTime();
        Run r = rt("--faults", "primary-node-lost,primary-partitioned,switchover", "--iterations", "3", "--seed", "2");
        Matcher m = RESULT.matcher(r.out());
        assertTrue(m.find(), "a RESULT line:\n" + r.out());
        assertEquals("3", m.group(1));
        JsonNode res = results(r);
        List<String> bad = new ArrayList<>();
        for (JsonNode it : res.get("iterations")) {
            for (JsonNode c : it.get("checkers")) {
                if (!c.get("status").asText().equals("valid")) {
                    bad.add(it.get("fault").asText() + ": " + c.get("checker").asText() + " " + c.get("status").asText()
                            + " (" + c.get("evidence").asText() + ")");
                }
            }
        }
        assertEquals(List.of(), bad, r.out());
        assertEquals("0", m.group(3), "lost acknowledged writes");
        assertEquals("0", m.group(4), "split-brain moments");
        assertEquals(0, r.rc());
        assertTrue(Files.isRegularFile(Path.of(m.group(7))), "report.html written");
        System.out.printf("LabFailoverIT: short round %s: %.1f s%n", m.group(0), (System.nanoTime() - s) / 1e9);
    }

    @Test
    @Order(3)
    void unusableTargetsExitTwoAtOnce() throws Exception {
        Path empty = Files.createTempDirectory("rt-no-lab");
        Run noLab = run(List.of(java(), "-jar", JAR.toString(), "rt", "--lab", LAB.toString(), "--iterations", "1"),
                60, Map.of("MYSQLHA_LAB_DIR", empty.resolve("absent").toString()));
        assertEquals(2, noLab.rc(), noLab.out());
        assertTrue(noLab.out().contains("the lab is not up"), noLab.out());
        Run noFile = run(List.of(java(), "-jar", JAR.toString(), "rt", "--target", "ssh", "--nodes",
                empty.resolve("nodes").toString()), 60);
        assertEquals(2, noFile.rc(), noFile.out());
        assertTrue(noFile.millis() < 30_000);
        Run badFault = run(List.of(java(), "-jar", JAR.toString(), "rt", "--faults", "kill-everything"), 60);
        assertEquals(2, badFault.rc(), badFault.out());
    }

    /**
     * After the VIP moved, the client namespace (where the writers run) must reach the new holder: its
     * neighbour entry for the writer VIP holds the new primary's MAC (the VIP agent's gratuitous ARP), not
     * the old one's.
     */
    static void clientsNeighbourEntryFollowsTheVip(String before, String after) throws Exception {
        assertTrue(!before.equals(after), "the primary moved: " + before + " -> " + after);
        String vip = labEnv().get("LAB_WRITER_VIP");
        String newMac = run(List.of(LAB.toString(), "exec", after, "cat", "/sys/class/net/eth0/address"), 30).out().strip();
        String oldMac = run(List.of(LAB.toString(), "exec", before, "cat", "/sys/class/net/eth0/address"), 30).out().strip();
        assertTrue(newMac.matches("[0-9a-f:]{17}") && oldMac.matches("[0-9a-f:]{17}"), newMac + " / " + oldMac);
        Run neigh = run(List.of(LAB.toString(), "exec", "client", "ip", "neigh", "show", vip), 30);
        assertEquals(0, neigh.rc(), neigh.out());
        assertTrue(neigh.out().contains("lladdr " + newMac),
                "the client's neighbour entry for " + vip + " names " + after + " (" + newMac + "), not " + before + " ("
                        + oldMac + "): " + neigh.out());
        System.out.printf("LabFailoverIT: client's neighbour entry for the writer VIP after the move: %s", neigh.out());
    }

    /**
     * After the failover, on the TLS lab: every replica of the new primary replicates with MASTER_SSL and the
     * primary's certificate verified; a session through the writer VIP is TLS; a session in clear is refused.
     */
    static void everythingOverTls(String primary) throws Exception {
        Map<String, String> env = labEnv();
        assertEquals("1", env.get("LAB_TLS"), "the lab runs with --tls");
        for (String n : env.get("LAB_HA_NODES").split(" ")) {
            if (n.equals(primary)) {
                continue;
            }
            String st = run(List.of(LAB.toString(), "exec", n, "mariadb", "-e", "SHOW SLAVE STATUS\\G"), 30).out();
            assertTrue(st.contains("Master_SSL_Allowed: Yes") && st.contains("Master_SSL_Verify_Server_Cert: Yes")
                    && st.contains("Slave_IO_Running: Yes"), n + " replicates over verified TLS:\n" + st);
        }
        String vip = env.get("LAB_WRITER_VIP");
        Run tls = run(List.of(LAB.toString(), "exec", "client", "mariadb", "--defaults-extra-file=" + env.get("LAB_APP_CNF"),
                "-h", vip, "--connect-timeout=2", "-N", "-B", "-e", "SHOW SESSION STATUS LIKE 'Ssl_version'"), 30);
        assertTrue(tls.rc() == 0 && tls.out().contains("TLSv1"), "a session through the writer VIP is TLS: " + tls.out());
        // the same account in clear: the option file without its TLS lines
        Path plain = Path.of(env.get("LAB_DIR"), "app-plain.cnf");
        List<String> lines = Files.readAllLines(Path.of(env.get("LAB_APP_CNF"))).stream()
                .filter(l -> !l.startsWith("ssl")).toList();
        Files.deleteIfExists(plain);
        Files.createFile(plain, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.write(plain, lines);
        try {
            Run clear = run(List.of(LAB.toString(), "exec", "client", "mariadb", "--defaults-extra-file=" + plain,
                    "--skip-ssl", "-h", vip, "--connect-timeout=2", "-e", "SELECT 1"), 30);
            assertTrue(clear.rc() != 0, "a session in clear is refused (require_secure_transport=ON): " + clear.out());
            System.out.printf("LabFailoverIT: over TLS: replicas verified, writer VIP %s; in clear: %s", tls.out().strip(),
                    clear.out());
        } finally {
            Files.deleteIfExists(plain);
        }
    }

    static Map<String, String> labEnv() throws Exception {
        Run r = run(List.of(LAB.toString(), "env"), 30);
        assertEquals(0, r.rc(), r.out());
        return io.mysqlha.rt.LabTarget.parseEnv(r.out());
    }

    /**
     * The read pool on a kernel without IPVS (this machine's, so the lab's nodes'): pcs-config/lvs.sh adds it;
     * its agent answers ERR_INSTALLED with the reason, Pacemaker keeps it stopped, and the rest of the
     * cluster goes on: one primary behind the writer VIP, the reader VIP, and a failover still completes.
     * Last, because the failed pool stays in crm_mon (the harness's convergence checker would count it).
     */
    @Test
    @Order(4)
    void readPoolWithoutIpvsLeavesTheClusterWorking() throws Exception {
        Map<String, String> env = labEnv();
        List<String> nodes = List.of(env.get("LAB_ALL_NODES").split(" "));
        // the copy the lab staged: a node sees the lab directory, not necessarily the checkout
        Path lvsSh = Path.of(env.get("LAB_DIR"), "install/pcs-config/lvs.sh");
        for (String n : nodes) {
            Run sc = run(List.of(LAB.toString(), "exec", n, lvsSh.toString(), "sysctl"), 60);
            assertEquals(0, sc.rc(), "lvs.sh sysctl on " + n + ":\n" + sc.out());
        }
        Run res = run(List.of(LAB.toString(), "exec", nodes.get(0), lvsSh.toString(), "resources", "--vip",
                env.get("LAB_READER_VIP"), "--node-addresses", env.get("LAB_NODE_ADDRESSES"), "--offline"), 120);
        assertEquals(0, res.rc(), "lvs.sh resources:\n" + res.out());
        String xml = "";
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            xml = run(List.of(LAB.toString(), "exec", nodes.get(0), "crm_mon", "-1", "--output-as=xml"), 30).out();
            if (xml.contains("op_key=\"read-pool_") && xml.contains("exitstatus=\"not installed\"")) {
                break;
            }
            Thread.sleep(2000);
        }
        Matcher failure = Pattern.compile("<failure op_key=\"read-pool_[^\"]*\" node=\"(\\w+)\"[^>]*exitstatus=\"not installed\""
                + "[^>]*exitreason=\"([^\"]*)\"").matcher(xml);
        assertTrue(failure.find(), "read-pool failed with 'not installed':\n" + xml);
        System.out.println("LabFailoverIT: read pool on " + failure.group(1) + ": not installed: " + failure.group(2));
        assertTrue(failure.group(2).contains("IPVS") || failure.group(2).contains("ipvs"), failure.group(2));
        assertTrue(!Pattern.compile("<resource id=\"read-pool\"[^>]*active=\"true\"").matcher(xml).find(),
                "read-pool stays stopped:\n" + xml);
        assertTrue(Pattern.compile("<resource id=\"reader-vip\"[^>]*active=\"true\"").matcher(xml).find(),
                "the reader VIP still runs:\n" + xml);
        String before = writeThroughVip(env, 30);
        assertTrue(before != null, "a write through the writer VIP with the pool failed");
        String read = run(List.of(LAB.toString(), "exec", "client", "mariadb", "--defaults-extra-file=" + env.get("LAB_APP_CNF"),
                "-h", env.get("LAB_READER_VIP"), "--connect-timeout=2", "-N", "-B", "-e", "SELECT @@hostname, @@read_only"), 30).out();
        assertTrue(read.strip().endsWith("1"), "a read through the reader VIP, on a read-only replica: " + read);
        Run kill = run(List.of(LAB.toString(), "kill-mysqld", before), 60);
        assertEquals(0, kill.rc(), kill.out());
        long t = System.nanoTime();
        String after = null;
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            after = writeThroughVip(env, 5);
            if (after != null && !after.equals(before)) {
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(after != null && !after.equals(before), "a failover with the read pool failed: writes on a new primary");
        System.out.printf("LabFailoverIT: with the read pool failed (no IPVS), kill -9 of %s's mariadbd: writes on %s after %.1f s%n",
                before, after, (System.nanoTime() - t) / 1e9);
    }

    /** One acknowledged write through the writer VIP; the server that took it, or null. */
    static String writeThroughVip(Map<String, String> env, int timeoutS) throws Exception {
        Run w = run(List.of(LAB.toString(), "exec", "client", "timeout", String.valueOf(timeoutS), "mariadb",
                "--defaults-extra-file=" + env.get("LAB_APP_CNF"), "-h", env.get("LAB_WRITER_VIP"), "--connect-timeout=2",
                "-N", "-B", "-e", "CREATE TABLE IF NOT EXISTS pool_check (id INT AUTO_INCREMENT PRIMARY KEY, server VARCHAR(64)); "
                        + "INSERT INTO pool_check (server) VALUES (@@hostname); SELECT @@hostname"), timeoutS + 30);
        return w.rc() == 0 && !w.out().isBlank() ? w.out().strip() : null;
    }

    static JsonNode checker(JsonNode it, String name) {
        for (JsonNode c : it.get("checkers")) {
            if (c.get("checker").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no checker " + name + " in " + it);
    }

    static JsonNode results(Run r) throws IOException {
        Matcher m = RESULT.matcher(r.out());
        assertTrue(m.find(), "no RESULT line (exit " + r.rc() + "):\n" + r.out());
        return JSON.readTree(Path.of(m.group(7)).resolveSibling("results.json").toFile());
    }

    static Run rt(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-jar", JAR.toString(), "rt",
                "--lab", LAB.toString(), "--runs-dir", RUNS.toString()));
        cmd.addAll(List.of(args));
        Run r = run(cmd, 900);
        System.out.println(r.out());
        return r;
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static Run run(List<String> cmd, int timeoutS) throws Exception {
        return run(cmd, timeoutS, Map.of());
    }

    static Run run(List<String> cmd, int timeoutS, Map<String, String> env) throws Exception {
        return TL.run(cmd, timeoutS, env, null, true);
    }
}
