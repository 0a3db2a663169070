package io.mysqlha.model;

/**
 * What one SQL round trip tells about a running server. Positions are of the server's own kind: MariaDB
 * GTID lists, or MySQL GTID sets (then {@code slavePos} and {@code currentPos} equal {@code binlogPos}).
 *
 * @param version    parsed @@version
 * @param serverId   @@server_id
 * @param readOnly   @@read_only
 * @param datadir    @@datadir as the server reports it
 * @param replica    replication status, {@link ReplicaStatus#NONE} when not a replica
 * @param binlogPos  gtid_binlog_pos (MariaDB) / gtid_executed (MySQL)
 * @param slavePos   gtid_slave_pos (MariaDB)
 * @param currentPos gtid_current_pos (MariaDB)
 * @param semiSync   semi-sync settings and status
 * @param logBin     binary logging on
 */
public record InstanceState(ServerVersion version, long serverId, boolean readOnly, String datadir,
                            ReplicaStatus replica, Position binlogPos, Position slavePos, Position currentPos,
                            SemiSync semiSync, boolean logBin) {

    /** The position this server has received: Gtid_IO_Pos if replicating, else what it has applied. */
    public Position receivedPosition() {
        if (replica.configured() && !replica.receivedGtid().isEmpty()) {
            Position p = Position.parse(replica.receivedGtid());
            if (p instanceof MariaGtidPos m && currentPos instanceof MariaGtidPos c) {
                // Gtid_IO_Pos lists only the domains received from the current source
                return m.max(c);
            }
            if (p instanceof MysqlGtidSet r && binlogPos instanceof MysqlGtidSet e) {
                Order o = r.compareTo(e);
                return o == Order.BEHIND || o == Order.EQUAL ? e : union(e, r);
            }
            return p;
        }
        return appliedPosition();
    }

    /** The position this server has applied (committed). */
    public Position appliedPosition() {
        return currentPos != null ? currentPos : binlogPos;
    }

    private static Position union(MysqlGtidSet a, MysqlGtidSet b) {
        return MysqlGtidSet.parse(a.text() + "," + b.text());
    }
}
