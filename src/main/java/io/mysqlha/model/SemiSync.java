package io.mysqlha.model;

/**
 * Semi-synchronous replication settings and status of one server.
 *
 * @param available      the server has semi-sync (built in on MariaDB 10.3+, a plugin on MySQL)
 * @param primaryEnabled rpl_semi_sync_master_enabled / rpl_semi_sync_source_enabled
 * @param primaryActive  Rpl_semi_sync_master_status: OFF on an enabled primary means it degraded to async
 * @param timeoutMs      rpl_semi_sync_master_timeout
 * @param waitPoint      AFTER_SYNC or AFTER_COMMIT
 * @param waitNoReplica  rpl_semi_sync_master_wait_no_slave
 * @param replicaEnabled rpl_semi_sync_slave_enabled / rpl_semi_sync_replica_enabled
 * @param clients        Rpl_semi_sync_master_clients: replicas currently sending ACKs
 */
public record SemiSync(boolean available, boolean primaryEnabled, boolean primaryActive, long timeoutMs,
                       String waitPoint, boolean waitNoReplica, boolean replicaEnabled, long clients) {
    public static final SemiSync UNAVAILABLE = new SemiSync(false, false, false, 0, "", false, false, 0);

    /**
     * The timeout mysqlha sets: about 31 years. With it a primary that no replica ACKs blocks its commits
     * instead of falling back to async, so an isolated primary can acknowledge nothing.
     */
    public static final long NEVER_DEGRADE_TIMEOUT_MS = 1_000_000_000_000L;

    /** A timeout below this counts as "configured to degrade". */
    public static final long MIN_SAFE_TIMEOUT_MS = 86_400_000L * 365;
}
