package io.mysqlha.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mysqlha.status.StatusReport.LocalView;
import io.mysqlha.status.StatusReport.MasterInfoView;
import io.mysqlha.status.StatusReport.NodeView;
import io.mysqlha.status.StatusReport.ReplicationView;
import io.mysqlha.status.StatusReport.SemiSyncView;
import io.mysqlha.status.StatusReport.ServerView;
import io.mysqlha.status.StatusReport.VipView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status text (100 columns), its JSON schema, and the metrics exposition, from reports built by hand. */
class StatusRenderingTest {
    static final String LONG = "x".repeat(300);

    static StatusReport report() {
        return report(null);
    }

    static StatusReport report(StatusReport.QuorumDeviceView device) {
        ServerView primary = new ServerView("10.11.19-MariaDB-log", 2, false, "0-2-1234,1-2-77", "0-2-1234,1-2-77",
                Map.of("0", 1234L, "1", 77L), Map.of("0", 1234L, "1", 77L), null,
                new SemiSyncView("primary", true, 1, 3, 1000, 2, List.of("node1"), null), 12);
        ServerView replica = new ServerView("10.11.19-MariaDB-log", 1, true, "0-2-1200", "0-2-1234",
                Map.of("0", 1200L), Map.of("0", 1234L),
                new ReplicationView("10.250.11.12:3306", "yes", false, 42L, 0, null, 1062,
                        "Duplicate entry '" + LONG + "' for key 'PRIMARY'", "Slave_Pos"),
                new SemiSyncView("replica", false, 0, 0, 0, 0, List.of(), null), 9);
        return new StatusReport(StatusReport.SCHEMA_VERSION, 1_700_000_000_000L, 321, "node1", "mysql", "db", true, null,
                new MasterInfoView("node2", 7, "0-2-1000", 1_700_000_000_000L, "node=node2;epoch=7;pos=0-2-1000;time=1"),
                List.of(new NodeView("node1-with-a-very-long-name", "10.250.11.11:3306", true, "unpromoted", 1000, true, 42L,
                                Map.of("mysql", 2), List.of("mysql_monitor_3000 error: " + LONG), replica, null,
                                new LocalView("node=node2;epoch=7;pos=;time=1", 7L, "refused: " + LONG, "flapping", 4)),
                        new NodeView("node2", "10.250.11.12:3306", true, "promoted", 100000, false, -1L, Map.of(),
                                List.of(), primary, null, null),
                        new NodeView("node3", "10.250.11.13:3306", false, "stopped", null, null, null, Map.of(),
                                List.of(), null, "no answer within 3000 ms", null)),
                List.of(new VipView("writer-vip", "10.250.11.50", "ocf:mysqlha:vip", List.of("node2"))), device);
    }

    static final JournalSummary JOURNAL = new JournalSummary(1, "node2@1", 1_000, 1_500, Map.of("compensate", 900L));

    /** corosync-quorumtool -s as a node of the two-node lab printed it: arbitrator up, then lost. */
    static final String QUORUMTOOL = "Quorum information\n------------------\nQuorate:          Yes\n\n"
            + "Votequorum information\n----------------------\nExpected votes:   3\nTotal votes:      %d\n"
            + "Flags:            Quorate Qdevice \n\nMembership information\n----------------------\n"
            + "    Nodeid      Votes    Qdevice Name\n         1          1    A,V,NMW node1 (local)\n"
            + "         2          1    A,V,NMW node2\n%s";

