package io.mysqlha.it;

import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log compensation scenarios on three real mariadbd, shared by the GTID and file/position tests. Each scenario
 * skews the replicas (IO or SQL thread stopped on chosen ones), kills the primary with SIGKILL, promotes a
 * chosen candidate through {@code ra/mysql}, repoints the others with post-promote notifications, restarts the
 * old primary, and checks: every acknowledged row is on every node, and CHECKSUM TABLE agrees everywhere.
 */
abstract class CompensationScenarios {
    static Sandbox sb;
    /** Rows acknowledged to the client (committed on the primary), by the test's own count. */
    static long acknowledged;
    static String primary;
    static final Random RANDOM = new Random(42);

    /** Set by a TLS variant before it calls the scenarios' set-up: the servers then require TLS. */
    static boolean withTls;

    static void up(String name, String mode, String... extraCnf) throws Exception {
        sb = Sandbox.forTests(name + (withTls ? "-tls" : ""), "n1", "n2", "n3");
        if (withTls) {
            sb.withTls();
        }
        for (String n : sb.nodes()) {
            // a probe registers the node with the standalone cluster (ha_nodes are checked against it)
            sb.agent(n, "monitor", env(mode, "OCF_RESKEY_CRM_meta_interval", "0"));
        }
        for (String n : sb.nodes()) {
            if (extraCnf.length > 0) {
                Files.writeString(sb.node(n).resolve("my.cnf"), String.join("\n", extraCnf) + "\n",
                        StandardOpenOption.APPEND);
            }
            ok(sb.agent(n, "start", env(mode)));
        }
        ok(sb.agent("n1", "promote", env(mode)));
        primary = "n1";
        acknowledged = 0;
    }

    @AfterAll
    static void down() {
        if (sb != null) {
            sb.close();
        }
    }

