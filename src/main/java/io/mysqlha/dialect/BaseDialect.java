package io.mysqlha.dialect;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.Position;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.ServerVersion;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the dialects share: replica-status parsing by column aliases, semi-sync name normalisation. */
abstract class BaseDialect implements Dialect {
    protected final ServerVersion version;

    BaseDialect(ServerVersion version) {
        this.version = version;
    }

    @Override
    public ServerVersion version() {
        return version;
    }

    /** The first present column among the aliases (old and new spellings), or "". */
    static String col(Map<String, String> row, String... names) {
        for (String n : names) {
            String v = row.get(n);
            if (v != null) {
                return v;
            }
        }
        return "";
    }

    static long num(String s, long dflt) {
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static boolean on(String s) {
        if (s == null) {
            return false;
        }
        String t = s.trim().toUpperCase(Locale.ROOT);
        return t.equals("ON") || t.equals("1") || t.equals("YES") || t.equals("TRUE");
    }

    @Override
    public ReplicaStatus parseReplicaStatus(Map<String, String> row) {
        if (row == null || row.isEmpty()) {
            return ReplicaStatus.NONE;
        }
        String host = col(row, "Master_Host", "Source_Host");
        String io = col(row, "Slave_IO_Running", "Replica_IO_Running").trim();
        ReplicaStatus.IoState ioState = switch (io.toLowerCase(Locale.ROOT)) {
            case "yes" -> ReplicaStatus.IoState.YES;
            case "connecting", "preparing" -> ReplicaStatus.IoState.CONNECTING;
            default -> ReplicaStatus.IoState.NO;
        };
        String lag = col(row, "Seconds_Behind_Master", "Seconds_Behind_Source");
        Long secondsBehind = lag.isBlank() || lag.equalsIgnoreCase("NULL") ? null : num(lag, 0);
        return new ReplicaStatus(!host.isBlank(), host, (int) num(col(row, "Master_Port", "Source_Port"), 0),
                ioState, "yes".equalsIgnoreCase(col(row, "Slave_SQL_Running", "Replica_SQL_Running").trim()),
                (int) num(col(row, "Last_IO_Errno"), 0), col(row, "Last_IO_Error"),
                (int) num(col(row, "Last_SQL_Errno"), 0), col(row, "Last_SQL_Error"),
                secondsBehind,
                coords(col(row, "Master_Log_File", "Source_Log_File"),
                        col(row, "Read_Master_Log_Pos", "Read_Source_Log_Pos")),
                coords(col(row, "Relay_Master_Log_File", "Relay_Source_Log_File"),
                        col(row, "Exec_Master_Log_Pos", "Exec_Source_Log_Pos")),
                usingGtid(row), receivedGtid(row), num(col(row, "SQL_Delay"), 0));
    }

    @Override
    public String sqlThreadState(Map<String, String> row) {
        return row == null ? "" : col(row, "Slave_SQL_Running_State", "Replica_SQL_Running_State").trim();
    }

    protected abstract String usingGtid(Map<String, String> row);

    protected abstract String receivedGtid(Map<String, String> row);

    private static BinlogCoordinates coords(String file, String pos) {
        if (file == null || file.isBlank()) {
            return null;
        }
        return new BinlogCoordinates(file.trim(), num(pos, 0));
    }

    @Override
    public SemiSync parseSemiSync(List<Map<String, String>> rows) {
        Map<String, String> v = new HashMap<>();
        for (Map<String, String> r : rows) {
            String name = col(r, "VARIABLE_NAME", "Variable_name").toLowerCase(Locale.ROOT)
                    .replace("_source", "_master").replace("_replica", "_slave");
            v.put(name, col(r, "VARIABLE_VALUE", "Value"));
        }
        if (!v.containsKey("rpl_semi_sync_master_enabled") && !v.containsKey("rpl_semi_sync_slave_enabled")) {
            return SemiSync.UNAVAILABLE;
        }
        return new SemiSync(true, on(v.get("rpl_semi_sync_master_enabled")),
                on(v.get("rpl_semi_sync_master_status")), num(v.get("rpl_semi_sync_master_timeout"), 0),
                v.getOrDefault("rpl_semi_sync_master_wait_point", "").toUpperCase(Locale.ROOT),
                on(v.get("rpl_semi_sync_master_wait_no_slave")), on(v.get("rpl_semi_sync_slave_enabled")),
                num(v.get("rpl_semi_sync_master_clients"), 0));
    }

    @Override
    public InstanceState parseState(Map<String, String> vars, List<Map<String, String>> semiSyncRows,
                                    Map<String, String> replicaRow) {
        Position binlog = parsePosition(col(vars, "binlog_pos"));
        Position slave = vars.containsKey("slave_pos") ? parsePosition(col(vars, "slave_pos")) : binlog;
        Position current = vars.containsKey("current_pos") ? parsePosition(col(vars, "current_pos")) : binlog;
        return new InstanceState(version, num(col(vars, "server_id"), 0), on(col(vars, "read_only")),
                col(vars, "datadir"), parseReplicaStatus(replicaRow), binlog, slave, current,
                parseSemiSync(semiSyncRows), on(col(vars, "log_bin")));
    }

    @Override
    public String waitForPosition(Position p, long timeoutS) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String killConnection(long id) {
        return "KILL CONNECTION " + id;
    }

    @Override
    public String clientSessionsQuery() {
        // Replication threads run as 'system user'/'event_scheduler'; binlog dump threads serve replicas and
        // must survive a demote so that replicas can read the tail of this server's binlog.
        return "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"
                + " AND USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user')"
                + " AND COMMAND NOT IN ('Binlog Dump', 'Binlog Dump GTID', 'Daemon', 'Slave_IO', 'Slave_SQL',"
                + " 'Slave_worker')";
    }

    static String csv(List<String> l) {
        return String.join(",", l);
    }
}
