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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mysqlha switchover} on the real lab: each refusal with its message and nothing moved (the
 * target's SQL thread stopped, a target delayed behind the primary, a long transaction on the primary, an
 * HA node gone), and a real switchover under the RT harness's writers (its switchover fault runs this
 * command): 0 lost acknowledged writes, the pause printed, and no constraint left in the CIB. Its own lab
 * beside any other (directory, prefix and /24 of its own).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT {
    static final Path BASE = Path.of(System.getProperty("mysqlha.basedir", "."));
    static final Path LAB = BASE.resolve("test-harness/lab");
    static final Path RT = BASE.resolve("test-harness/rt");
    static final Path RUNS = BASE.resolve("target/rt-switchover-it-runs");
    static final Map<String, String> LAB_ENV = Map.of("MYSQLHA_LAB_DIR", "/var/tmp/mysqlha-switchit",
            "MYSQLHA_LAB_PREFIX", "mhwit", "MYSQLHA_LAB_NET", "10.250.7");
    static final TestLab TL = new TestLab("SwitchoverIT", LAB_ENV);
    static final Pattern RESULT = Pattern.compile("^RESULT switchover=(\\S+) .*$", Pattern.MULTILINE);


    @BeforeAll
    static void bringUpTheLab() throws Exception {
        TL.bringUp();
        Run s = run(List.of(LAB.toString(), "settle", "90"), 120);
        assertEquals(0, s.rc(), "lab settle:\n" + s.out());
        // the checks want a replica that ACKs and a published score: wait until the dry run passes
        long end = System.currentTimeMillis() + 60_000;
        Run dry;
        do {
            dry = switchover("node1", "--dry-run");
        } while (dry.rc() != 0 && System.currentTimeMillis() < end && sleep(2_000));
        assertEquals(0, dry.rc(), "the dry run on a healthy lab:\n" + dry.out());
        assertTrue(dry.out().contains("RESULT switchover=dry-run from="), dry.out());
        System.out.printf("SwitchoverIT: lab settled in %.1f s%n", TL.seconds());
    }

    @AfterAll
    static void tearDown() throws Exception {
        TL.tearDown();
    }

    @Test
    @Order(1)
    void aTargetWhoseSqlThreadIsStoppedIsRefused() throws Exception {
        String primary = primary();
        String target = replicas(primary).get(0);
        sql(target, "STOP SLAVE SQL_THREAD");
        try {
            Run r = switchover(primary, "--to", target);
            assertEquals(1, r.rc(), r.out());
            assertTrue(r.out().contains(target + ": replication threads not both running (IO yes, SQL no"), r.out());
            assertTrue(r.out().contains("fix: START SLAVE on " + target), r.out());
            assertTrue(r.out().contains("RESULT switchover=refused"), r.out());
        } finally {
            sql(target, "START SLAVE SQL_THREAD");
        }
        assertEquals(primary, primary(), "a refused switchover moved nothing");
        assertNoConstraintLeft();
    }

    @Test
    @Order(2)
    void aTargetLaggingBehindThePrimaryIsRefused() throws Exception {
        String primary = primary();
        String target = replicas(primary).get(0);
        sql(primary, "CREATE DATABASE IF NOT EXISTS ittest; CREATE TABLE IF NOT EXISTS ittest.t (id INT AUTO_INCREMENT "
                + "PRIMARY KEY, at DATETIME(6)) ENGINE=InnoDB");
        waitUntil(() -> sql(target, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='ittest'")
                .out().strip().equals("1"), 20_000);
        sql(target, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=60; START SLAVE");
        try {
            sql(primary, "INSERT INTO ittest.t (at) VALUES (NOW(6))");
            // Seconds_Behind_Master counts from the delayed event's timestamp: past the 5 s bound after 6 s
            Thread.sleep(7_000);
            Run r = switchover(primary, "--to", target);
            assertEquals(1, r.rc(), r.out());
            Matcher m = Pattern.compile(Pattern.quote(target) + ": lags (\\d+) s behind the primary \\(bound 5 s, "
                    + "MASTER_DELAY 60 s\\)").matcher(r.out());
            assertTrue(m.find(), r.out());
            assertTrue(Integer.parseInt(m.group(1)) > 5, r.out());
            assertTrue(r.out().contains("fix: wait until it has caught up, or raise --max-lag"), r.out());
        } finally {
            sql(target, "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE");
        }
        assertEquals(primary, primary(), "a refused switchover moved nothing");
        assertNoConstraintLeft();
    }

    @Test
    @Order(3)
    void aLongTransactionOnThePrimaryIsRefused() throws Exception {
        String primary = primary();
        // a client that opens a transaction and keeps it open (the SLEEP), as an application would
        sql(primary, "CREATE DATABASE IF NOT EXISTS ittest; CREATE TABLE IF NOT EXISTS ittest.t (id INT AUTO_INCREMENT "
                + "PRIMARY KEY, at DATETIME(6)) ENGINE=InnoDB");
        Path log = Files.createTempFile("switchover-it-trx", ".out");
        ProcessBuilder hb = new ProcessBuilder(labCmd("exec", primary, "mariadb", "-e",
                "BEGIN; INSERT INTO ittest.t (at) VALUES (NOW(6)); SELECT SLEEP(60); ROLLBACK"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        hb.environment().putAll(LAB_ENV);
        Process holder = hb.start();
        try {
            try {
                waitUntil(() -> !sql(primary, HOLDER_TRX).out().isBlank(), 10_000);
            } catch (AssertionError e) {
                throw new AssertionError("no open transaction on " + primary + "; the client said: " + Files.readString(log), e);
            }
            // the holder's own transaction: innodb_trx may list others (a background one has thread id 0)
            String thread = sql(primary, HOLDER_TRX).out().strip();
            Thread.sleep(4_000);
            Run r = switchover(primary, "--max-trx-age", "2");
            assertEquals(1, r.rc(), r.out());
            assertTrue(r.out().contains(primary + ": transaction of thread " + thread + " (root@localhost, RUNNING) open for "), r.out());
            assertTrue(r.out().contains("would hold the demote; fix: let it finish or KILL " + thread + " on " + primary), r.out());
        } finally {
            // the client inside the node outlives the lab exec that started it: end its transaction by SQL, or
            // it stays open for its 60 s and refuses the next test's switchover
            for (String id : sql(primary, HOLDER_TRX).out().strip().split("\\s+")) {
                if (!id.isEmpty()) {
                    run(labCmd("exec", primary, "mariadb", "-e", "KILL " + id)); // gone already: nothing to end
                }
            }
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(primary, primary(), "a refused switchover moved nothing");
        assertNoConstraintLeft();
    }

    @Test
    @Order(4)
    void aSwitchoverUnderWritersLosesNothingAndLeavesNoConstraint() throws Exception {
        String before = primary();
        // the RT harness's switchover fault runs mysqlha switchover, under its writers (50 ms), and checks
        // every acknowledged write is on every node afterwards
        Run r = run(List.of(RT.toString(), "--faults", "switchover", "--iterations", "1", "--runs-dir", RUNS.toString()), 240);
        System.out.println(r.out());
        assertEquals(0, r.rc(), r.out());
        Matcher m = Pattern.compile("report=(\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        JsonNode doc = new ObjectMapper().readTree(Path.of(m.group(1)).resolveSibling("results.json").toFile());
        JsonNode it = doc.get("iterations").get(0);
        assertEquals("valid", it.get("status").asText(), it.toPrettyString());
        assertEquals(0, it.get("lost_acked_writes").asInt());
        assertTrue(it.get("writes").get("ok").asLong() > 20, "writers wrote: " + it.get("writes"));
        JsonNode measured = it.get("command_measured");
        assertEquals("ok", measured.get("switchover").asText(), measured.toString());
        assertEquals(before, measured.get("from").asText());
        assertEquals("yes", measured.get("cleared").asText());
        double pause = Double.parseDouble(measured.get("pause_s").asText());
        assertTrue(pause > 0 && pause < 30, "pause " + pause);
        double writersPause = it.get("write_pause_s").asDouble();
        assertTrue(writersPause > 0 && writersPause < 30, "writers' pause " + writersPause);
        assertTrue(doc.get("per_fault").get("switchover").get("write_pause_p50_s").isNumber());
        System.out.printf("SwitchoverIT: switchover %s -> %s, pause %.3f s (heartbeat), %.2f s (writers)%n",
                before, measured.get("to").asText(), pause, writersPause);
        assertNotEquals(before, primary());
        assertNoConstraintLeft();
    }

    @Test
    @Order(5)
    void anHaNodeGoneIsRefused() throws Exception {
        String primary = primary();
        String gone = replicas(primary).get(1);
        Run k = run(labCmd("kill-node", gone), 60);
        assertEquals(0, k.rc(), k.out());
        // run the checks only once the survivors' membership has lost it
        waitUntil(() -> !run(labCmd("exec", primary, "crm_node", "-p")).out().contains(gone), 30_000);
        Run r = switchover(primary, "--dry-run");
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains(gone + ": HA node is offline; fix: start the cluster on it (pcs cluster start "
                + gone + ")"), r.out());
        assertTrue(r.out().contains("RESULT switchover=refused"), r.out());
    }

    // ---------------------------------------------------------------- helpers

    /** The thread of the open transaction aLongTransactionOnThePrimaryIsRefused holds (by its statement). */
    static final String HOLDER_TRX = "SELECT t.trx_mysql_thread_id FROM information_schema.innodb_trx t JOIN "
            + "information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.info LIKE 'SELECT SLEEP(60)%'";

    static Run switchover(String node, String... args) {
        List<String> cmd = new ArrayList<>(labCmd("exec", node, "java", "-XX:TieredStopAtLevel=1", "-jar",
                "/usr/share/mysqlha/mysqlha.jar", "switchover"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static Run sql(String node, String statements) {
        Run r = run(labCmd("exec", node, "mariadb", "-N", "-B", "-e", statements));
        assertEquals(0, r.rc(), node + ": " + statements + ":\n" + r.out());
        return r;
    }

    static String primary() {
        Run r = run(labCmd("exec", "node1", "crm_resource", "--locate", "--resource", "db"));
        for (String line : r.out().split("\n")) {
            if (line.strip().endsWith(" Promoted")) {
                String[] w = line.strip().split("\\s+");
                return w[w.length - 2];
            }
        }
        throw new AssertionError("no promoted instance:\n" + r.out());
    }

    static List<String> replicas(String primary) {
        return List.of("node1", "node2", "node3").stream().filter(n -> !n.equals(primary)).toList();
    }

    static void assertNoConstraintLeft() {
        Run r = run(labCmd("exec", "node1", "cibadmin", "--query", "--scope", "constraints"));
        assertEquals(0, r.rc(), r.out());
        assertFalse(r.out().contains("cli-prefer") || r.out().contains("cli-ban"), "a constraint is left:\n" + r.out());
    }

    static List<String> labCmd(String... args) {
        List<String> cmd = new ArrayList<>(List.of(LAB.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    interface Cond {
        boolean ok() throws Exception;
    }

    static void waitUntil(Cond c, long ms) throws Exception {
        long end = System.currentTimeMillis() + ms;
        while (!c.ok()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("not within " + ms + " ms");
            }
            Thread.sleep(300);
        }
    }

    static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    static Run run(List<String> cmd) {
        try {
            return run(cmd, 90);
        } catch (Exception e) {
            throw new AssertionError(cmd + ": " + e, e);
        }
    }

    static Run run(List<String> cmd, int timeoutS) throws Exception {
        return TL.run(cmd, timeoutS);
    }
}
