package io.mysqlha.status;

import io.mysqlha.status.StatusReport.NodeView;
import io.mysqlha.status.StatusReport.ReplicationView;
import io.mysqlha.status.StatusReport.SemiSyncView;
import io.mysqlha.status.StatusReport.ServerView;
import io.mysqlha.status.StatusReport.VipView;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** {@code mysqlha status} for a person: one table row per node, then the details; no line over {@link #WIDTH}. */
public final class StatusText {
    public static final int WIDTH = 100;
    private static final String ROW = "%-8s %-10s %-10s %-20s %4s %-8s %-11s %6s %-4s %4s";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private StatusText() {}

    public static List<String> render(StatusReport r) {
        List<String> out = new ArrayList<>();
        wrap(out, "", "cluster: seen from " + nz(r.fromNode()) + " at " + TIME.format(Instant.ofEpochMilli(r.takenAtMs()))
                + ", quorum " + (r.quorum() == null ? "unknown" : r.quorum() ? "yes" : "NO") + ", resource "
                + r.resource() + (r.cloneId() == null ? "" : " (clone " + r.cloneId() + ")") + ", gathered in "
                + r.elapsedMs() + " ms");
        if (r.clusterError() != null) {
            wrap(out, "", "pacemaker: unavailable: " + r.clusterError());
        }
        if (r.quorumDevice() != null) {
            wrap(out, "", "quorum device: " + (r.quorumDevice().voting() ? "its vote is cast for this partition"
                    : "casts NO vote for this partition (its arbitrator is lost, or it chose the other side): while it "
                    + "does, half of the HA nodes cannot promote; a lost primary is not replaced until it votes again"));
        }
        wrap(out, "", "master-info (CIB): " + (r.masterInfo() == null ? "none (no primary was ever promoted)"
                : r.masterInfo().node() == null ? "unreadable: " + r.masterInfo().raw()
                : r.masterInfo().node() + ", epoch " + r.masterInfo().epoch() + ", promoted "
                + TIME.format(Instant.ofEpochMilli(r.masterInfo().timeMs())) + " at " + r.masterInfo().position()));
        List<String> vips = new ArrayList<>();
        for (VipView v : r.vips()) {
            vips.add(v.id() + " " + v.ip() + " on " + (v.holders().isEmpty() ? "NONE" : String.join(",", v.holders())));
        }
        if (!vips.isEmpty()) {
            wrap(out, "", "VIPs: " + String.join("; ", vips));
        }
        out.add("");
        out.add(String.format(ROW, "NODE", "PACEMAKER", "SERVER", "APPLIED", "LAG", "IO/SQL", "SEMI-SYNC", "SCORE",
                "POOL", "FAIL"));
        for (NodeView n : r.nodes()) {
            ServerView s = n.server();
            int fails = n.failCounts().values().stream().mapToInt(Integer::intValue).sum();
            out.add(cut(String.format(ROW, cut(n.name(), 8), cut(n.online() ? n.role() : "offline", 10),
                    s == null ? "UNREACHABLE" : s.readOnly() ? "read-only" : "WRITABLE",
                    s == null ? "-" : cut(s.applied(), 20), s == null ? "-" : lag(s.replication()),
                    s == null || s.replication() == null ? "-" : threads(s.replication()),
                    s == null ? "-" : semi(s.semiSync()),
                    n.promotionScore() == null ? "-" : cut(Integer.toString(n.promotionScore()), 6),
                    n.inReadPool() ? "yes" : "no", Integer.toString(fails)), WIDTH));
        }
        for (NodeView n : r.nodes()) {
            out.add("");
            ServerView s = n.server();
            if (s == null) {
                wrap(out, "  ", n.name() + " (" + n.address() + "): UNREACHABLE: " + nz(n.unreachable()));
            } else {
                wrap(out, "  ", n.name() + " (" + n.address() + "): " + s.version() + ", server_id " + s.serverId()
                        + ", answered in " + s.queryMs() + " ms");
                wrap(out, "    ", "  applied:     " + (s.applied().isEmpty() ? "(empty)" : s.applied()));
                wrap(out, "    ", "  received:    " + (s.received().isEmpty() ? "(empty)" : s.received()));
                ReplicationView rv = s.replication();
                if (rv == null) {
                    out.add("  replication: not configured");
                } else {
                    wrap(out, "    ", "  replication: from " + rv.source() + ", IO " + rv.ioThread() + ", SQL "
                            + (rv.sqlThread() ? "yes" : "no") + ", lag " + (rv.lagS() == null ? "NULL" : rv.lagS() + " s")
                            + ", gtid " + rv.usingGtid());
                    if (rv.lastIoErrno() != 0) {
                        wrap(out, "    ", "  IO error:    " + rv.lastIoErrno() + ": " + rv.lastIoError());
                    }
                    if (rv.lastSqlErrno() != 0) {
                        wrap(out, "    ", "  SQL error:   " + rv.lastSqlErrno() + ": " + rv.lastSqlError());
                    }
                }
                SemiSyncView ss = s.semiSync();
                wrap(out, "    ", "  semi-sync:   " + ss.mode() + ("primary".equals(ss.mode()) ? (ss.active() ? ", active"
                        : ", NOT ACTIVE") + ", " + ss.clients() + " ACKing" + (ss.acking().isEmpty() ? ""
                        : " (" + String.join(", ", ss.acking()) + ")") + ", " + ss.waitSessions() + " waiting, "
                        + ss.yesTx() + " ACKed tx, " + ss.noTx() + " unACKed tx" : "")
                        + (ss.problem() == null ? "" : "; " + ss.problem()));
            }
            wrap(out, "    ", "  pacemaker:   " + (n.online() ? "online" : "OFFLINE") + ", " + n.role() + ", score "
                    + (n.promotionScore() == null ? "none" : n.promotionScore()) + ", readable "
                    + (n.readable() == null ? "unset" : n.readable() ? "yes" : "no") + ", lag attribute "
                    + (n.lagAttr() == null ? "unset" : n.lagAttr()) + (n.failCounts().isEmpty() ? ""
                    : ", fail counts " + n.failCounts()));
            for (String f : n.failedActions()) {
                wrap(out, "    ", "  failed:      " + f);
            }
            if (n.local() != null) {
                wrap(out, "    ", "  fence file:  " + nz(n.local().fenceFile()));
                wrap(out, "    ", "  lifecycle:   " + nz(n.local().lifecycle()));
                wrap(out, "    ", "  hold:        " + (n.local().hold() == null ? "none" : n.local().hold()
                        + "; release: mysqlha rejoin --clear-hold") + " (unclean ends: " + n.local().crashes() + ")");
            }
        }
        return out;
    }

    private static String lag(ReplicationView r) {
        if (r == null) {
            return "-";
        }
        return r.lagS() == null ? "NULL" : cut(Long.toString(r.lagS()), 4);
    }

    private static String threads(ReplicationView r) {
        String io = switch (r.ioThread()) {
            case "yes" -> "yes";
            case "connecting" -> "conn";
            default -> "no";
        };
        String t = io + "/" + (r.sqlThread() ? "yes" : "no");
        return r.lastIoErrno() != 0 || r.lastSqlErrno() != 0 ? t + "!" : t;
    }

    private static String semi(SemiSyncView s) {
        return switch (s.mode()) {
            case "primary" -> (s.active() ? "primary " : "PRIMARY-OFF ") + s.clients();
            case "unavailable" -> "n/a";
            default -> s.mode();
        };
    }

    private static String nz(String s) {
        return s == null ? "(none)" : s;
    }

    static String cut(String s, int w) {
        return s.length() <= w ? s : s.substring(0, w - 1) + "~";
    }

    /** Appends {@code text} broken at spaces (or hard) into lines of at most WIDTH, continuations indented. */
    static void wrap(List<String> out, String indent, String text) {
        String line = text;
        boolean first = true;
        while (true) {
            String prefix = first ? "" : indent;
            int room = WIDTH - prefix.length();
            if (line.length() <= room) {
                out.add(prefix + line);
                return;
            }
            int cutAt = line.lastIndexOf(' ', room);
            if (cutAt <= room / 2) {
                cutAt = room;
            }
            out.add(prefix + line.substring(0, cutAt).stripTrailing());
            line = line.substring(cutAt).stripLeading();
            first = false;
        }
    }

}
