package io.mysqlha.dialect;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.Position;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.model.TlsSettings;

import java.util.List;
import java.util.Map;

/**
 * The SQL that differs between server families and versions: statement texts, and parsing of what the
 * server returns (rows as column-name to text maps). Pure: no connection, so every dialect is unit-tested
 * on captured server output.
 */
public interface Dialect {

    /** Picks the dialect for a server version. */
    static Dialect forVersion(ServerVersion v) {
        if (v.isMariaDb()) {
            return new MariaDbDialect(v);
        }
        if (v.atLeast(8, 4)) {
            return new MySql84Dialect(v);
        }
        return new MySqlDialect(v);
    }

    ServerVersion version();

    /** One row of scalar variables; parse with {@link #parseState}. */
    String variablesQuery();

    /** Name/value rows of semi-sync variables and status (names as the server spells them). */
    String semiSyncQuery();

    /** The replica status statement (one row, or none when not a replica). */
    String replicaStatusQuery();

    /** The statement that shows this server's own binlog coordinates. */
    String primaryStatusQuery();

    ReplicaStatus parseReplicaStatus(Map<String, String> row);

    /** The SQL thread's state from a replica status row (Slave_SQL_Running_State), "" when not reported. */
    String sqlThreadState(Map<String, String> row);

    SemiSync parseSemiSync(List<Map<String, String>> nameValueRows);

    /** Builds the instance state from the three query results. */
    InstanceState parseState(Map<String, String> variables, List<Map<String, String>> semiSyncRows,
                             Map<String, String> replicaRow);

    /** Parses a GTID position of this server family (empty text: an empty position). */
    Position parsePosition(String text);

    /**
     * CHANGE MASTER / CHANGE REPLICATION SOURCE to a primary with GTID auto-positioning. The result holds
     * the replication password: never log it.
     */
    String changeSourceGtid(String host, int port, String user, String password, int connectRetryS,
                            TlsSettings tls);

    /** Same, at explicit binlog coordinates (file/position mode). Holds the password: never log it. */
    String changeSourceCoordinates(String host, int port, String user, String password,
                                   BinlogCoordinates at, int connectRetryS, TlsSettings tls);

    String startReplica();

    String stopReplica();

    String stopReplicaIo();

    String resetReplicaAll();

    /** Statements that make the server read-only (or writable), including super_read_only where it exists. */
    List<String> setReadOnly(boolean readOnly);

    /** Statements that make this server a semi-sync primary that never degrades to async. */
    List<String> enablePrimarySemiSync(long timeoutMs);

    /** Statements that turn the primary semi-sync waits off (compensation, demote). */
    List<String> disablePrimarySemiSync();

    /** Statements that make this server ACK as a semi-sync replica. */
    List<String> enableReplicaSemiSync(boolean enabled);

    /**
     * Bounds how long a semi-sync replica's IO stop waits to say goodbye to its source: MariaDB first connects
     * to the source to kill its dump thread, within rpl_semi_sync_slave_kill_conn_timeout (5 s by default; 2 s
     * measured when the source's node is gone or its server frozen). Nothing where the server has no such
     * setting.
     */
    default List<String> boundSemiSyncGoodbye(int seconds) {
        return List.of();
    }

    /** A query returning one row, one column: 0 when the position was applied within the timeout, -1 if not. */
    String waitForPosition(Position p, long timeoutS);

    /**
     * One row, one column: everything this server has in its binary log, for subset checks (MariaDB
     * gtid_binlog_state, every domain-server pair; MySQL gtid_executed).
     */
    String binlogStateQuery();

    /** One row: sync_binlog, innodb_flush_log_at_trx_commit, relay_log_recovery (columns of those names). */
    default String crashSafetyQuery() {
        return "SELECT @@global.sync_binlog AS sync_binlog, @@global.innodb_flush_log_at_trx_commit AS "
                + "innodb_flush_log_at_trx_commit, @@global.relay_log_recovery AS relay_log_recovery";
    }

    /**
     * The global variables that make the replication SQL thread apply with {@code threads} parallel workers,
     * in the order to set them, with their values as SQL literals. Settable only while replication is stopped.
     */
    java.util.Map<String, String> parallelApply(int threads);

    /** Client sessions to kill on demote: rows with column ID, excluding system, replication and our own. */
    String clientSessionsQuery();

    String killConnection(long id);

    /**
     * The TLS options of CHANGE MASTER / CHANGE REPLICATION SOURCE ({@code prefix} MASTER or SOURCE):
     * empty when off; otherwise SSL on, the CA, the client certificate and key when given, and the server
     * certificate's host name verified in verify_identity.
     */
    static String replicationTls(String prefix, TlsSettings tls) {
        if (!tls.enabled()) {
            return "";
        }
        StringBuilder b = new StringBuilder(", ").append(prefix).append("_SSL=1, ").append(prefix).append("_SSL_CA=")
                .append(quote(tls.ca().toString()));
        if (tls.cert() != null) {
            b.append(", ").append(prefix).append("_SSL_CERT=").append(quote(tls.cert().toString()));
        }
        if (tls.key() != null) {
            b.append(", ").append(prefix).append("_SSL_KEY=").append(quote(tls.key().toString()));
        }
        b.append(", ").append(prefix).append("_SSL_VERIFY_SERVER_CERT=").append(tls.verifyIdentity() ? 1 : 0);
        return b.toString();
    }

    /** Quotes a string as an SQL literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\'' -> b.append("''");
                case '\\' -> b.append("\\\\");
                case '\0' -> b.append("\\0");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }
}
