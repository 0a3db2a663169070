package io.mysqlha.decide;

/** Named results of the monitor's analysis, each with a description an operator can act on. */
public enum Analysis {
    STOPPED("not running (no server process, no SQL answer)"),
    PRIMARY_CRASHED("promoted instance is not running any more"),
    PRIMARY_OK("running as primary"),
    PRIMARY_SEMISYNC_DEGRADED("running as primary, but semi-sync is off or configured to fall back to async"),
    PRIMARY_READ_ONLY("promoted instance is read-only"),
    DATADIR_GONE("the server process runs but its datadir is gone"),
    DISK_FULL("the datadir's filesystem is full: commits wait for space"),
    UNREACHABLE("the server process runs but does not answer SQL"),
    ORPHAN_SQL("SQL answers on the port but no server process of this instance was found"),
    BUSY("the server is overloaded but alive"),
    ACCESS_DENIED("the server rejects the monitor account"),
    WRITABLE_NOT_PRIMARY("writable although the cluster does not consider it primary"),
    REPLICA_OK("running as a healthy replica"),
    REPLICA_WRONG_SOURCE("replicating from a server that is not the cluster's primary"),
    REPLICA_NOT_REPLICATING("not replicating although the cluster has a primary"),
    REPLICA_BROKEN("replication stopped or failing"),
    REPLICA_LAGGING("replica lags past max_lag"),
    REPLICA_ERRANT("replica has errant transactions (written on it directly, not replicated)"),
    STANDBY("running read-only; the cluster has no primary yet");

    private final String description;

    Analysis(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