    static Map<String, String> env(String mode, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("OCF_RESKEY_compensation_mode", mode);
        m.put("OCF_RESKEY_CRM_meta_timeout", "120000");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Sandbox.Run ok(Sandbox.Run r) {
        assertEquals(0, r.rc(), r.toString());
        return r;
    }

    static List<String> others(String... not) {
        List<String> l = new ArrayList<>(sb.nodes());
        l.removeAll(List.of(not));
        return l;
    }

    static Map<String, String> postPromote(String mode, String promoted) {
        return env(mode, "OCF_RESKEY_CRM_meta_notify_type", "post", "OCF_RESKEY_CRM_meta_notify_operation", "promote",
                "OCF_RESKEY_CRM_meta_notify_promote_uname", promoted + " ",
                "OCF_RESKEY_CRM_meta_notify_active_uname", String.join(" ", sb.nodes()));
    }

    static void createTable() throws Exception {
        sb.exec(primary, "CREATE TABLE app.t (id BIGINT PRIMARY KEY, k INT NOT NULL, v VARCHAR(200), b LONGBLOB)");
    }

    /** Inserts {@code rows} rows in transactions of {@code perTx} rows, with binary BLOBs; counts them acknowledged. */
    static void insert(String node, int rows, int perTx, int blobBytes) throws Exception {
        long base = acknowledged;
        try (Connection c = sb.sql(node)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO app.t VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    long id = base + i + 1;
                    ps.setLong(1, id);
                    ps.setInt(2, RANDOM.nextInt());
                    // row text that looks like statements mariadb-binlog and the client must not act on
                    ps.setString(3, i % 7 == 0 ? "ROLLBACK" : i % 11 == 0 ? "COMMIT; ROLLBACK;\n-- ' \" \\" : "row " + id);
                    byte[] blob = new byte[blobBytes];
                    RANDOM.nextBytes(blob);
                    if (blobBytes > 8) {
                        blob[0] = 0;
                        blob[1] = '\'';
                        blob[2] = '\n';
                        blob[3] = (byte) 0xFE;
                    }
                    ps.setBytes(4, blobBytes == 0 ? null : blob);
                    ps.addBatch();
                    if ((i + 1) % perTx == 0 || i == rows - 1) {
                        try {
                            ps.executeBatch();
                            c.commit();
                        } catch (java.sql.SQLException e) {
                            // the commit's outcome is unknown: the rows up to the last commit are all we count
                            throw new AssertionError("insert of rows up to " + id + " on " + node + " failed: "
                                    + e.getMessage() + replication(), e);
                        }
                        acknowledged = id;
                    }
                }
            }
        }
    }

    /** One transaction inserting {@code rows} rows server-side. */
    static void bigTransaction(String node, int rows) throws Exception {
        long base = acknowledged;
        sb.exec(node, "INSERT INTO app.t (id, k, v, b) SELECT " + base + " + seq, seq % 1000, CONCAT('big ', seq), "
                + "IF(seq % 100 = 0, UNHEX('00FF27225C0A'), NULL) FROM app.seq_1_to_" + rows);
        acknowledged = base + rows;
    }

    static void waitFor(String node, long rows) throws Exception {
        try {
            await().atMost(60, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).ignoreExceptions()
                    .until(() -> Long.toString(rows).equals(sb.scalar(node, "SELECT COUNT(*) FROM app.t")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder b = new StringBuilder(node + " never reached " + rows + " rows;");
            for (String n : sb.nodes()) {
                try {
                    b.append("\n").append(n).append(": rows=").append(sb.scalar(n, "SELECT COUNT(*) FROM app.t"))
                            .append(" gtid=").append(sb.scalar(n, "SELECT @@gtid_current_pos"))
                            .append(" slave=").append(sb.row(n, "SHOW SLAVE STATUS"));
                } catch (Exception x) {
                    b.append("\n").append(n).append(": ").append(x.getMessage());
                }
            }
            b.append("\njournal ").append(node).append(": ").append(journal(node));
            throw new AssertionError(b.toString(), e);
        }
    }

    static void kill9(String node) {
        long pid = sb.pid(node);
        Sandbox.sh("kill", "-9", Long.toString(pid));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !Sandbox.alive(pid));
    }

    /**
     * Kills the primary, promotes {@code candidate}, repoints the remaining replica, restarts the old primary;
     * returns the promote's duration in ms.
     */
    static long failover(String mode, String candidate, String... promoteEnv) throws Exception {
        String old = primary;
        kill9(old);
        ok(sb.agent(old, "demote", env(mode)));
        ok(sb.agent(old, "stop", env(mode)));
        Sandbox.Run promote = ok(sb.agent(candidate, "promote", env(mode, promoteEnv)));
        primary = candidate;
        for (String n : others(candidate, old)) {
            ok(sb.agent(n, "notify", postPromote(mode, candidate)));
        }
        ok(sb.agent(old, "start", env(mode)));
        return promote.millis();
    }

    /** The replicas of a scenario: the candidate to promote, and the one that received the most. */
    record Skew(String candidate, String latest) {
    }

    /** The first replica of the primary is made the candidate and stops receiving; the second keeps up. */
    static Skew candidateBehind() throws Exception {
        Skew k = new Skew(others(primary).get(0), others(primary).get(1));
        sb.exec(k.candidate(), "STOP SLAVE IO_THREAD");
        semiSyncClients(1);
        return k;
    }

    /**
     * Waits until the primary counts exactly {@code n} semi-sync replicas: the one whose IO thread just
     * stopped is gone from its count, the other still ACKs, so the next commit has exactly one source of its
     * ACK. A primary left with none fails here, with every node's replication state, instead of hanging a
     * commit until the client's timeout.
     */
    static void semiSyncClients(int n) throws Exception {
        try {
            await().atMost(30, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).ignoreExceptions()
                    .until(() -> Integer.toString(n).equals(sb.row(primary,
                            "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'").get("Value")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(primary + " never counted " + n + " semi-sync replica(s);" + replication(), e);
        }
    }

    /** Every node's semi-sync status, replication state and sessions: what a stuck commit waits for. */
    static String replication() {
        StringBuilder b = new StringBuilder();
        for (String n : sb.nodes()) {
            try {
                b.append("\n").append(n).append(": semi-sync=")
                        .append(sb.rows(n, "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync%'"))
                        .append(" slave=").append(sb.row(n, "SHOW SLAVE STATUS"))
                        .append(" sessions=").append(sb.rows(n, "SELECT ID, USER, COMMAND, STATE, TIME, INFO "
                                + "FROM information_schema.PROCESSLIST"));
            } catch (Exception x) {
                b.append("\n").append(n).append(": ").append(x.getMessage());
            }
        }
        return b.toString();
    }

    /**
     * 2000 rows in 30 transactions across a binlog rotation of the primary, received by one replica only;
     * the other is promoted and converges. Returns who was who.
     */
    static Skew candidateBehindBy2000RowsAcrossARotation(String mode) throws Exception {
        Skew k = candidateBehind();
        insert(primary, 1000, 50, 300);
        sb.exec(primary, "FLUSH BINARY LOGS");
        insert(primary, 1000, 100, 300);
        waitFor(k.latest(), acknowledged);
        long ms = failover(mode, k.candidate());
        System.out.println(mode.toUpperCase(java.util.Locale.ROOT) + " 2000 rows, candidate behind, rotation: promote "
                + ms + " ms");
        converged();
        return k;
    }

    /**
     * Asynchronous replication for once: the primary commits 5 rows nobody receives, and the cluster demotes
     * it although its server still answers (e.g. its monitor timed out). The candidate is promoted with
     * salvage_binlog=true and must hold all 5; the old primary rejoins. Returns the promoted node.
     */
    static String tailSalvagedWhileTheOldServerAnswers(String mode) throws Exception {
        Tail t = unreceivedTail(5);
        ok(sb.agent(t.old(), "demote", env(mode)));
        return promoteWithSalvage(mode, t);
    }

    /** The old primary, the candidate to promote and the other replica of a salvage scenario. */
    record Tail(String old, String candidate, String other) {
    }

    /** Asynchronous replication for once: the primary commits {@code rows} one-row transactions nobody receives. */
    static Tail unreceivedTail(int rows) throws Exception {
        Tail t = new Tail(primary, others(primary).get(0), others(primary).get(1));
        sb.exec(t.old(), "SET GLOBAL rpl_semi_sync_master_enabled=OFF");
        for (String n : others(t.old())) {
            sb.exec(n, "STOP SLAVE IO_THREAD");
        }
        insert(t.old(), rows, 1, 50);
        return t;
    }

    /**
     * Promotes the candidate with salvage_binlog=true (it must then hold every row), repoints the other
     * replica, starts the old primary again and waits for convergence. Returns the promoted node.
     */
    static String promoteWithSalvage(String mode, Tail t) throws Exception {
        ok(sb.agent(t.candidate(), "promote", env(mode, "OCF_RESKEY_salvage_binlog", "true")));
        primary = t.candidate();
        assertEquals(Long.toString(acknowledged), sb.scalar(t.candidate(), "SELECT COUNT(*) FROM app.t"));
        ok(sb.agent(t.other(), "notify", postPromote(mode, t.candidate())));
        ok(sb.agent(t.old(), "start", env(mode)));
        converged();
        return t.candidate();
    }

    /** Every acknowledged row on every node, identical data everywhere, replication healthy. */
    static void converged() throws Exception {
        for (String n : sb.nodes()) {
            waitFor(n, acknowledged);
        }
        String want = sb.row(primary, "CHECKSUM TABLE app.t").get("Checksum");
        assertEquals(Long.toString(acknowledged), sb.scalar(primary, "SELECT MAX(id) FROM app.t"));
        for (String n : sb.nodes()) {
            assertEquals(want, sb.row(n, "CHECKSUM TABLE app.t").get("Checksum"), "checksum on " + n);
            if (!n.equals(primary)) {
                Map<String, String> st = sb.row(n, "SHOW SLAVE STATUS");
                assertEquals("Yes", st.get("Slave_SQL_Running"), n + ": " + st);
                assertEquals(Integer.toString(sb.port(primary)), st.get("Master_Port"), n);
            }
        }
    }

    static String journal(String node) throws Exception {
        Path j = sb.node(node).resolve("state/db/journal.jsonl");
        return Files.exists(j) ? Files.readString(j) : "";
    }

    static void assertJournal(String node, String... contains) throws Exception {
        String j = journal(node);
        for (String c : contains) {
            assertTrue(j.contains(c), node + " journal lacks " + c + ":\n" + j);
        }
    }
}
