package io.mysqlha.decide;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.MysqlGtidSet;
import io.mysqlha.model.Order;
import io.mysqlha.model.Position;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Log compensation at promotion, as a pure function of what every reachable server reported: which mode, which
 * replica is the most advanced by <em>received</em> position, from which replicas the new primary must catch up
 * (GTID mode), which replicas need a differential relay log (file/position mode), and what makes the failover
 * impossible. The failover module carries the plan out.
 */
public final class CompensationPlan {
    private CompensationPlan() {
    }

    /** How positions are carried between servers. */
    public enum Mode {
        /** MariaDB GTID lists or MySQL GTID sets: servers catch up from each other by replication. */
        GTID,
        /** Primary binlog coordinates: differential relay logs are built and applied with the client. */
        FILEPOS
    }

    /**
     * What one server reported, after its relay log was drained.
     *
     * @param node              node name
     * @param receivedGtid      GTID position received (Gtid_IO_Pos combined with gtid_current_pos), or null
     * @param appliedGtid       GTID position applied, or null
     * @param received          primary coordinates received (Master_Log_File:Read_Master_Log_Pos), or null
     * @param executed          primary coordinates executed (Relay_Master_Log_File:Exec_Master_Log_Pos), or null
     * @param canServe          log_bin and log_slave_updates on: its binlog holds what it replicated
     * @param sqlError          its SQL thread stopped on an error (what it received is not applied)
     */
    public record Facts(String node, Position receivedGtid, Position appliedGtid, BinlogCoordinates received,
                        BinlogCoordinates executed, boolean canServe, boolean sqlError) {
    }

    /**
     * The plan.
     *
     * @param mode           the mode
     * @param latest         the most advanced node by received position (the target itself when none is ahead)
     * @param catchUpSources GTID mode: nodes the target replicates from, in order, until it holds what they hold
     * @param diffTargets    file/position mode: nodes behind the latest one, to receive a differential relay log
     *                       (the target first when it is one of them)
     * @param refusals       reasons the failover cannot keep every received transaction; empty when it can
     */
    public record Plan(Mode mode, String latest, List<String> catchUpSources, List<String> diffTargets,
                       List<String> refusals) {
        public boolean refused() {
            return !refusals.isEmpty();
        }
    }

