package io.mysqlha.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Everything goes through the harness's command line ({@code mysqlha rt}), the way operators run it.
 * Skipped, with the reason printed, when not root or when the cluster packages are missing; skipped too
 * when a lab is already up (it belongs to someone: this test never tears down a lab it did not build).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabFailoverIT {
    static final Path BASE = Path.of(System.getProperty("mysqlha.basedir", "."));
    static final Path LAB = BASE.resolve("test-harness/lab");
    static final Path JAR = BASE.resolve("target/mysqlha.jar");
    static final Path RUNS = BASE.resolve("target/rt-it-runs");
    static final Pattern RESULT = Pattern.compile("^RESULT iterations=(\\d+) invalid=(\\d+) lost_acked_writes=(\\d+) "
            + "split_brain_moments=(\\d+) failover_p50_s=(\\S+) failover_p99_s=(\\S+) report=(\\S+)$", Pattern.MULTILINE);
    static final ObjectMapper JSON = new ObjectMapper();
    static boolean up;
    static long t0;

    record Run(int rc, String out, long millis) {}

    @BeforeAll
    static void bringUpTheLab() throws Exception {
        String why = missing();
        if (why != null) {
            System.out.println("LabFailoverIT skipped: " + why);
        }
        assumeTrue(why == null, why);
        t0 = System.nanoTime();
        Run r = run(List.of(LAB.toString(), "up", "--no-build"), 240);
        up = true;
        assertEquals(0, r.rc(), "lab up:\n" + r.out());
        Run c = run(List.of(LAB.toString(), "configure"), 120);
        assertEquals(0, c.rc(), "lab configure:\n" + c.out());
        System.out.printf("LabFailoverIT: lab up and configured in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (network, mount and PID namespaces)";
        }
        for (String tool : List.of("/usr/sbin/corosync", "/usr/sbin/pacemakerd", "/usr/sbin/mariadbd", "/usr/sbin/crm_mon",
                "/usr/bin/nsenter", "/usr/bin/mariadb")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return tool + " is not installed (test-harness/setup installs the lab's packages)";
            }
        }
        if (!Files.isRegularFile(JAR)) {
            return JAR + " is not built";
        }
        if (Files.exists(Path.of(System.getenv().getOrDefault("MYSQLHA_LAB_DIR", "/var/tmp/mysqlha-lab")))) {
            return "a lab is already up on this machine (test-harness/lab status); this test only uses a lab it builds";
        }
        return null;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (up) {
            run(List.of(LAB.toString(), "down"), 120);
            System.out.printf("LabFailoverIT: whole class (bring-up, faults, tear-down) %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    @Test
    @Order(1)
    void killPrimaryMysqldOnce() throws Exception {
        long s = System.nanoTime();
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
        long s = System.nanoTime();
        Path out = Files.createTempFile("lab-it", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(cmd + " still running after " + timeoutS + " s:\n" + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return new Run(p.exitValue(), text, (System.nanoTime() - s) / 1_000_000);
    }
}
