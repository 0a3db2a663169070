package io.mysqlha.dialect;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.MysqlGtidSet;
import io.mysqlha.model.Position;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.model.TlsSettings;

import java.util.List;
import java.util.Map;

/**
 * MySQL 5.7 and 8.0: UUID GTID sets, super_read_only, semi-sync as a plugin. From 8.0.22 the replica
 * status has the new column names (handled by column aliases); from 8.0.26 the semi-sync plugins use
 * source/replica names.
 */
class MySqlDialect extends BaseDialect {
    MySqlDialect(ServerVersion v) {
        super(v);
    }

    /** True for the releases whose semi-sync variables say source/replica. */
    boolean newSemiSyncNames() {
        return version.atLeast(8, 1) || (version.major() == 8 && version.minor() == 0 && version.patch() >= 26);
    }

    String semiPrimary() {
        return newSemiSyncNames() ? "rpl_semi_sync_source_" : "rpl_semi_sync_master_";
    }

    String semiReplica() {
        return newSemiSyncNames() ? "rpl_semi_sync_replica_" : "rpl_semi_sync_slave_";
    }

    @Override
    public String variablesQuery() {
        return "SELECT @@server_id AS server_id, @@read_only AS read_only, @@datadir AS datadir,"
                + " @@global.gtid_executed AS binlog_pos, @@log_bin AS log_bin";
    }

    @Override
    public String semiSyncQuery() {
        return "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM performance_schema.global_variables"
                + " WHERE VARIABLE_NAME LIKE 'rpl\\_semi\\_sync\\_%'"
                + " UNION ALL SELECT VARIABLE_NAME, VARIABLE_VALUE FROM performance_schema.global_status"
                + " WHERE VARIABLE_NAME LIKE 'Rpl\\_semi\\_sync\\_%' AND (VARIABLE_NAME LIKE '%\\_status'"
                + " OR VARIABLE_NAME LIKE '%\\_clients')";
    }

    @Override
    public String binlogStateQuery() {
        return "SELECT @@global.gtid_executed";
    }

    @Override
    public String replicaStatusQuery() {
        return version.atLeast(8, 0) && (version.minor() > 0 || version.patch() >= 22)
                ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    }

    @Override
    public String primaryStatusQuery() {
        return "SHOW MASTER STATUS";
    }

    @Override
    protected String usingGtid(Map<String, String> row) {
        return col(row, "Auto_Position");
    }

    @Override
    protected String receivedGtid(Map<String, String> row) {
        return col(row, "Retrieved_Gtid_Set");
    }

    @Override
    public Position parsePosition(String text) {
        return MysqlGtidSet.parse(text);
    }

    @Override
    public String changeSourceGtid(String host, int port, String user, String password, int connectRetryS,
                                   TlsSettings tls) {
        return "CHANGE MASTER TO MASTER_HOST=" + Dialect.quote(host) + ", MASTER_PORT=" + port
                + ", MASTER_USER=" + Dialect.quote(user) + ", MASTER_PASSWORD=" + Dialect.quote(password)
                + ", MASTER_CONNECT_RETRY=" + connectRetryS + ", MASTER_AUTO_POSITION=1" + tlsOrKey(tls);
    }

    @Override
    public String changeSourceCoordinates(String host, int port, String user, String password,
                                          BinlogCoordinates at, int connectRetryS, TlsSettings tls) {
        return "CHANGE MASTER TO MASTER_HOST=" + Dialect.quote(host) + ", MASTER_PORT=" + port
                + ", MASTER_USER=" + Dialect.quote(user) + ", MASTER_PASSWORD=" + Dialect.quote(password)
                + ", MASTER_CONNECT_RETRY=" + connectRetryS + ", MASTER_AUTO_POSITION=0"
                + ", MASTER_LOG_FILE=" + Dialect.quote(at.file()) + ", MASTER_LOG_POS=" + at.pos() + tlsOrKey(tls);
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
        // super_read_only=ON implies read_only=ON; turning read_only OFF also clears super_read_only
        return readOnly ? List.of("SET GLOBAL super_read_only=ON")
                : List.of("SET GLOBAL super_read_only=OFF", "SET GLOBAL read_only=OFF");
    }

    @Override
    public List<String> enablePrimarySemiSync(long timeoutMs) {
        String p = semiPrimary();
        return List.of("SET GLOBAL " + p + "wait_point=AFTER_SYNC", "SET GLOBAL " + p + "timeout=" + timeoutMs,
                "SET GLOBAL " + p + (newSemiSyncNames() ? "wait_no_replica=ON" : "wait_no_slave=ON"),
                "SET GLOBAL " + p + "enabled=ON");
    }

    @Override
    public java.util.Map<String, String> parallelApply(int threads) {
        ServerVersion v = version();
        boolean replicaNames = v.atLeast(8, 1) || (v.atLeast(8, 0) && v.patch() >= 26);
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        if (!(v.atLeast(8, 1) || (v.atLeast(8, 0) && v.patch() >= 27))) {
            // LOGICAL_CLOCK is the default from 8.0.27 on (and the variable deprecated)
            m.put(replicaNames ? "replica_parallel_type" : "slave_parallel_type", "'LOGICAL_CLOCK'");
        }
        m.put(replicaNames ? "replica_parallel_workers" : "slave_parallel_workers", Integer.toString(threads));
        return m;
    }

    @Override
    public List<String> disablePrimarySemiSync() {
        return List.of("SET GLOBAL " + semiPrimary() + "enabled=OFF");
    }

    @Override
    public List<String> enableReplicaSemiSync(boolean enabled) {
        return List.of("SET GLOBAL " + semiReplica() + "enabled=" + (enabled ? "ON" : "OFF"));
    }

    @Override
    public String waitForPosition(Position p, long timeoutS) {
        return "SELECT IF(WAIT_FOR_EXECUTED_GTID_SET(" + Dialect.quote(p.text()) + ", " + timeoutS + ") = 0, 0, -1)";
    }

    @Override
    public String clientSessionsQuery() {
        return super.clientSessionsQuery().replace("information_schema.PROCESSLIST", "performance_schema.processlist");
    }

    /**
     * With TLS the password travels inside the verified session; without it (8.0+: caching_sha2_password)
     * the replica asks the source for its RSA key, as before.
     */
    private String tlsOrKey(TlsSettings tls) {
        if (tls.enabled()) {
            return Dialect.replicationTls("MASTER", tls);
        }
        return version.atLeast(8, 0) ? ", GET_MASTER_PUBLIC_KEY=1" : "";
    }
}