    @Test
    void quorumDeviceVoteShownWhenOneIsConfigured() throws Exception {
        StatusReport.QuorumDeviceView up = ClusterStatus.quorumDevice(new io.mysqlha.port.CommandRunner.Result(0,
                String.format(QUORUMTOOL, 3, "         0          1            Qdevice\n"), "", false));
        StatusReport.QuorumDeviceView lost = ClusterStatus.quorumDevice(new io.mysqlha.port.CommandRunner.Result(0,
                String.format(QUORUMTOOL, 2, "         0          0            Qdevice (votes 1)\n"), "", false));
        assertEquals(new StatusReport.QuorumDeviceView(1), up);
        assertEquals(new StatusReport.QuorumDeviceView(0), lost);
        assertNull(ClusterStatus.quorumDevice(new io.mysqlha.port.CommandRunner.Result(0, "Quorum information\n"
                + "Quorate:          Yes\nFlags:            Quorate \n    Nodeid      Votes Name\n", "", false)),
                "no device configured: nothing to show");
        assertNull(ClusterStatus.quorumDevice(new io.mysqlha.port.CommandRunner.Result(1, "", "", true)));

        String none = String.join("\n", StatusText.render(report()));
        assertFalse(none.contains("quorum device"), none);
        List<String> lines = StatusText.render(report(lost));
        String text = String.join(" ", lines).replaceAll("\\s+", " ");
        assertTrue(text.contains("quorum device: casts NO vote"), text);
        assertTrue(text.contains("a lost primary is not replaced until it votes again"), text);
        lines.forEach(l -> assertTrue(l.length() <= 100, l));
        assertTrue(String.join("\n", StatusText.render(report(up))).contains("quorum device: its vote is cast"));
        assertEquals(0, new ObjectMapper().readTree(StatusJson.render(report(lost))).get("quorum_device_votes").asInt(-1));
        assertTrue(new ObjectMapper().readTree(StatusJson.render(report())).get("quorum_device_votes").isNull());
        String metrics = Metrics.render(report(lost), JOURNAL, List.of());
        assertTrue(metrics.contains("mysqlha_quorum_device_votes 0"), metrics);
        assertFalse(Metrics.render(report(), JOURNAL, List.of()).contains("mysqlha_quorum_device_votes"));
    }

