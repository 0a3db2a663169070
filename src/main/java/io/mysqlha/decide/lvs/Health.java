package io.mysqlha.decide.lvs;

/** What the cluster says about a member of the read pool at one monitor. */
public enum Health {
    /** mysqld up, replication threads running without error, lag under max_lag: may serve reads. */
    READABLE,
    /**
     * Reachable but not fit to serve reads (lagging, a replication thread stopped, attribute
     * missing). Its real server is drained: no new connections, the open ones may finish.
     */
    UNREADABLE,
    /**
     * Node or mysqld gone. Its real server is removed at once: open connections are dead anyway,
     * and with a persistent service clients would keep being sent to a quiesced server.
     */
    DOWN
}
