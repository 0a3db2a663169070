package io.mysqlha.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/**
 * GTID-mode log compensation with real servers: the candidate catches up from whichever replica received more,
 * with master_use_gtid=slave_pos, before it opens writes. The scenarios run one after the other on one cluster,
 * the primary moving at each failover.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GtidCompensationIT extends CompensationScenarios {
    static final String MODE = "gtid";

    @BeforeAll
    static void setUp() throws Exception {
        up("comp-gtid", MODE, "max-relay-log-size=8192");
        for (String n : others("n1")) {
            ok(sb.agent(n, "notify", postPromote(MODE, "n1")));
        }
        createTable();
        insert("n1", 20, 5, 64);
        converged();
    }

    @Test
    @Order(1)
    void candidateLaggingByOneTransactionCatchesUp() throws Exception {
        Skew k = candidateBehind();
        insert(primary, 1, 1, 100);
        waitFor(k.latest(), acknowledged);
        long ms = failover(MODE, k.candidate());
        System.out.println("GTID lag-by-one: promote " + ms + " ms");
        converged();
        assertJournal(k.candidate(), "\"step\":\"catch-up\"", "\"source\":\"" + k.latest() + "\"", "\"transactions\":1");
    }

    @Test
    @Order(2)
    void candidateNotTheMostAdvancedWith2000RowsAcrossABinlogRotation() throws Exception {
        Skew k = candidateBehindBy2000RowsAcrossARotation(MODE);
        assertJournal(k.candidate(), "\"source\":\"" + k.latest() + "\"", "\"transactions\":30");
    }

    @Test
    @Order(3)
    void hundredThousandRowTransactionFromAReplicaWithAStoppedSqlThread() throws Exception {
        Skew k = candidateBehind();
        sb.exec(k.latest(), "STOP SLAVE SQL_THREAD");
        bigTransaction(primary, 100_000);
        String want = sb.scalar(primary, "SELECT @@gtid_binlog_pos");
        await(() -> want.equals(sb.row(k.latest(), "SHOW SLAVE STATUS").get("Gtid_IO_Pos")));
        long ms = failover(MODE, k.candidate());
        System.out.println("GTID 100k-row transaction, stopped SQL thread: promote " + ms + " ms");
        converged();
        assertJournal(k.candidate(), "started the SQL thread", "\"source\":\"" + k.latest() + "\"");
    }

    @Test
    @Order(4)
    void deadPrimaryTailIsSalvagedWhenItsServerAnswers() throws Exception {
        String candidate = tailSalvagedWhileTheOldServerAnswers(MODE);
        assertJournal(candidate, "\"step\":\"salvage\"", "\"transactions\":5");
    }

    @Test
    @Order(5)
    void deadPrimaryTailIsSalvagedFromItsBinlogFilesWhenItsServerIsGone() throws Exception {
        Tail t = unreceivedTail(3);
        kill9(t.old());
        ok(sb.agent(t.old(), "demote", env(MODE)));
        ok(sb.agent(t.old(), "stop", env(MODE)));
        // the binlog files of the dead server are readable on this host
        String candidate = promoteWithSalvage(MODE, t);
        assertJournal(candidate, "\"source\":\"binlog files\"", "\"transactions\":3");
    }

    /**
     * The candidate's server dies while it catches up with relaxed durability: its promote fails, the node that
     * holds everything is promoted instead with every acknowledged row, and the killed node comes back with the
     * durability its configuration gives, replicating.
     */
    @Test
    @Order(6)
    void targetKilledDuringARelaxedDurabilityApplyLosesNothing() throws Exception {
        Skew k = candidateBehind();
        for (int i = 0; i < 3; i++) {
            bigTransaction(primary, 200_000);
        }
        waitFor(k.latest(), acknowledged);
        String old = primary;
        kill9(old);
        ok(sb.agent(old, "demote", env(MODE)));
        ok(sb.agent(old, "stop", env(MODE)));
        String relaxed = "\"step\":\"durability-relaxed\"";
        int before = journal(k.candidate()).split(relaxed, -1).length;
        java.util.concurrent.CompletableFuture<Sandbox.Run> promote = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> sb.agent(k.candidate(), "promote", env(MODE)));
        org.awaitility.Awaitility.await().atMost(60, java.util.concurrent.TimeUnit.SECONDS)
                .pollInterval(20, java.util.concurrent.TimeUnit.MILLISECONDS)
                .until(() -> journal(k.candidate()).split(relaxed, -1).length > before || promote.isDone());
        // ... and its catch-up from the latest replica is applying
        String from = Integer.toString(sb.port(k.latest()));
        org.awaitility.Awaitility.await().atMost(60, java.util.concurrent.TimeUnit.SECONDS)
                .pollInterval(20, java.util.concurrent.TimeUnit.MILLISECONDS).ignoreExceptions()
                .until(() -> promote.isDone() || (from.equals(sb.row(k.candidate(), "SHOW SLAVE STATUS").get("Master_Port"))
                        && "Yes".equals(sb.row(k.candidate(), "SHOW SLAVE STATUS").get("Slave_SQL_Running"))));
        assertEquals("0", sb.scalar(k.candidate(), "SELECT @@global.sync_binlog"), "relaxed while applying");
        long applied = Long.parseLong(sb.scalar(k.candidate(), "SELECT COUNT(*) FROM app.t"));
        kill9(k.candidate());
        Sandbox.Run failed = promote.get();
        org.junit.jupiter.api.Assertions.assertNotEquals(0, failed.rc(), "a promote whose server died: " + failed);
        System.out.println("GTID target killed mid-apply at " + applied + " of " + acknowledged + " rows: " + failed);
        org.junit.jupiter.api.Assertions.assertTrue(applied < acknowledged, "killed in the middle of the apply");
        org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.exists(
                sb.node(k.candidate()).resolve("state/db/" + io.mysqlha.failover.ApplyTuning.FILE)),
                "the settings to restore are recorded");
        ok(sb.agent(k.candidate(), "demote", env(MODE)));
        ok(sb.agent(k.candidate(), "stop", env(MODE)));
        ok(sb.agent(k.latest(), "promote", env(MODE)));
        primary = k.latest();
        assertEquals(Long.toString(acknowledged), sb.scalar(primary, "SELECT COUNT(*) FROM app.t"));
        assertEquals("1", sb.scalar(primary, "SELECT @@global.sync_binlog"));
        assertEquals("1", sb.scalar(primary, "SELECT @@global.innodb_flush_log_at_trx_commit"));
        for (String n : List.of(k.candidate(), old)) {
            Sandbox.Run start = sb.agent(n, "start", env(MODE));
            if (start.rc() != 0) {
                // an unclean end of a replica: accepted once checked (what the operator does after a crash)
                ok(Sandbox.run(sb.env(n), "java", "-cp", Sandbox.basedir().resolve("target/mysqlha.jar").toString(),
                        "io.mysqlha.cli.Main", "rejoin", "--state-dir", sb.node(n).resolve("state").toString()));
                ok(sb.agent(n, "start", env(MODE)));
            }
        }
        converged();
        for (String n : sb.nodes()) {
            assertEquals("1", sb.scalar(n, "SELECT @@global.sync_binlog"), n);
            assertEquals("1", sb.scalar(n, "SELECT @@global.innodb_flush_log_at_trx_commit"), n);
        }
        org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(
                sb.node(k.candidate()).resolve("state/db/" + io.mysqlha.failover.ApplyTuning.FILE)),
                "the record is restored and removed by the next start");
    }

    static void await(java.util.concurrent.Callable<Boolean> c) {
        org.awaitility.Awaitility.await().atMost(60, java.util.concurrent.TimeUnit.SECONDS).until(c);
    }
}