    @Test
    void textFitsOneHundredColumnsAndSaysWhatMatters() {
        List<String> lines = StatusText.render(report());
        for (String l : lines) {
            assertTrue(l.length() <= 100, l.length() + ": " + l);
        }
        String all = String.join("\n", lines);
        assertTrue(all.contains("NODE     PACEMAKER  SERVER"), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("node3 ") && l.contains("offline") && l.contains("UNREACHABLE")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("node2 ") && l.contains("WRITABLE") && l.contains("primary 1")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("node1-w~") && l.contains("yes/no!")), all);
        assertTrue(all.contains("no answer within 3000 ms"));
        assertTrue(all.contains("SQL error:   1062"));
        assertTrue(all.contains("1 ACKing (node1)"));
        assertTrue(all.contains("writer-vip 10.250.11.50 on node2"));
        assertTrue(all.contains("epoch 7"));
        assertTrue(all.contains("hold:        flapping"));
        // a long error is wrapped, not cut: every x is there
        assertEquals(LONG.length() * 3L, all.chars().filter(c -> c == 'x').count() - countX(lines));
    }

    private static long countX(List<String> lines) {
        // the table row of node1 holds none of the long texts; "x" appears only in them
        return lines.stream().filter(l -> !l.contains(LONG.substring(0, 10)) && l.contains("x")).mapToLong(
                l -> l.chars().filter(c -> c == 'x').count()).sum();
    }

    @Test
    void jsonHasTheDocumentedKeysInOrder() throws Exception {
        JsonNode j = new ObjectMapper().readTree(StatusJson.render(report()));
        assertEquals(List.of("schema_version", "taken_at_ms", "elapsed_ms", "from_node", "resource", "clone", "quorum",
                "cluster_error", "quorum_device_votes", "master_info", "nodes", "vips"), keys(j));
        assertEquals(1, j.get("schema_version").asInt());
        JsonNode n1 = j.get("nodes").get(0);
        assertEquals(List.of("name", "address", "reachable", "unreachable_reason", "pacemaker", "server", "local"), keys(n1));
        assertEquals(List.of("online", "role", "promotion_score", "readable", "in_read_pool", "lag_attribute_s",
                "fail_counts", "failed_actions"), keys(n1.get("pacemaker")));
        assertEquals(List.of("version", "server_id", "read_only", "applied", "received", "applied_seq", "received_seq",
                "replication", "semi_sync", "query_ms"), keys(n1.get("server")));
        assertEquals(List.of("source", "io_thread", "sql_thread", "lag_s", "last_io_errno", "last_io_error",
                "last_sql_errno", "last_sql_error", "using_gtid"), keys(n1.get("server").get("replication")));
        assertEquals(List.of("mode", "active", "clients", "wait_sessions", "yes_tx", "no_tx", "acking", "problem"),
                keys(n1.get("server").get("semi_sync")));
        assertEquals(List.of("fence_file", "fence_epoch", "lifecycle", "hold", "unclean_ends"), keys(n1.get("local")));
        assertEquals(1234, j.get("nodes").get(1).get("server").get("applied_seq").get("0").asLong());
        JsonNode n3 = j.get("nodes").get(2);
        assertFalse(n3.get("reachable").asBoolean());
        assertTrue(n3.get("server").isNull());
        assertTrue(n3.get("local").isNull());
        assertTrue(n3.get("pacemaker").get("promotion_score").isNull());
        assertEquals("node2", j.get("vips").get(0).get("holders").get(0).asText());
        assertEquals(7, j.get("master_info").get("epoch").asInt());
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        for (Iterator<String> i = n.fieldNames(); i.hasNext(); ) {
            k.add(i.next());
        }
        return k;
    }

    @Test
    void metricsAreGroupedByFamilyAndEscaped() {
        ActionStats a = new ActionStats();
        a.record("mysql", "monitor", 30_000_000L, 0);
        a.record("mysql", "monitor", 3_000_000_000L, 1);
        String text = Metrics.render(report(), new JournalSummary(2, "node2@1", 1_000, 1_500, Map.of("compensate", 900L)),
                a.snapshot());
        assertTrue(text.contains("mysqlha_node_applied_seq{node=\"node2\",domain=\"1\"} 77\n"), text);
        assertTrue(text.contains("mysqlha_node_promoted{node=\"node2\"} 1\n"));
        assertTrue(text.contains("mysqlha_node_reachable{node=\"node3\"} 0\n"));
        assertTrue(text.contains("mysqlha_failovers_total{node=\"node1\"} 2\n"));
        assertTrue(text.contains("mysqlha_last_failover_step_seconds{node=\"node1\",step=\"compensate\"} 0.9\n"));
        assertTrue(text.contains("mysqlha_action_duration_seconds_bucket{node=\"node1\",resource=\"mysql\",action=\"monitor\","
                + "le=\"0.05\"} 1\n"), text);
        assertTrue(text.contains("le=\"5\"} 2\n"));
        assertTrue(text.contains("mysqlha_action_duration_seconds_count{node=\"node1\",resource=\"mysql\",action=\"monitor\"} 2"));
        assertTrue(text.contains("mysqlha_action_last_exit_code{node=\"node1\",resource=\"mysql\",action=\"monitor\"} 1"));
        // each family once, its samples right after its TYPE line
        List<String> types = text.lines().filter(l -> l.startsWith("# TYPE ")).toList();
        assertEquals(types.size(), types.stream().distinct().count());
        String family = null;
        for (String l : text.lines().toList()) {
            if (l.startsWith("# TYPE ")) {
                family = l.split(" ")[2];
            } else if (!l.startsWith("#")) {
                assertTrue(family != null && l.startsWith(family), l + " outside its family " + family);
            }
        }
        assertFalse(text.toLowerCase().contains("password"));
        assertEquals("a\\\"b\\\\c\\n", Metrics.escape("a\"b\\c\n"));
    }

    @Test
    void journalSummaryCountsFailoversAndTimesTheLast() {
        JournalSummary j = JournalSummary.parse(List.of(
                "{\"ts\":1000,\"failover\":\"node1@1\",\"step\":\"plan\",\"node\":\"node1\",\"ms\":5}",
                "{\"ts\":5000,\"failover\":\"node2@5\",\"step\":\"drain\",\"node\":\"node3\",\"ms\":100}",
                "{\"ts\":5100,\"failover\":\"node2@5\",\"step\":\"drain\",\"node\":\"node1\",\"ms\":50}",
                "{\"ts\":5000,\"failover\":\"node2@5\",\"step\":\"compensate\",\"node\":\"node2\",\"ms\":400}",
                "{\"ts\":51", ""));
        assertEquals(2, j.failovers());
        assertEquals("node2@5", j.lastId());
        assertEquals(5000, j.lastStartMs());
        assertEquals(400, j.lastSpanMs());
        assertEquals(Map.of("drain", 150L, "compensate", 400L), j.lastSteps());
        assertEquals(JournalSummary.NONE, JournalSummary.parse(List.of()));
    }
}
