package io.mysqlha.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        String candidate = others(primary).get(0);
        String latest = others(primary).get(1);
        sb.exec(candidate, "STOP SLAVE IO_THREAD");
        insert(primary, 1, 1, 100);
        waitFor(latest, acknowledged);
        long ms = failover(MODE, candidate);
        System.out.println("GTID lag-by-one: promote " + ms + " ms");
        converged();
        assertJournal(candidate, "\"step\":\"catch-up\"", "\"source\":\"" + latest + "\"", "\"transactions\":1");
    }

    @Test
    @Order(2)
    void candidateNotTheMostAdvancedWith2000RowsAcrossABinlogRotation() throws Exception {
        String candidate = others(primary).get(0);
        String latest = others(primary).get(1);
        sb.exec(candidate, "STOP SLAVE IO_THREAD");
        insert(primary, 1000, 50, 300);
        sb.exec(primary, "FLUSH BINARY LOGS");
        insert(primary, 1000, 100, 300);
        waitFor(latest, acknowledged);
        long ms = failover(MODE, candidate);
        System.out.println("GTID 2000 rows, candidate behind, rotation: promote " + ms + " ms");
        converged();
        assertJournal(candidate, "\"source\":\"" + latest + "\"", "\"transactions\":30");
    }

    @Test
    @Order(3)
    void hundredThousandRowTransactionFromAReplicaWithAStoppedSqlThread() throws Exception {
        String candidate = others(primary).get(0);
        String latest = others(primary).get(1);
        sb.exec(candidate, "STOP SLAVE IO_THREAD");
        sb.exec(latest, "STOP SLAVE SQL_THREAD");
        bigTransaction(primary, 100_000);
        String want = sb.scalar(primary, "SELECT @@gtid_binlog_pos");
        await(() -> want.equals(sb.row(latest, "SHOW SLAVE STATUS").get("Gtid_IO_Pos")));
        long ms = failover(MODE, candidate);
        System.out.println("GTID 100k-row transaction, stopped SQL thread: promote " + ms + " ms");
        converged();
        assertJournal(candidate, "started the SQL thread", "\"source\":\"" + latest + "\"");
    }

    @Test
    @Order(4)
    void deadPrimaryTailIsSalvagedWhenItsServerAnswers() throws Exception {
        String old = primary;
        String candidate = others(primary).get(0);
        String other = others(primary).get(1);
        // async for this scenario: nobody receives the last rows
        sb.exec(old, "SET GLOBAL rpl_semi_sync_master_enabled=OFF");
        for (String n : others(old)) {
            sb.exec(n, "STOP SLAVE IO_THREAD");
        }
        insert(old, 5, 1, 50);
        // the cluster declares the primary failed although mariadbd still answers (e.g. its monitor timed out)
        ok(sb.agent(old, "demote", env(MODE)));
        ok(sb.agent(candidate, "promote", env(MODE, "OCF_RESKEY_salvage_binlog", "true")));
        primary = candidate;
        assertEquals(Long.toString(acknowledged), sb.scalar(candidate, "SELECT COUNT(*) FROM app.t"));
        ok(sb.agent(other, "notify", postPromote(MODE, candidate)));
        ok(sb.agent(old, "start", env(MODE)));
        converged();
        assertJournal(candidate, "\"step\":\"salvage\"", "\"transactions\":5");
    }

    @Test
    @Order(5)
    void deadPrimaryTailIsSalvagedFromItsBinlogFilesWhenItsServerIsGone() throws Exception {
        String old = primary;
        String candidate = others(primary).get(0);
        String other = others(primary).get(1);
        sb.exec(old, "SET GLOBAL rpl_semi_sync_master_enabled=OFF");
        for (String n : others(old)) {
            sb.exec(n, "STOP SLAVE IO_THREAD");
        }
        insert(old, 3, 1, 70);
        kill9(old);
        ok(sb.agent(old, "demote", env(MODE)));
        ok(sb.agent(old, "stop", env(MODE)));
        // the binlog files of the dead server are readable on this host
        ok(sb.agent(candidate, "promote", env(MODE, "OCF_RESKEY_salvage_binlog", "true")));
        primary = candidate;
        assertEquals(Long.toString(acknowledged), sb.scalar(candidate, "SELECT COUNT(*) FROM app.t"));
        ok(sb.agent(other, "notify", postPromote(MODE, candidate)));
        ok(sb.agent(old, "start", env(MODE)));
        converged();
        assertJournal(candidate, "\"source\":\"binlog files\"", "\"transactions\":3");
    }

    static void await(java.util.concurrent.Callable<Boolean> c) {
        org.awaitility.Awaitility.await().atMost(60, java.util.concurrent.TimeUnit.SECONDS).until(c);
    }
}
