package io.mysqlha.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File/position-mode log compensation with real servers (replication with MASTER_USE_GTID=no): the promoting
 * node builds differential relay logs from the most advanced replica's relay logs and applies them to itself
 * and to the lagging replica, which then replicate from the new primary at the coordinates that match. Relay
 * files are rotated at 8 KB, so every diff crosses relay files rotated by size, with transactions cut across
 * them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilePosCompensationIT extends CompensationScenarios {
    static final String MODE = "filepos";

    @BeforeAll
    static void setUp() throws Exception {
        up("comp-filepos", MODE, "max-relay-log-size=8192", "relay-log-purge=0");
        Map<String, String> at = sb.row("n1", "SHOW MASTER STATUS");
        for (String n : others("n1")) {
            sb.exec(n, "STOP SLAVE", "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + sb.port("n1")
                    + ", MASTER_USER='mysqlha_repl', MASTER_PASSWORD='repl-pw', MASTER_CONNECT_RETRY=1,"
                    + " MASTER_USE_GTID=no, MASTER_LOG_FILE='" + at.get("File") + "', MASTER_LOG_POS=" + at.get("Position")
                    + (sb.tls() == null ? "" : ", MASTER_SSL=1, MASTER_SSL_CA='" + sb.tls().resolve("ca.pem")
                            + "', MASTER_SSL_VERIFY_SERVER_CERT=1"),
                    "START SLAVE");
        }
        createTable();
        insert("n1", 20, 5, 64);
        converged();
    }

    static void usesCoordinates() throws Exception {
        for (String n : others(primary)) {
            assertEquals("No", sb.row(n, "SHOW SLAVE STATUS").get("Using_Gtid"), n);
        }
    }

    @Test
    @Order(1)
    void candidateLaggingByOneTransactionWithSemiSyncWaitsOnItsPrimarySide() throws Exception {
        Skew k = candidateBehind();
        String candidate = k.candidate();
        String latest = k.latest();
        insert(primary, 1, 1, 100);
        waitFor(latest, acknowledged);
        // the candidate waits for ACKs as a primary: applying the diff would stall on its first commit
        sb.exec(candidate, "SET GLOBAL rpl_semi_sync_master_timeout=1000000000000",
                "SET GLOBAL rpl_semi_sync_master_wait_no_slave=ON", "SET GLOBAL rpl_semi_sync_master_enabled=ON");
        long ms = failover(MODE, candidate, "OCF_RESKEY_semisync", "false");
        System.out.println("FILEPOS lag-by-one with semi-sync waits on the target: promote " + ms + " ms");
        assertTrue(ms < 30_000, "no stall: " + ms + " ms");
        assertEquals("1", sb.scalar(candidate, "SELECT @@rpl_semi_sync_master_enabled"), "restored after");
        converged();
        usesCoordinates();
        assertJournal(candidate, "\"step\":\"semisync-off\"", "\"step\":\"semisync-restored\"",
                "\"step\":\"diff\",\"node\":\"" + candidate + "\",\"source\":\"" + latest + "\"", "\"transactions\":1");
    }

    @Test
    @Order(2)
    void candidateNotTheMostAdvancedWith2000RowsAcrossAPrimaryRotation() throws Exception {
        Skew k = candidateBehindBy2000RowsAcrossARotation(MODE);
        usesCoordinates();
        assertJournal(k.candidate(), "\"source\":\"" + k.latest() + "\"", "\"transactions\":30");
    }

    @Test
    @Order(3)
    void hundredThousandRowTransactionFromAReplicaWithAStoppedSqlThread() throws Exception {
        Skew k = candidateBehind();
        String candidate = k.candidate();
        String latest = k.latest();
        sb.exec(latest, "STOP SLAVE SQL_THREAD");
        bigTransaction(primary, 100_000);
        Map<String, String> end = sb.row(primary, "SHOW MASTER STATUS");
        GtidCompensationIT.await(() -> {
            Map<String, String> r = sb.row(latest, "SHOW SLAVE STATUS");
            return end.get("File").equals(r.get("Master_Log_File")) && end.get("Position").equals(r.get("Read_Master_Log_Pos"));
        });
        long ms = failover(MODE, candidate);
        System.out.println("FILEPOS 100k-row transaction, stopped SQL thread: promote " + ms + " ms");
        converged();
        usesCoordinates();
        assertJournal(candidate, "\"step\":\"diff\",\"node\":\"" + candidate + "\",\"source\":\"" + latest + "\"");
    }

    @Test
    @Order(4)
    void deadPrimaryTailIsSalvagedWhenItsServerAnswers() throws Exception {
        String candidate = tailSalvagedWhileTheOldServerAnswers(MODE);
        usesCoordinates();
        assertJournal(candidate, "\"step\":\"salvage\"", "end of the salvaged tail");
    }

    @Test
    @Order(5)
    void aLaggingReplicaThatIsNotTheCandidateIsCompensatedByThePromotingNode() throws Exception {
        String lagging = others(primary).get(0);
        String candidate = others(primary).get(1);
        sb.exec(lagging, "STOP SLAVE IO_THREAD");
        insert(primary, 500, 25, 200);
        waitFor(candidate, acknowledged);
        long ms = failover(MODE, candidate);
        System.out.println("FILEPOS other replica 500 rows behind: promote " + ms + " ms");
        converged();
        usesCoordinates();
        assertJournal(candidate, "\"step\":\"diff\",\"node\":\"" + lagging + "\",\"source\":\"" + candidate + "\"");
        // an external replica that stood at the common point of the old primary: mysqlha coords on the new primary
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\"step\":\"coordinates\",\"node\":\"" + candidate + "\",\"old\":\"([^\"]+)\",\"new\":\"([^\"]+)\"")
                .matcher(journal(candidate));
        String old = null;
        String now = null;
        while (m.find()) {
            old = m.group(1);
            now = m.group(2);
        }
        Sandbox.Run coords = runCli(sb.env(candidate), "coords", "--from", old, "--state-dir",
                sb.node(candidate).resolve("state").toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(sb.port(candidate)));
        assertEquals(0, coords.rc(), coords.toString());
        String[] at = now.split(":");
        assertTrue(coords.stderr().contains("MASTER_LOG_FILE='" + at[0] + "', MASTER_LOG_POS=" + at[1] + ";"),
                coords.stderr());
    }

    static Sandbox.Run runCli(Map<String, String> env, String... args) throws Exception {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("java", "-cp",
                Sandbox.basedir().resolve("target/mysqlha.jar").toString(), "io.mysqlha.cli.Main"));
        argv.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return new Sandbox.Run(p.exitValue(), out + err, 0); // output in the stderr slot: both streams
    }

    @Test
    @Order(6)
    void aPurgedRelayLogMakesThePromotionRefuseLoudly() throws Exception {
        Skew k = candidateBehind();
        String candidate = k.candidate();
        String latest = k.latest();
        // the latest replica purges what it applied (8 KB relay files): the candidate's position is gone
        sb.exec(latest, "SET GLOBAL relay_log_purge=1");
        insert(primary, 300, 10, 500);
        waitFor(latest, acknowledged);
        kill9(primary);
        ok(sb.agent(primary, "demote", env(MODE)));
        ok(sb.agent(primary, "stop", env(MODE)));
        Sandbox.Run r = sb.agent(candidate, "promote", env(MODE));
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.stderr().contains("cannot be built") && r.stderr().contains("relay_log_purge"), r.stderr());
        assertEquals("1", sb.scalar(candidate, "SELECT @@read_only"), "never opened writes");
        assertEquals("1", sb.scalar(latest, "SELECT @@relay_log_purge"), "restored on the latest replica");
        assertTrue(sb.clusterFile("promotion-db").contains(candidate + "=" + io.mysqlha.decide.Election.YIELD_SCORE),
                "the refusing node lowered its score, as a GTID yield does: " + sb.clusterFile("promotion-db"));
        // the latest replica itself can still be promoted and loses nothing
        ok(sb.agent(latest, "promote", env(MODE)));
        assertEquals(Long.toString(acknowledged), sb.scalar(latest, "SELECT COUNT(*) FROM app.t"));
    }
}
