package io.mysqlha.binlog;

import java.util.OptionalLong;

/**
 * MariaDB GTID_EVENT: starts an event group (a transaction, or one standalone DDL/non-transactional
 * statement). The server_id part of the GTID is the event header's server id.
 *
 * @param seqNo    sequence number within the domain
 * @param domainId replication domain
 * @param flags    the {@code FL_} bits below
 * @param commitId group-commit id, present when {@link #FL_GROUP_COMMIT_ID} is set
 */
public record MariadbGtid(long seqNo, long domainId, int flags, OptionalLong commitId) implements EventData {
    /** The group is a single statement with no BEGIN/COMMIT around it (DDL, non-transactional). */
    public static final int FL_STANDALONE = 0x01;
    public static final int FL_GROUP_COMMIT_ID = 0x02;
    public static final int FL_TRANSACTIONAL = 0x04;
    public static final int FL_ALLOW_PARALLEL = 0x08;
    public static final int FL_WAITED = 0x10;
    public static final int FL_DDL = 0x20;
    public static final int FL_PREPARED_XA = 0x40;
    public static final int FL_COMPLETED_XA = 0x80;

    public boolean isStandalone() {
        return (flags & FL_STANDALONE) != 0;
    }

    /** The GTID this event starts, with the server id taken from the event header. */
    public Gtid gtid(long serverId) {
        return new Gtid(domainId, serverId, seqNo);
    }
}
