package io.mysqlha.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Old primaries whose binlog holds a commit no replica received (with semi-sync: never acknowledged).
 * <ol>
 * <li>Already read-only when the new one is promoted (its demote ran, its stop failed: a full disk, a hung
 * shutdown): the commit must not hold the election up, so the candidate promotes instead of yielding to it; the
 * commit is in its engine, so the old primary is later refused as holding what the new one lacks.</li>
 * <li>Killed while the commit waited for its ACK: the commit is only prepared in the engine, and the restart
 * in the replica role rolls it back and cuts it from the binlog, so the old primary rejoins without a rebuild.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemotedOldPrimaryIT {
    static Sandbox sb;

    @BeforeAll
    static void up() throws Exception {
        sb = Sandbox.forTests("demoted", "n1", "n2", "n3");
    }

    @AfterAll
    static void down() {
        if (sb != null) {
            sb.close();
        }
    }

    static void ok(String node, String action, Map<String, String> extra) {
        Sandbox.Run r = sb.agent(node, action, extra);
        assertEquals(0, r.rc(), action + " on " + node + ": " + r);
    }

    @Test
    @Order(1)
    void aDemotedOldPrimaryWithAnUnacknowledgedCommitDoesNotHoldTheElectionUp() throws Exception {
        for (String n : sb.nodes()) {
            assertEquals(7, sb.agent(n, "monitor").rc(), "probe of " + n); // the probes make the nodes known
        }
        for (String n : sb.nodes()) {
            ok(n, "start", Map.of());
        }
        ok("n1", "promote", Map.of());
        Map<String, String> post = MysqlAgentIT.postPromote(sb, "n1");
        ok("n2", "notify", post);
        ok("n3", "notify", post);
        sb.exec("n1", "CREATE TABLE app.t (id INT PRIMARY KEY)", "INSERT INTO app.t VALUES (1)");
        for (String n : new String[] {"n2", "n3"}) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> "1".equals(sb.scalar(n, "SELECT COUNT(*) FROM app.t")));
        }

        // the replicas stop receiving; a commit reaches n1's binlog and waits for an ACK that never comes
        sb.exec("n2", "STOP SLAVE IO_THREAD");
        sb.exec("n3", "STOP SLAVE IO_THREAD");
        String before = sb.scalar("n1", "SELECT @@gtid_binlog_pos");
        CompletableFuture<Void> write = sb.execAsync("n1", "INSERT INTO app.t VALUES (2)");
        await().atMost(10, TimeUnit.SECONDS).until(() -> !before.equals(sb.scalar("n1", "SELECT @@gtid_binlog_pos")));
        assertFalse(write.isDone(), "the commit must wait for an ACK");

        // Pacemaker demotes n1 (its stop then fails and the node is lost): n1 is read-only, still answering
        ok("n1", "demote", Map.of());
        assertEquals("1", sb.scalar("n1", "SELECT @@read_only"));
        ExecutionException never = assertThrows(ExecutionException.class, () -> write.get(30, TimeUnit.SECONDS));
        assertTrue(never.getCause() instanceof SQLException, "the client never got an acknowledgement: " + never);

        Sandbox.Run promote = sb.agent("n2", "promote");
        assertEquals(0, promote.rc(), "n2 must not yield to the demoted old primary: " + promote);
        assertEquals("0", sb.scalar("n2", "SELECT @@read_only"));
        String log = Files.readString(sb.root().resolve("agent.log"));
        assertTrue(log.contains("n1, the old primary by master-info, is left out of the election"), log);
        assertNotEquals(sb.scalar("n1", "SELECT @@gtid_binlog_pos"), sb.scalar("n2", "SELECT @@gtid_binlog_pos"));
        ok("n3", "notify", MysqlAgentIT.postPromote(sb, "n2"));
        sb.exec("n2", "INSERT INTO app.t VALUES (3)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "2".equals(sb.scalar("n3", "SELECT COUNT(*) FROM app.t")));

        // n1 holds the commit nobody acknowledged: its monitor fails (a replica that replicates nothing must not
        // look healthy in crm_mon), and it is refused until an operator rebuilds it
        Sandbox.Run monitor = sb.agent("n1", "monitor");
        assertEquals(1, monitor.rc(), monitor.toString());
        assertTrue(monitor.stderr().contains("this node has transactions it lacks")
                && monitor.stderr().contains("Rebuild this node"), monitor.stderr());
        ok("n1", "stop", Map.of());
        Sandbox.Run start = sb.agent("n1", "start");
        assertEquals(1, start.rc(), start.toString());
        assertTrue(start.stderr().contains("Rebuild this node"), start.stderr());
        ok("n1", "stop", Map.of());
    }

    @Test
    @Order(2)
    void aKilledPrimaryWhoseLastCommitWaitedForAnAckRejoinsWithoutARebuild() throws Exception {
        // after the first test: n2 primary, n3 its replica, n1 refused and stopped
        sb.exec("n3", "STOP SLAVE IO_THREAD");
        String before = sb.scalar("n2", "SELECT @@gtid_binlog_pos");
        CompletableFuture<Void> write = sb.execAsync("n2", "INSERT INTO app.t VALUES (4)");
        await().atMost(10, TimeUnit.SECONDS).until(() -> !before.equals(sb.scalar("n2", "SELECT @@gtid_binlog_pos")));
        assertFalse(write.isDone(), "the commit must wait for an ACK");
        long pid = sb.pid("n2");
        Sandbox.sh("kill", "-9", Long.toString(pid));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Sandbox.alive(pid));
        assertThrows(ExecutionException.class, () -> write.get(30, TimeUnit.SECONDS), "never acknowledged");

        // what Pacemaker does: the failed primary is demoted and stopped, n3 promoted and written to
        assertEquals(9, sb.agent("n2", "monitor", Map.of("OCF_RESKEY_CRM_meta_interval", "2000")).rc());
        ok("n2", "demote", Map.of());
        ok("n2", "stop", Map.of());
        ok("n3", "promote", Map.of());
        // no replica runs to ACK it yet (semi-sync never degrades to async): it waits for n2
        CompletableFuture<Void> next = sb.execAsync("n3", "INSERT INTO app.t VALUES (5)");

        // n2 comes back: crash recovery in the replica role cut the commit nobody acknowledged
        Sandbox.Run start = sb.agent("n2", "start");
        assertEquals(0, start.rc(), "rejoins without a rebuild: " + start);
        next.get(30, TimeUnit.SECONDS);
        String log = Files.readString(sb.root().resolve("agent.log"));
        assertTrue(log.contains("the server ended uncleanly; its transactions are a subset of n3's, rejoining"), log);
        await().atMost(30, TimeUnit.SECONDS).until(() -> "3".equals(sb.scalar("n2", "SELECT COUNT(*) FROM app.t")));
        assertEquals("0", sb.scalar("n2", "SELECT COUNT(*) FROM app.t WHERE id = 4"), "the unacknowledged row is gone");
        assertEquals(sb.row("n3", "CHECKSUM TABLE app.t").get("Checksum"), sb.row("n2", "CHECKSUM TABLE app.t").get("Checksum"));
        assertEquals(Integer.toString(sb.port("n3")), sb.row("n2", "SHOW SLAVE STATUS").get("Master_Port"));
    }
}
