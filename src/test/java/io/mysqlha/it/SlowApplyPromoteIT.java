package io.mysqlha.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Actions whose SQL takes long on a healthy server. A promote while the candidate's SQL thread is still
 * applying an acknowledged transaction that takes longer than a few seconds (one long statement, a big
 * transaction): the executed position does not move
 * while it applies, which is not the same as an incomplete transaction at the end of the relay log. The
 * promote must wait for it (within promote_drain_s) and keep it, never stop replication under it: a stopped
 * SQL thread rolls the transaction back and the reset that follows deletes the relay log that held it.
 */
class SlowApplyPromoteIT {
    static final int APPLY_S = 14;
    Sandbox sb;

    @BeforeEach
    void up() throws Exception {
        sb = Sandbox.forTests("slowapply", "n1", "n2", "n3");
        for (String n : sb.nodes()) {
            assertEquals(7, sb.agent(n, "monitor").rc());
        }
        for (String n : sb.nodes()) {
            assertEquals(0, sb.agent(n, "start").rc());
        }
        assertEquals(0, sb.agent("n1", "promote").rc());
        for (String n : new String[] {"n2", "n3"}) {
            assertEquals(0, sb.agent(n, "notify", MysqlAgentIT.postPromote(sb, "n1")).rc());
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> "2".equals(sb.scalar("n1",
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='RPL_SEMI_SYNC_MASTER_CLIENTS'")));
        sb.exec("n1", "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(64))", "INSERT INTO app.t VALUES (1, 'one')");
        for (String n : new String[] {"n2", "n3"}) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> "1".equals(sb.scalar(n, "SELECT COUNT(*) FROM app.t")));
        }
    }

    @AfterEach
    void down() {
        if (sb != null) {
            sb.close();
        }
    }

    /**
     * A statement logged as a statement takes APPLY_S seconds on the primary and again on each replica: its
     * commit is acknowledged once a replica has received it, long before any replica has applied it.
     */
    private void slowAcknowledgedCommit() throws Exception {
        sb.exec("n1", "SET SESSION binlog_format=STATEMENT",
                "INSERT INTO app.t SELECT 2, IF(SLEEP(" + APPLY_S + ") = 0, 'slow', 'interrupted')");
        await().atMost(10, TimeUnit.SECONDS).until(() -> "1".equals(sb.scalar("n2",
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER='system user' AND INFO LIKE 'INSERT INTO app.t SELECT 2%'")));
    }

    private void killPrimary() throws Exception {
        long pid = sb.pid("n1");
        Sandbox.sh("kill", "-9", Long.toString(pid));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Sandbox.alive(pid));
        assertEquals(9, sb.agent("n1", "monitor", MysqlAgentIT.env("OCF_RESKEY_CRM_meta_interval", "2000")).rc());
        assertEquals(0, sb.agent("n1", "demote").rc());
        assertEquals(0, sb.agent("n1", "stop").rc());
    }

    /** n1 killed, n2 promoted with the slow transaction on it, n3 following it. */
    private void failOverToN2() throws Exception {
        killPrimary();
        Sandbox.Run r = sb.agent("n2", "promote", Map.of("OCF_RESKEY_CRM_meta_timeout", "90000"));
        assertEquals(0, r.rc(), r.toString());
        assertEquals("slow", sb.scalar("n2", "SELECT v FROM app.t WHERE id = 2"), "the acknowledged row on the new primary");
        assertEquals(0, sb.agent("n3", "notify", MysqlAgentIT.postPromote(sb, "n2")).rc());
    }

    @Test
    void theOnlyReplicaThatReceivedItKeepsItWhenPromoted() throws Exception {
        // n3 receives nothing more: n2 alone holds the transaction, in its relay log, while it applies it
        sb.exec("n3", "STOP SLAVE IO_THREAD");
        slowAcknowledgedCommit();
        failOverToN2();
        await().atMost(60, TimeUnit.SECONDS).until(() -> "2".equals(sb.scalar("n3", "SELECT COUNT(*) FROM app.t")));
    }

    @Test
    void everyReplicaStillApplyingIt() throws Exception {
        slowAcknowledgedCommit();
        failOverToN2();
        sb.exec("n2", "INSERT INTO app.t VALUES (3, 'after')");
        await().atMost(60, TimeUnit.SECONDS).until(() -> "3".equals(sb.scalar("n3", "SELECT COUNT(*) FROM app.t")));
        String sum = sb.row("n2", "CHECKSUM TABLE app.t").get("Checksum");
        assertEquals(sum, sb.row("n3", "CHECKSUM TABLE app.t").get("Checksum"));
        assertTrue(sb.row("n3", "SHOW SLAVE STATUS").get("Last_SQL_Error").isEmpty());
    }

    /**
     * A start whose SQL takes longer than one connect attempt's 5 s (here read_only waits for a running
     * write; on a loaded node the state, the repoint and TLS do) has the rest of the action's time.
     */
    @Test
    void aStartThatWaitsForReadOnlyHasTheActionsTime() throws Exception {
        sb.exec("n3", "SET GLOBAL read_only=OFF");
        var writer = sb.execAsync("n3", "INSERT INTO app.t SELECT 90, IF(SLEEP(9) = 0, 'stray', 'interrupted')");
        await().atMost(10, TimeUnit.SECONDS).until(() -> "1".equals(sb.scalar("n3",
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO app.t SELECT 90%'")));
        Sandbox.Run r = sb.agent("n3", "start", Map.of("OCF_RESKEY_CRM_meta_timeout", "30000"));
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.millis() > 5_000, "the start waited for read_only: " + r.millis() + " ms");
        assertEquals("1", sb.scalar("n3", "SELECT @@read_only"));
        writer.get(30, TimeUnit.SECONDS);
    }
}
