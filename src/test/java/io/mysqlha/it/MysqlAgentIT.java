package io.mysqlha.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ocf:mysqlha:mysql against three real mariadbd instances: the idempotency matrix (every action twice gives
 * the same correct answer), a failover, the monitor's repairs, and bad input.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MysqlAgentIT {
    static Sandbox sb;

    @BeforeAll
    static void up() throws Exception {
        sb = Sandbox.forTests("agent", "n1", "n2", "n3");
    }

    @AfterAll
    static void down() {
        if (sb != null) {
            sb.close();
        }
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static void twice(int rc, String node, String action, Map<String, String> extra) {
        for (int i = 1; i <= 2; i++) {
            Sandbox.Run r = sb.agent(node, action, extra);
            assertEquals(rc, r.rc(), action + " #" + i + " on " + node + ": " + r);
        }
    }

    static void twice(int rc, String node, String action) {
        twice(rc, node, action, Map.of());
    }

    /** A node's promotion score as the agent published it, -1 when it has none. */
    static int score(String node) throws java.io.IOException {
        for (String line : sb.clusterFile("promotion-db").split("\n")) {
            if (line.startsWith(node + "=")) {
                return Integer.parseInt(line.substring(node.length() + 1).trim());
            }
        }
        return -1;
    }

    static Map<String, String> postPromote(String promoted) {
        return postPromote(sb, promoted);
    }

    /** The environment of a post-promote notification of promoted, every node of box active. */
    static Map<String, String> postPromote(Sandbox box, String promoted) {
        return env("OCF_RESKEY_CRM_meta_notify_type", "post", "OCF_RESKEY_CRM_meta_notify_operation", "promote",
                "OCF_RESKEY_CRM_meta_notify_promote_uname", promoted + " ",
                "OCF_RESKEY_CRM_meta_notify_active_uname", String.join(" ", box.nodes()));
    }

    @Test
    @Order(1)
    void stoppedInstances() {
        for (String n : sb.nodes()) {
            twice(7, n, "monitor");
            twice(7, n, "monitor", env("OCF_RESKEY_CRM_meta_interval", "0"));
            twice(0, n, "stop");
            twice(0, n, "demote");
        }
    }

    @Test
    @Order(2)
    void metaDataAnswersWithAnEmptyEnvironment() {
        Sandbox.Run r = Sandbox.run(Map.of(), Sandbox.basedir().resolve("ra/mysql").toString(), "meta-data");
        assertEquals(0, r.rc(), r.toString());
    }

    @Test
    @Order(3)
    void badInputGetsTheRightCodeAndNamesTheParameter() throws Exception {
        Sandbox.Run bin = sb.agent("n1", "validate-all", env("OCF_RESKEY_binary", "/nonexistent/mariadbd"));
        assertEquals(5, bin.rc(), bin.toString());
        assertTrue(bin.stderr().contains("ocf-exit-reason:") && bin.stderr().contains("'binary'"), bin.stderr());
        Sandbox.Run port = sb.agent("n1", "start", env("OCF_RESKEY_port", "eighty"));
        assertEquals(6, port.rc(), port.toString());
        assertTrue(port.stderr().contains("'port'"), port.stderr());
        Sandbox.Run lag = sb.agent("n1", "monitor", env("OCF_RESKEY_max_lag", "-5"));
        assertEquals(6, lag.rc());
        Sandbox.Run addr = sb.agent("n1", "validate-all", env("OCF_RESKEY_node_addresses", "n1:10.0.0.1"));
        assertEquals(6, addr.rc());
        assertTrue(addr.stderr().contains("node_addresses"));
        Sandbox.Run dd = sb.agent("n1", "validate-all", env("OCF_RESKEY_datadir", sb.root().resolve("nowhere").toString()));
        assertEquals(6, dd.rc());
        assertTrue(dd.stderr().contains("'datadir'"));
        Sandbox.Run ha = sb.agent("n1", "validate-all", env("OCF_RESKEY_ha_nodes", "n1 n2 ghost"));
        assertEquals(6, ha.rc(), ha.toString());
        assertTrue(ha.stderr().contains("ghost"));
        Sandbox.Run notify = sb.agent("n1", "validate-all", env("OCF_RESKEY_CRM_meta_notify", "false"));
        assertEquals(6, notify.rc());
        assertTrue(notify.stderr().contains("notify=true"));
        Sandbox.Run max = sb.agent("n1", "validate-all", env("OCF_RESKEY_CRM_meta_promoted_max", "2"));
        assertEquals(6, max.rc());

        Path open = sb.root().resolve("open.json");
        Files.copy(sb.credentials(), open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Sandbox.Run tooOpen = sb.agent("n1", "validate-all", env("OCF_RESKEY_credentials_file", open.toString()));
        assertNotEquals(0, tooOpen.rc());
        assertTrue(tooOpen.stderr().contains("too open"), tooOpen.stderr());
        Sandbox.Run missing = sb.agent("n1", "validate-all", env("OCF_RESKEY_credentials_file", "/nonexistent.json"));
        assertEquals(6, missing.rc());
        Path broken = sb.root().resolve("broken.json");
        Files.writeString(broken, "{\"admin\": {\"user\": \"x\", \"password\": \"secret-in-file\"");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rw-------"));
        Sandbox.Run bad = sb.agent("n1", "validate-all", env("OCF_RESKEY_credentials_file", broken.toString()));
        assertEquals(6, bad.rc());
        assertFalse(bad.stderr().contains("secret-in-file"), "a password never reaches a log line");
        twice(3, "n1", "migrate_to");
        // a stop with a broken configuration still succeeds when nothing runs
        twice(0, "n1", "stop", env("OCF_RESKEY_binary", "/nonexistent/mariadbd"));
        // a probe where the software is missing: not running here
        assertEquals(7, sb.agent("n1", "monitor", env("OCF_RESKEY_binary", "/nonexistent/mariadbd",
                "OCF_RESKEY_CRM_meta_interval", "0")).rc());
    }

    @Test
    @Order(10)
    void startLeavesEveryInstanceReadOnlyAndIsIdempotent() throws Exception {
        for (String n : sb.nodes()) {
            twice(0, n, "start");
            assertEquals("1", sb.scalar(n, "SELECT @@read_only"));
            // a replica's IO stop says goodbye to its source within 1 s (MariaDB's default 5: 2 s measured)
            assertEquals("1", sb.scalar(n, "SELECT @@rpl_semi_sync_slave_kill_conn_timeout"));
            twice(0, n, "monitor");
            twice(0, n, "monitor", env("OCF_RESKEY_CRM_meta_interval", "0"));
        }
        twice(0, "n1", "validate-all");
        // a fresh cluster with empty positions still gets candidates: the first primary can be elected
        for (String n : sb.nodes()) {
            assertTrue(score(n) >= 1000, n + ": " + sb.clusterFile("promotion-db"));
        }
    }

    @Test
    @Order(11)
    void demoteOfAnUnpromotedInstanceIsHarmless() {
        twice(0, "n1", "demote");
    }

    @Test
    @Order(20)
    void promoteAndRepointReplicasOnPostPromoteNotify() throws Exception {
        twice(0, "n1", "promote");
        assertEquals("0", sb.scalar("n1", "SELECT @@read_only"));
        twice(8, "n1", "monitor", env("OCF_RESKEY_CRM_meta_interval", "2000"));
        twice(8, "n1", "monitor", env("OCF_RESKEY_CRM_meta_interval", "0"));
        String mi = sb.clusterFile("crm_config");
        assertTrue(mi.contains("node\\=n1;epoch\\=1"), mi);
        assertTrue(Files.readString(sb.node("n1").resolve("state/db/master-info")).startsWith("node=n1;epoch=1;"));
        for (String n : new String[] {"n2", "n3"}) {
            twice(0, n, "notify", postPromote("n1"));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> "2".equals(
                sb.scalar("n1", "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='RPL_SEMI_SYNC_MASTER_CLIENTS'")));
        assertEquals("ON", sb.scalar("n1", "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='RPL_SEMI_SYNC_MASTER_STATUS'"));
        assertEquals("AFTER_SYNC", sb.scalar("n1", "SELECT @@rpl_semi_sync_master_wait_point"));
        sb.exec("n1", "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(64))", "INSERT INTO app.t VALUES (1, 'one')");
        for (String n : new String[] {"n2", "n3"}) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> "1".equals(sb.scalar(n, "SELECT COUNT(*) FROM app.t")));
            twice(0, n, "monitor");
        }
        sb.agent("n1", "monitor", env("OCF_RESKEY_CRM_meta_interval", "0"));
        assertEquals(100_000, score("n1"));
        assertTrue(sb.clusterFile("attr-db-readable").contains("n2=1"), sb.clusterFile("attr-db-readable"));
    }

    @Test
    @Order(21)
    void monitorMakesAStrayWritableReplicaReadOnly() throws Exception {
        sb.exec("n3", "SET GLOBAL read_only=OFF");
        Sandbox.Run r = sb.agent("n3", "monitor");
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.stderr().contains("writable although the cluster does not consider it primary"), r.stderr());
        assertEquals("1", sb.scalar("n3", "SELECT @@read_only"));
        twice(0, "n3", "monitor");
    }

    @Test
    @Order(22)
    void monitorRepointsAReplicaLeftOnTheWrongSource() throws Exception {
        sb.exec("n3", "STOP SLAVE", "CHANGE MASTER TO MASTER_PORT=" + sb.port("n2"), "START SLAVE");
        assertEquals(0, sb.agent("n3", "monitor").rc());
        assertEquals(Integer.toString(sb.port("n1")), sb.row("n3", "SHOW SLAVE STATUS").get("Master_Port"));
        sb.exec("n3", "STOP SLAVE", "RESET SLAVE ALL");
        assertEquals(0, sb.agent("n3", "monitor").rc());
        assertEquals(Integer.toString(sb.port("n1")), sb.row("n3", "SHOW SLAVE STATUS").get("Master_Port"));
        sb.exec("n1", "INSERT INTO app.t VALUES (2, 'two')");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "2".equals(sb.scalar("n3", "SELECT COUNT(*) FROM app.t")));
    }

    @Test
    @Order(23)
    void replicaWithStoppedSqlThreadLosesItsPromotionScore() throws Exception {
        sb.exec("n3", "STOP SLAVE SQL_THREAD");
        assertEquals(0, sb.agent("n3", "monitor").rc());
        assertEquals(-1, score("n3"), sb.clusterFile("promotion-db"));
        assertTrue(sb.clusterFile("attr-db-readable").contains("n3=0"));
        sb.exec("n3", "START SLAVE SQL_THREAD");
        assertEquals(0, sb.agent("n3", "monitor").rc());
        assertTrue(score("n3") >= 1000);
    }

    @Test
    @Order(30)
    void demoteKillsClientSessionsAndIsIdempotent() throws Exception {
        try (var app = java.sql.DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + sb.port("n1")
                + "/app?" + sb.clientTls() + "&allowPublicKeyRetrieval=true", "app", "app-pw")) {
            twice(0, "n1", "demote");
            assertEquals("1", sb.scalar("n1", "SELECT @@read_only"));
            assertFalse(app.isValid(2), "client sessions are killed on demote");
        }
        twice(0, "n1", "monitor");
        twice(0, "n1", "promote");
        assertEquals(8, sb.agent("n1", "monitor").rc());
    }

    @Test
    @Order(40)
    void failoverAfterThePrimaryIsKilled() throws Exception {
        sb.exec("n1", "INSERT INTO app.t VALUES (3, 'three')");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "3".equals(sb.scalar("n2", "SELECT COUNT(*) FROM app.t")));
        long pid = sb.pid("n1");
        Sandbox.sh("kill", "-9", Long.toString(pid));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Sandbox.alive(pid));
        Sandbox.Run crashed = sb.agent("n1", "monitor", env("OCF_RESKEY_CRM_meta_interval", "2000"));
        assertEquals(9, crashed.rc(), crashed.toString());
        // replicas stay candidates although their IO thread cannot reach the dead primary
        Sandbox.Run survivor = sb.agent("n2", "monitor", env("HA_debug", "1"));
        assertEquals(0, survivor.rc());
        assertTrue(score("n2") >= 1000, sb.clusterFile("promotion-db"));
        twice(0, "n1", "demote");
        twice(0, "n1", "stop");
        // n1's node is out of the partition (the cluster fences lost nodes: crm_config sets no stonith-enabled,
        // whose default is on): Pacemaker fenced it before this promote, which does not wait to reach it
        Path members = sb.root().resolve("cluster/members");
        Files.writeString(members, "n2 n3");
        try {
            twice(0, "n2", "promote");
        } finally {
            Files.delete(members);
        }
        assertTrue(Files.readString(sb.root().resolve("agent.log")).contains(
                "promote: not waiting to reach the old primary: n1 is out of this partition"), "the log says why");
        assertEquals(8, sb.agent("n2", "monitor").rc());
        twice(0, "n3", "notify", postPromote("n2"));
        sb.exec("n2", "INSERT INTO app.t VALUES (4, 'four')");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "4".equals(sb.scalar("n3", "SELECT COUNT(*) FROM app.t")));
        assertTrue(sb.clusterFile("crm_config").contains("node\\=n2;epoch\\=3"), "epoch 1: n1, 2: n1 again after the demote test, 3: n2");
        // the old primary restarts read-only and follows the new one
        twice(0, "n1", "start");
        assertEquals("1", sb.scalar("n1", "SELECT @@read_only"));
        await().atMost(30, TimeUnit.SECONDS).until(() -> "4".equals(sb.scalar("n1", "SELECT COUNT(*) FROM app.t")));
        assertEquals(Integer.toString(sb.port("n2")), sb.row("n1", "SHOW SLAVE STATUS").get("Master_Port"));
        String checksum = sb.row("n2", "CHECKSUM TABLE app.t").get("Checksum");
        for (String n : sb.nodes()) {
            assertEquals(checksum, sb.row(n, "CHECKSUM TABLE app.t").get("Checksum"), n);
        }
    }


    @Test
    @Order(41)
    void promotionNeedsQuorumAndAMajorityOfHaNodes() throws Exception {
        Path noQuorum = sb.root().resolve("cluster/no-quorum");
        Files.writeString(noQuorum, "");
        try {
            Sandbox.Run r = sb.agent("n3", "promote");
            assertEquals(1, r.rc(), r.toString());
            assertTrue(r.stderr().contains("no cluster quorum"), r.stderr());
        } finally {
            Files.delete(noQuorum);
        }
        Path members = sb.root().resolve("cluster/members");
        Files.writeString(members, "n3 somewhere-else");
        try {
            Sandbox.Run r = sb.agent("n3", "promote");
            assertEquals(1, r.rc(), r.toString());
            assertTrue(r.stderr().contains("no majority of HA nodes here: 1 of 3"), r.stderr());
        } finally {
            Files.delete(members);
        }
        assertEquals("1", sb.scalar("n3", "SELECT @@read_only"));
        assertEquals(8, sb.agent("n2", "monitor").rc());
    }

    @Test
    @Order(42)
    void aCandidateBehindAReachableReplicaYieldsToIt() throws Exception {
        sb.exec("n3", "STOP SLAVE IO_THREAD");
        sb.exec("n2", "INSERT INTO app.t VALUES (5, 'five')");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "5".equals(sb.scalar("n1", "SELECT COUNT(*) FROM app.t")));
        killAndClear("n2");
        // without log compensation (which would catch n3 up from n1: see GtidCompensationIT), yielding is what
        // keeps the transaction
        Sandbox.Run r = sb.agent("n3", "promote", env("OCF_RESKEY_compensation_mode", "none"));
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.stderr().contains("n1 received") && r.stderr().contains("yielding"), r.stderr());
        assertEquals(10, score("n3"));
        assertEquals("1", sb.scalar("n3", "SELECT @@read_only"), "never opened writes");
        twice(0, "n1", "promote");
        twice(0, "n3", "notify", postPromote("n1"));
        await().atMost(30, TimeUnit.SECONDS).until(() -> "5".equals(sb.scalar("n3", "SELECT COUNT(*) FROM app.t")));
    }

    @Test
    @Order(43)
    void aCrashedStalePrimaryRejoinsWhenItHoldsNothingExtra() throws Exception {
        Sandbox.Run r = sb.agent("n2", "start");
        assertEquals(0, r.rc(), r.toString());
        assertEquals("1", sb.scalar("n2", "SELECT @@read_only"));
        assertTrue(Files.readString(sb.root().resolve("agent.log")).contains("are a subset of n1's, rejoining"));
        sb.exec("n1", "INSERT INTO app.t VALUES (6, 'six')");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "6".equals(sb.scalar("n2", "SELECT COUNT(*) FROM app.t")));
        assertEquals(Integer.toString(sb.port("n1")), sb.row("n2", "SHOW SLAVE STATUS").get("Master_Port"));
    }

    @Test
    @Order(44)
    void anIsolatedOldPrimaryIsFencedByTheNewOneAndRefusedWhenItHoldsAnUnacknowledgedCommit() throws Exception {
        sb.exec("n2", "STOP SLAVE IO_THREAD");
        sb.exec("n3", "STOP SLAVE IO_THREAD");
        String before = sb.scalar("n1", "SELECT @@gtid_binlog_pos");
        java.util.concurrent.CompletableFuture<Void> write = sb.execAsync("n1", "INSERT INTO app.t VALUES (7, 'never acknowledged')");
        // semi-sync with no replica to ACK: the commit is in n1's binlog, and its client waits
        await().atMost(10, TimeUnit.SECONDS).until(() -> !before.equals(sb.scalar("n1", "SELECT @@gtid_binlog_pos")));
        Thread.sleep(300);
        assertFalse(write.isDone(), "the commit must wait for an ACK");
        // n1's cluster stack is gone (it is still running and writable): the cluster promotes n2
        Sandbox.Run promote = sb.agent("n2", "promote");
        assertEquals(0, promote.rc(), promote.toString());
        assertTrue(promote.millis() < 15_000, "promote took " + promote.millis() + " ms");
        assertTrue(assertThrowsCompletion(write), "the client never got an acknowledgement");
        assertEquals("1", sb.scalar("n1", "SELECT @@read_only"), "the new primary fenced the old one");
        twice(0, "n3", "notify", postPromote("n2"));
        // when n1's cluster stack returns: failed promoted instance, demote, stop, start
        assertEquals(9, sb.agent("n1", "monitor", env("OCF_RESKEY_CRM_meta_interval", "2000")).rc());
        twice(0, "n1", "demote");
        twice(0, "n1", "stop");
        Sandbox.Run r = sb.agent("n1", "start");
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.stderr().contains("lacks") && r.stderr().contains("Rebuild this node"), r.stderr());
        assertEquals("1", sb.scalar("n1", "SELECT @@read_only"));
        assertEquals("7", sb.scalar("n1", "SELECT COUNT(*) FROM app.t"), "its data is left as it is");
        assertTrue(sb.row("n1", "SHOW SLAVE STATUS").isEmpty(), "it replicates from nobody");
        twice(0, "n1", "stop");
        // a stop does not make a refused node look clean: the next start checks again
        assertEquals(1, sb.agent("n1", "start").rc());
        twice(0, "n1", "stop");
        assertEquals("6", sb.scalar("n2", "SELECT COUNT(*) FROM app.t"));
    }

    @Test
    @Order(45)
    void aCorruptFenceFileIsReportedAndNeverDeleted() throws Exception {
        Path fence = sb.node("n1").resolve("state/db/master-info");
        Files.writeString(fence, "node=n1;epo");
        Sandbox.Run r = sb.agent("n1", "start");
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.stderr().contains("fence file " + fence) && r.stderr().contains("corrupt"), r.stderr());
        assertEquals("node=n1;epo", Files.readString(fence));
        assertEquals(-1, sb.pid("n1"), "not started");
        // the operator's way out, after checking the node: the fence file is rewritten from the CIB
        Map<String, String> e = sb.env("n1");
        Sandbox.Run rejoin = Sandbox.run(e, "java", "-cp", Sandbox.basedir().resolve("target/mysqlha.jar").toString(),
                "io.mysqlha.cli.Main", "rejoin", "--state-dir", sb.node("n1").resolve("state").toString());
        assertEquals(0, rejoin.rc(), rejoin.toString());
        assertTrue(Files.readString(fence).startsWith("node=n2;epoch=5;"), Files.readString(fence));
        assertEquals("node=n1;epo", Files.readString(fence.resolveSibling("master-info.before-rejoin")));
    }

    @Test
    @Order(46)
    void anErrantTransactionOnAReplicaIsReportedAndNeverPromoted() throws Exception {
        assertEquals(0, sb.agent("n3", "monitor").rc());
        assertTrue(score("n3") >= 1000, sb.clusterFile("promotion-db"));
        sb.exec("n3", "INSERT INTO app.t VALUES (100, 'errant')");
        Sandbox.Run r = sb.agent("n3", "monitor");
        assertEquals(0, r.rc(), r.toString());
        assertEquals(-1, score("n3"));
        assertTrue(sb.clusterFile("attr-db-readable").contains("n3=0"));
        assertTrue(Files.readString(sb.root().resolve("agent.log")).contains("errant transactions"));
    }

    @Test
    @Order(47)
    void anUncleanCrashWithoutCrashSafeSettingsIsRefused() throws Exception {
        long pid = sb.pid("n3");
        Sandbox.sh("kill", "-9", Long.toString(pid));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Sandbox.alive(pid));
        twice(0, "n3", "stop");
        Sandbox.Run r = sb.agent("n3", "start", env("OCF_RESKEY_additional_parameters", "--sync-binlog=0"));
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.stderr().contains("sync_binlog=0"), r.stderr());
        twice(0, "n3", "stop");
    }

    /** kill -9 a node's server, then what Pacemaker does with a failed promoted instance: demote, stop. */
    private static void killAndClear(String n) {
        long pid = sb.pid(n);
        Sandbox.sh("kill", "-9", Long.toString(pid));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Sandbox.alive(pid));
        assertEquals(9, sb.agent(n, "monitor", env("OCF_RESKEY_CRM_meta_interval", "2000")).rc());
        twice(0, n, "demote");
        twice(0, n, "stop");
    }

    private static boolean assertThrowsCompletion(java.util.concurrent.CompletableFuture<Void> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(50)
    void aHungServerNeverHangsTheAgent() throws Exception {
        long pid = sb.pid("n2");
        Sandbox.sh("kill", "-STOP", Long.toString(pid));
        try {
            Sandbox.Run r = sb.agent("n2", "monitor", env("OCF_RESKEY_CRM_meta_timeout", "6000"));
            assertEquals(9, r.rc(), "a hung primary has failed: " + r);
            assertTrue(r.millis() < 6000, "monitor answered within its timeout: " + r.millis() + " ms");
            assertTrue(Files.readString(sb.root().resolve("agent.log")).contains("is stopped (SIGSTOP): it answers nothing"),
                    "a stopped process is seen as such, without waiting for the SQL timeout");
            // demote continues the stopped server (SIGCONT) and makes it read-only at once, rather than when
            // someone thaws it
            Sandbox.Run demote = sb.agent("n2", "demote", env("OCF_RESKEY_CRM_meta_timeout", "20000"));
            assertEquals(0, demote.rc(), demote.toString());
            String log = Files.readString(sb.root().resolve("agent.log"));
            assertTrue(log.contains("is stopped (SIGSTOP); sending SIGCONT to demote it"), "the agent says what it did");
            assertEquals("1", sb.scalar("n2", "SELECT @@read_only"));
            Sandbox.sh("kill", "-STOP", Long.toString(pid));
            // stop continues it too, so that it shuts down cleanly, and escalates to SIGKILL before its timeout
            Sandbox.Run stop = sb.agent("n2", "stop", env("OCF_RESKEY_CRM_meta_timeout", "8000"));
            assertEquals(0, stop.rc(), stop.toString());
            assertTrue(stop.millis() < 8000, "stop took " + stop.millis() + " ms");
            assertTrue(stop.stderr().isEmpty() || !stop.stderr().contains("ocf-exit-reason"), stop.stderr());
            await().atMost(5, TimeUnit.SECONDS).until(() -> !Sandbox.alive(pid));
        } finally {
            // the server may be gone by now (and reaped, when the node service started it)
            Sandbox.sh("sh", "-c", "kill -CONT " + pid + " 2>/dev/null || true");
        }
        twice(7, "n2", "monitor");
    }

    @Test
    @Order(60)
    void everyInstanceStopsTwice() {
        for (String n : sb.nodes()) {
            twice(0, n, "demote");
            twice(0, n, "stop");
            twice(7, n, "monitor");
        }
    }
}
