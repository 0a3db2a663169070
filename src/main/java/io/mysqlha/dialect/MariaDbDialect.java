package io.mysqlha.dialect;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.Position;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.model.TlsSettings;

import java.util.List;
import java.util.Map;

/**
 * MariaDB 10.5+: domain-server-seq GTID lists, built-in semi-sync, no super_read_only (read_only also
 * binds SUPER; only READ_ONLY ADMIN bypasses it).
 */
final class MariaDbDialect extends BaseDialect {
    MariaDbDialect(ServerVersion v) {
        super(v);
    }

    @Override
    public String variablesQuery() {
        return "SELECT @@server_id AS server_id, @@read_only AS read_only, @@datadir AS datadir,"
                + " @@gtid_binlog_pos AS binlog_pos, @@gtid_slave_pos AS slave_pos,"
                + " @@gtid_current_pos AS current_pos, @@log_bin AS log_bin";
    }

    @Override
    public String semiSyncQuery() {
        return "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES"
                + " WHERE VARIABLE_NAME LIKE 'RPL\\_SEMI\\_SYNC\\_%'"
                + " UNION ALL SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME IN ('RPL_SEMI_SYNC_MASTER_STATUS', 'RPL_SEMI_SYNC_MASTER_CLIENTS')";
    }

    @Override
    public String binlogStateQuery() {
        return "SELECT @@global.gtid_binlog_state";
    }

    @Override
    public String replicaStatusQuery() {
        return "SHOW SLAVE STATUS";
    }

    @Override
    public String primaryStatusQuery() {
        return "SHOW MASTER STATUS";
    }

    @Override
    protected String usingGtid(Map<String, String> row) {
        return col(row, "Using_Gtid");
    }

    @Override
    protected String receivedGtid(Map<String, String> row) {
        return col(row, "Gtid_IO_Pos");
    }

    @Override
    public Position parsePosition(String text) {
        return MariaGtidPos.parse(text);
    }

    @Override
    public String changeSourceGtid(String host, int port, String user, String password, int connectRetryS,
                                   TlsSettings tls) {
        return "CHANGE MASTER TO MASTER_HOST=" + Dialect.quote(host) + ", MASTER_PORT=" + port
                + ", MASTER_USER=" + Dialect.quote(user) + ", MASTER_PASSWORD=" + Dialect.quote(password)
                + ", MASTER_CONNECT_RETRY=" + connectRetryS + ", MASTER_USE_GTID=slave_pos"
                + Dialect.replicationTls("MASTER", tls);
    }

    @Override
    public String changeSourceCoordinates(String host, int port, String user, String password,
                                          BinlogCoordinates at, int connectRetryS, TlsSettings tls) {
        return "CHANGE MASTER TO MASTER_HOST=" + Dialect.quote(host) + ", MASTER_PORT=" + port
                + ", MASTER_USER=" + Dialect.quote(user) + ", MASTER_PASSWORD=" + Dialect.quote(password)
                + ", MASTER_CONNECT_RETRY=" + connectRetryS + ", MASTER_USE_GTID=no"
                + ", MASTER_LOG_FILE=" + Dialect.quote(at.file()) + ", MASTER_LOG_POS=" + at.pos()
                + Dialect.replicationTls("MASTER", tls);
    }

    @Override
    public String startReplica() {
        return "START SLAVE";
    }

    @Override
    public String stopReplica() {
        return "STOP SLAVE";
    }

    @Override
    public String stopReplicaIo() {
        return "STOP SLAVE IO_THREAD";
    }

    @Override
    public String resetReplicaAll() {
        return "RESET SLAVE ALL";
    }

    @Override
    public List<String> setReadOnly(boolean readOnly) {
        return List.of("SET GLOBAL read_only=" + (readOnly ? "ON" : "OFF"));
    }

    @Override
    public List<String> enablePrimarySemiSync(long timeoutMs) {
        return List.of("SET GLOBAL rpl_semi_sync_master_wait_point=AFTER_SYNC",
                "SET GLOBAL rpl_semi_sync_master_timeout=" + timeoutMs,
                "SET GLOBAL rpl_semi_sync_master_wait_no_slave=ON",
                "SET GLOBAL rpl_semi_sync_master_enabled=ON");
    }

    @Override
    public java.util.Map<String, String> parallelApply(int threads) {
        // optimistic: transactions of one domain apply in parallel, conflicts roll back and retry in order
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("slave_parallel_threads", Integer.toString(threads));
        m.put("slave_parallel_mode", "'optimistic'");
        return m;
    }

    @Override
    public List<String> disablePrimarySemiSync() {
        return List.of("SET GLOBAL rpl_semi_sync_master_enabled=OFF");
    }

    @Override
    public List<String> enableReplicaSemiSync(boolean enabled) {
        return List.of("SET GLOBAL rpl_semi_sync_slave_enabled=" + (enabled ? "ON" : "OFF"));
    }

    @Override
    public List<String> boundSemiSyncGoodbye(int seconds) {
        // 0 would mean no bound at all to the client library: at least 1
        return List.of("SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout=" + Math.max(1, seconds));
    }

    @Override
    public String waitForPosition(Position p, long timeoutS) {
        // MASTER_GTID_WAIT waits for gtid_slave_pos; positions compare per domain
        return "SELECT MASTER_GTID_WAIT(" + Dialect.quote(p.text()) + ", " + timeoutS + ")";
    }
}
