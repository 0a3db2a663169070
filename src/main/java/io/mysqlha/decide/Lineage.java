package io.mysqlha.decide;

import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.MysqlGtidSet;
import io.mysqlha.model.Position;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether one server's transactions are a subset of another's (a stale or crashed node may rejoin only
 * then), and errant transactions on a replica. Pure.
 */
public final class Lineage {
    private Lineage() {}

    /**
     * The transactions of this server that the primary lacks, described; empty when this server is a subset.
     *
     * <p>MariaDB: with gtid_strict_mode, sequence numbers grow within a domain and each server's own
     * transactions grow too, so this server's last GTID d-s-n is in the primary's history exactly when the
     * primary's {@code gtid_binlog_state} holds d-s-m with m &gt;= n. (Comparing seq_no alone would accept a
     * transaction the old primary wrote but never replicated, followed by the new primary's own.)
     * MySQL: set inclusion of gtid_executed.
     *
     * @param mine          this server's applied position (gtid_current_pos / gtid_executed)
     * @param primaryState  the primary's gtid_binlog_state (MariaDB, every domain-server pair) or gtid_executed
     */
    public static List<String> notInPrimary(Position mine, String primaryState) {
        List<String> missing = new ArrayList<>();
        if (mine instanceof MariaGtidPos m) {
            Map<String, Long> last = new java.util.HashMap<>();
            for (String part : primaryState.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                MariaGtidPos.Gtid g = MariaGtidPos.Gtid.parse(part);
                last.merge(g.domain() + "-" + g.server(), g.seq(), Math::max);
            }
            for (MariaGtidPos.Gtid g : m.byDomain().values()) {
                Long have = last.get(g.domain() + "-" + g.server());
                if (have == null || have < g.seq()) {
                    missing.add(g + (have == null ? " (the primary has no transaction of server " + g.server()
                            + " in domain " + g.domain() + ")" : " (the primary has that server's transactions up to "
                            + g.domain() + "-" + g.server() + "-" + have + ")"));
                }
            }
        } else if (mine instanceof MysqlGtidSet s) {
            MysqlGtidSet p = MysqlGtidSet.parse(primaryState);
            if (!p.containsAll(s)) {
                missing.add("gtid_executed " + s.text() + " is not contained in the primary's " + p.text());
            }
        } else {
            missing.add("no GTID position: file/position servers cannot be checked automatically");
        }
        return missing;
    }

    /**
     * Errant transactions on a MariaDB replica: a domain whose last binlogged GTID carries this server's own
     * server_id beyond what replication applied. The agent keeps gtid_slave_pos covering a former
     * primary's own transactions when it repoints it, so legitimate history never looks errant.
     */
    public static List<String> errant(InstanceState s) {
        List<String> out = new ArrayList<>();
        if (!(s.binlogPos() instanceof MariaGtidPos bin) || !(s.slavePos() instanceof MariaGtidPos slave)
                || !s.replica().configured()) {
            return out;
        }
        for (MariaGtidPos.Gtid g : bin.byDomain().values()) {
            if (g.server() == s.serverId() && g.seq() > slave.seq(g.domain())) {
                out.add(g.toString());
            }
        }
        return out;
    }
}
