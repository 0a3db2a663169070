package io.mysqlha.status;

import io.mysqlha.status.StatusReport.NodeView;
import io.mysqlha.status.StatusReport.ServerView;
import io.mysqlha.status.StatusReport.VipView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Prometheus text exposition format (version 0.0.4) of a {@link StatusReport}, this node's failover
 * journal and the node service's action timings. Only figures and names: no credential, no query text.
 */
public final class Metrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder b = new StringBuilder();
    private final Map<String, List<String>> families = new LinkedHashMap<>();
    private final Map<String, String[]> heads = new LinkedHashMap<>();

    private Metrics() {}

    public static String render(StatusReport r, JournalSummary j, List<ActionStats.Series> actions) {
        Metrics m = new Metrics();
        String self = r.fromNode() == null ? "" : r.fromNode();
        m.gauge("mysqlha_status_gather_seconds", "Time the last cluster status gathering took", r.elapsedMs() / 1000.0);
        m.gauge("mysqlha_cluster_up", "1 when Pacemaker answered the last gathering", r.clusterError() == null ? 1 : 0);
        if (r.quorum() != null) {
            m.gauge("mysqlha_cluster_quorum", "1 when this partition has quorum", r.quorum() ? 1 : 0);
        }
        if (r.quorumDevice() != null) {
            m.gauge("mysqlha_quorum_device_votes", "Votes the quorum device casts for this partition (0: arbitrator lost "
                    + "or another side chosen)", r.quorumDevice().votesHere());
        }
        if (r.masterInfo() != null && r.masterInfo().node() != null) {
            m.gauge("mysqlha_master_info_epoch", "The CIB master-info epoch (grows by one at every promotion)",
                    r.masterInfo().epoch());
        }
        for (NodeView n : r.nodes()) {
            String[] node = {"node", n.name()};
            m.gauge("mysqlha_node_online", "1 when Pacemaker counts the node online", n.online() ? 1 : 0, node);
            m.gauge("mysqlha_node_reachable", "1 when the node's server answered within the bound",
                    n.server() != null ? 1 : 0, node);
            m.gauge("mysqlha_node_promoted", "1 on the node Pacemaker runs the promoted instance on",
                    "promoted".equals(n.role()) ? 1 : 0, node);
            m.gauge("mysqlha_node_role", "Pacemaker's role of the mysql instance (the role label), always 1", 1,
                    "node", n.name(), "role", n.role());
            if (n.promotionScore() != null) {
                m.gauge("mysqlha_node_promotion_score", "The node's promotion score (master-RESOURCE)",
                        n.promotionScore(), node);
            }
            if (n.readable() != null) {
                m.gauge("mysqlha_node_readable", "The RESOURCE-readable attribute the agent publishes",
                        n.readable() ? 1 : 0, node);
            }
            m.gauge("mysqlha_read_pool_member", "1 when the node is in the read pool (readable, online, running)",
                    n.inReadPool() ? 1 : 0, node);
            n.failCounts().forEach((rsc, c) -> m.gauge("mysqlha_node_fail_count", "Pacemaker's fail count",
                    c, "node", n.name(), "resource", rsc));
            ServerView s = n.server();
            if (s == null) {
                continue;
            }
            m.gauge("mysqlha_node_read_only", "The server's own @@read_only", s.readOnly() ? 1 : 0, node);
            s.appliedSeq().forEach((dom, seq) -> m.gauge("mysqlha_node_applied_seq",
                    "Applied GTID sequence number per domain (MySQL: per source UUID)", seq, "node", n.name(), "domain", dom));
            s.receivedSeq().forEach((dom, seq) -> m.gauge("mysqlha_node_received_seq",
                    "Received GTID sequence number per domain (MySQL: per source UUID)", seq, "node", n.name(), "domain", dom));
            if (s.replication() != null) {
                if (s.replication().lagS() != null) {
                    m.gauge("mysqlha_node_lag_seconds", "Seconds_Behind_Master", s.replication().lagS(), node);
                }
                m.gauge("mysqlha_node_io_thread_running", "1 when the replica IO thread runs",
                        "yes".equals(s.replication().ioThread()) ? 1 : 0, node);
                m.gauge("mysqlha_node_sql_thread_running", "1 when the replica SQL thread runs",
                        s.replication().sqlThread() ? 1 : 0, node);
                m.gauge("mysqlha_node_replication_error", "1 when the replica shows a last IO or SQL error",
                        s.replication().lastIoErrno() != 0 || s.replication().lastSqlErrno() != 0 ? 1 : 0, node);
            }
            if ("primary".equals(s.semiSync().mode())) {
                m.gauge("mysqlha_node_semisync_active", "Rpl_semi_sync_master_status on a primary",
                        s.semiSync().active() ? 1 : 0, node);
                m.gauge("mysqlha_node_semisync_clients", "Replicas sending semi-sync ACKs", s.semiSync().clients(), node);
                m.gauge("mysqlha_node_semisync_wait_sessions", "Sessions waiting for a semi-sync ACK now",
                        s.semiSync().waitSessions(), node);
                m.counter("mysqlha_node_semisync_yes_tx_total", "Transactions ACKed by a replica", s.semiSync().yesTx(), node);
                m.counter("mysqlha_node_semisync_no_tx_total", "Transactions committed without an ACK",
                        s.semiSync().noTx(), node);
            }
        }
        for (VipView v : r.vips()) {
            for (String h : v.holders()) {
                m.gauge("mysqlha_vip_holder", "1 for each node a VIP runs on", 1, "vip", v.id(), "ip", v.ip(), "node", h);
            }
            m.gauge("mysqlha_vip_holders", "Number of nodes a VIP runs on", v.holders().size(), "vip", v.id());
        }
        String[] me = {"node", self};
        m.counter("mysqlha_failovers_total", "Failovers (promote attempts, one id each) this node's journal records", j.failovers(), me);
        if (j.lastId() != null) {
            m.gauge("mysqlha_last_failover_timestamp_seconds", "When the last journaled failover began",
                    j.lastStartMs() / 1000.0, me);
            m.gauge("mysqlha_last_failover_duration_seconds", "Span of the last journaled failover's steps",
                    j.lastSpanMs() / 1000.0, me);
            j.lastSteps().forEach((step, ms) -> m.gauge("mysqlha_last_failover_step_seconds",
                    "Duration of the last journaled failover's steps, by step", ms / 1000.0, "node", self, "step", step));
        }
        for (ActionStats.Series a : actions) {
            String[] l = {"node", self, "resource", a.resource(), "action", a.action()};
            m.histogram("mysqlha_action_duration_seconds", "Duration of the agent actions the node service ran", a, l);
            m.gauge("mysqlha_action_last_duration_seconds", "Duration of the last action of its kind", a.lastS(), l);
            m.gauge("mysqlha_action_last_exit_code", "OCF exit code of the last action of its kind", a.lastExit(), l);
        }
        return m.text();
    }

    private void gauge(String name, String help, double v, String... labels) {
        sample(name, "gauge", help, name, v, labels);
    }

    private void counter(String name, String help, double v, String... labels) {
        sample(name, "counter", help, name, v, labels);
    }

    private void histogram(String name, String help, ActionStats.Series a, String[] labels) {
        for (int i = 0; i < a.cumulative().length; i++) {
            String le = i < ActionStats.BUCKETS.length ? num(ActionStats.BUCKETS[i]) : "+Inf";
            String[] l = java.util.Arrays.copyOf(labels, labels.length + 2);
            l[labels.length] = "le";
            l[labels.length + 1] = le;
            sample(name, "histogram", help, name + "_bucket", a.cumulative()[i], l);
        }
        sample(name, "histogram", help, name + "_sum", a.sumS(), labels);
        sample(name, "histogram", help, name + "_count", a.count(), labels);
    }

    private void sample(String family, String type, String help, String name, double v, String[] labels) {
        heads.putIfAbsent(family, new String[]{type, help});
        StringBuilder s = new StringBuilder(name);
        if (labels.length > 0) {
            s.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    s.append(',');
                }
                s.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            s.append('}');
        }
        s.append(' ').append(num(v));
        families.computeIfAbsent(family, k -> new ArrayList<>()).add(s.toString());
    }

    private String text() {
        // every family's samples together, after its HELP and TYPE, as the format requires
        families.forEach((f, lines) -> {
            String[] h = heads.get(f);
            b.append("# HELP ").append(f).append(' ').append(h[1].replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            b.append("# TYPE ").append(f).append(' ').append(h[0]).append('\n');
            lines.forEach(l -> b.append(l).append('\n'));
        });
        return b.toString();
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
