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

    static void await(java.util.concurrent.Callable<Boolean> c) {
        org.awaitility.Awaitility.await().atMost(60, java.util.concurrent.TimeUnit.SECONDS).until(c);
    }
}
