package io.mysqlha.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mysqlha.status.StatusReport.LocalView;
import io.mysqlha.status.StatusReport.NodeView;
import io.mysqlha.status.StatusReport.ReplicationView;
import io.mysqlha.status.StatusReport.SemiSyncView;
import io.mysqlha.status.StatusReport.ServerView;
import io.mysqlha.status.StatusReport.VipView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status JSON (README "mysqlha status --json" documents each field). Keys are written explicitly, in a
 * fixed order, so that renaming a Java field never changes the schema; every key is always present (null when
 * unknown).
 */
public final class StatusJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusJson() {}

    public static String render(StatusReport r) {
        try {
            return MAPPER.writeValueAsString(tree(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> tree(StatusReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", r.schemaVersion());
        m.put("taken_at_ms", r.takenAtMs());
        m.put("elapsed_ms", r.elapsedMs());
        m.put("from_node", r.fromNode());
        m.put("resource", r.resource());
        m.put("clone", r.cloneId());
        m.put("quorum", r.quorum());
        m.put("cluster_error", r.clusterError());
        m.put("quorum_device_votes", r.quorumDevice() == null ? null : r.quorumDevice().votesHere());
        Map<String, Object> mi = null;
        if (r.masterInfo() != null) {
            mi = new LinkedHashMap<>();
            mi.put("node", r.masterInfo().node());
            mi.put("epoch", r.masterInfo().node() == null ? null : r.masterInfo().epoch());
            mi.put("position", r.masterInfo().position());
            mi.put("time_ms", r.masterInfo().node() == null ? null : r.masterInfo().timeMs());
            mi.put("raw", r.masterInfo().raw());
        }
        m.put("master_info", mi);
        List<Object> nodes = new ArrayList<>();
        for (NodeView n : r.nodes()) {
            nodes.add(node(n));
        }
        m.put("nodes", nodes);
        List<Object> vips = new ArrayList<>();
        for (VipView v : r.vips()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", v.id());
            x.put("ip", v.ip());
            x.put("agent", v.agent());
            x.put("holders", v.holders());
            vips.add(x);
        }
        m.put("vips", vips);
        return m;
    }

    private static Map<String, Object> node(NodeView n) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("name", n.name());
        x.put("address", n.address());
        x.put("reachable", n.server() != null);
        x.put("unreachable_reason", n.unreachable());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("online", n.online());
        p.put("role", n.role());
        p.put("promotion_score", n.promotionScore());
        p.put("readable", n.readable());
        p.put("in_read_pool", n.inReadPool());
        p.put("lag_attribute_s", n.lagAttr());
        p.put("fail_counts", n.failCounts());
        p.put("failed_actions", n.failedActions());
        x.put("pacemaker", p);
        x.put("server", server(n.server()));
        Map<String, Object> l = null;
        LocalView lv = n.local();
        if (lv != null) {
            l = new LinkedHashMap<>();
            l.put("fence_file", lv.fenceFile());
            l.put("fence_epoch", lv.fenceEpoch());
            l.put("lifecycle", lv.lifecycle());
            l.put("hold", lv.hold());
            l.put("unclean_ends", lv.crashes());
        }
        x.put("local", l);
        return x;
    }

    private static Map<String, Object> server(ServerView s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("version", s.version());
        x.put("server_id", s.serverId());
        x.put("read_only", s.readOnly());
        x.put("applied", s.applied());
        x.put("received", s.received());
        x.put("applied_seq", s.appliedSeq());
        x.put("received_seq", s.receivedSeq());
        ReplicationView r = s.replication();
        Map<String, Object> rep = null;
        if (r != null) {
            rep = new LinkedHashMap<>();
            rep.put("source", r.source());
            rep.put("io_thread", r.ioThread());
            rep.put("sql_thread", r.sqlThread());
            rep.put("lag_s", r.lagS());
            rep.put("last_io_errno", r.lastIoErrno());
            rep.put("last_io_error", r.lastIoError());
            rep.put("last_sql_errno", r.lastSqlErrno());
            rep.put("last_sql_error", r.lastSqlError());
            rep.put("using_gtid", r.usingGtid());
        }
        x.put("replication", rep);
        SemiSyncView ss = s.semiSync();
        Map<String, Object> semi = new LinkedHashMap<>();
        semi.put("mode", ss.mode());
        semi.put("active", ss.active());
        semi.put("clients", ss.clients());
        semi.put("wait_sessions", ss.waitSessions());
        semi.put("yes_tx", ss.yesTx());
        semi.put("no_tx", ss.noTx());
        semi.put("acking", ss.acking());
        semi.put("problem", ss.problem());
        x.put("semi_sync", semi);
        x.put("query_ms", s.queryMs());
        return x;
    }
}