    /**
     * Picks the mode: the {@code compensation_mode} parameter ({@code auto}, {@code gtid}, {@code filepos}); auto
     * follows the target's replication (GTID positioned, or coordinates), and GTID when it replicates from nobody
     * but has a GTID position.
     */
    public static Mode mode(String param, boolean targetGtidPositioned, boolean targetIsReplica, boolean gtidAvailable) {
        String p = param == null ? "auto" : param.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "gtid" -> Mode.GTID;
            case "filepos", "file", "position" -> Mode.FILEPOS;
            default -> targetIsReplica ? (targetGtidPositioned ? Mode.GTID : Mode.FILEPOS)
                    : gtidAvailable ? Mode.GTID : Mode.FILEPOS;
        };
    }

    /**
     * Whether the dead primary's binlog tail is salvaged: {@code salvage_binlog} true/false, or auto: on only
     * without semi-sync. With semi-sync that never degrades, the tail holds only transactions no client was told
     * committed; applying them is allowed but not needed.
     */
    public static boolean salvage(String param, boolean semisync) {
        String p = param == null ? "auto" : param.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> !semisync;
        };
    }

    /** Plans compensation for {@code target} given the other reachable replicas (the old primary excluded). */
    public static Plan plan(Mode mode, Facts target, List<Facts> peers) {
        return mode == Mode.GTID ? gtid(target, peers) : filePos(target, peers);
    }

    private static Plan gtid(Facts target, List<Facts> peers) {
        List<String> refusals = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Position have = target.appliedGtid() != null ? target.appliedGtid() : target.receivedGtid();
        List<Facts> pending = new ArrayList<>();
        for (Facts p : peers) {
            if (p.receivedGtid() != null && !covers(have, p.receivedGtid())) {
                pending.add(p);
            }
        }
        String latest = target.node();
        // Several domains can leave no single replica ahead of all others: take the one that is most ahead,
        // then whoever still holds something the target lacks, until nothing is missing.
        while (!pending.isEmpty()) {
            Facts best = pending.get(0);
            for (Facts p : pending) {
                if (distance(p.receivedGtid(), have) > distance(best.receivedGtid(), have)) {
                    best = p;
                }
            }
            if (sources.isEmpty()) {
                latest = best.node();
            }
            pending.remove(best);
            if (!best.canServe()) {
                refusals.add(best.node() + " received transactions this node lacks (" + best.receivedGtid().text()
                        + " against " + text(have) + ") but cannot serve them: log_bin and log_slave_updates are "
                        + "needed, relay logs are never served to other replicas");
                continue;
            }
            if (best.sqlError()) {
                refusals.add(best.node() + " received transactions this node lacks but its SQL thread stopped on "
                        + "an error, so its binlog does not hold them");
                continue;
            }
            sources.add(best.node());
            have = union(have, best.receivedGtid());
            Position now = have;
            pending.removeIf(p -> covers(now, p.receivedGtid()));
        }
        return new Plan(Mode.GTID, latest, List.copyOf(sources), List.of(), List.copyOf(refusals));
    }

    private static Plan filePos(Facts target, List<Facts> peers) {
        List<String> refusals = new ArrayList<>();
        Facts latest = target;
        List<Facts> all = new ArrayList<>();
        all.add(target);
        all.addAll(peers);
        for (Facts f : all) {
            if (f.received() == null) {
                continue;
            }
            if (latest.received() == null) {
                latest = f;
                continue;
            }
            if (!f.received().baseName().equals(latest.received().baseName())) {
                refusals.add(f.node() + " replicates from binlog " + f.received().file() + ", not "
                        + latest.received().file() + ": not the same primary");
                continue;
            }
            if (f.received().compareTo(latest.received()) > 0) {
                latest = f;
            }
        }
        if (latest.received() == null) {
            refusals.add("no replica reported primary coordinates (Master_Log_File / Read_Master_Log_Pos)");
            return new Plan(Mode.FILEPOS, target.node(), List.of(), List.of(), List.copyOf(refusals));
        }
        List<String> targets = new ArrayList<>();
        for (Facts f : all) {
            BinlogCoordinates at = f.executed() != null ? f.executed() : f.received();
            if (at == null || !at.baseName().equals(latest.received().baseName())) {
                continue;
            }
            if (at.compareTo(latest.received()) < 0
                    || (f.received() != null && f.received().compareTo(latest.received()) < 0)) {
                if (f.node().equals(latest.node())) {
                    // the latest replica's own unapplied relay log: its SQL thread applies it (drain)
                    continue;
                }
                targets.add(f.node());
            }
        }
        return new Plan(Mode.FILEPOS, latest.node(), List.of(), List.copyOf(targets), List.copyOf(refusals));
    }

    /** Whether {@code have} holds every transaction of {@code want} (an empty {@code want} is always held). */
    public static boolean covers(Position have, Position want) {
        if (want == null || want.isEmpty()) {
            return true;
        }
        if (have == null) {
            return false;
        }
        Order o = have.compareTo(want);
        return o == Order.EQUAL || o == Order.AHEAD;
    }

    /** How many transactions {@code p} holds that {@code have} lacks (an estimate for MySQL sets). */
    static long distance(Position p, Position have) {
        if (p instanceof MariaGtidPos m) {
            return m.distanceAhead(have instanceof MariaGtidPos h ? h : MariaGtidPos.EMPTY);
        }
        if (p instanceof MysqlGtidSet s) {
            long mine = have instanceof MysqlGtidSet h ? h.count() : 0;
            return Math.max(0, s.count() - mine) + (covers(have, p) ? 0 : 1);
        }
        return 0;
    }

    /** The union of two GTID positions of one kind. */
    public static Position union(Position a, Position b) {
        if (a == null || a.isEmpty()) {
            return b;
        }
        if (b == null || b.isEmpty()) {
            return a;
        }
        if (a instanceof MariaGtidPos x && b instanceof MariaGtidPos y) {
            return x.max(y);
        }
        if (a instanceof MysqlGtidSet x && b instanceof MysqlGtidSet y) {
            return MysqlGtidSet.parse(x.text() + "," + y.text());
        }
        return a;
    }

    private static String text(Position p) {
        return p == null ? "(none)" : Optional.of(p.text()).filter(s -> !s.isEmpty()).orElse("(empty)");
    }
}
