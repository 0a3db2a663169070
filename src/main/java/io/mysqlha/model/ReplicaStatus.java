package io.mysqlha.model;

/**
 * Replication state of a replica, dialect-neutral (from {@code SHOW SLAVE STATUS} /
 * {@code SHOW REPLICA STATUS}). {@link #NONE} when replication is not configured.
 *
 * @param configured       whether a source is configured at all
 * @param sourceHost       Master_Host / Source_Host
 * @param sourcePort       Master_Port / Source_Port
 * @param ioState          IO thread: YES, NO, CONNECTING
 * @param sqlRunning       SQL thread running
 * @param lastIoErrno      Last_IO_Errno (0 = none)
 * @param lastIoError      Last_IO_Error
 * @param lastSqlErrno     Last_SQL_Errno
 * @param lastSqlError     Last_SQL_Error
 * @param secondsBehind    Seconds_Behind_Master, null when the server shows NULL
 * @param received         primary coordinates received (Master_Log_File:Read_Master_Log_Pos), may be null
 * @param executed         primary coordinates executed (Relay_Master_Log_File:Exec_Master_Log_Pos), may be null
 * @param usingGtid        MariaDB Using_Gtid (No, Slave_Pos, Current_Pos) or MySQL Auto_Position (0/1)
 * @param receivedGtid     MariaDB Gtid_IO_Pos or MySQL Retrieved_Gtid_Set (text, may be empty)
 * @param sqlDelay         SQL_Delay seconds
 */
public record ReplicaStatus(boolean configured, String sourceHost, int sourcePort, IoState ioState,
                            boolean sqlRunning, int lastIoErrno, String lastIoError, int lastSqlErrno,
                            String lastSqlError, Long secondsBehind, BinlogCoordinates received,
                            BinlogCoordinates executed, String usingGtid, String receivedGtid, long sqlDelay) {

    /** IO thread states as the server reports them. */
    public enum IoState { YES, NO, CONNECTING }

    public static final ReplicaStatus NONE = new ReplicaStatus(false, "", 0, IoState.NO, false, 0, "", 0, "",
            null, null, null, "", "", 0);

    public boolean ioRunning() {
        return ioState == IoState.YES;
    }

    public boolean hasError() {
        return lastIoErrno != 0 || lastSqlErrno != 0;
    }

    /** True when replication uses GTID positioning (MariaDB Slave_Pos/Current_Pos, MySQL auto-position). */
    public boolean gtidPositioned() {
        return !usingGtid.isEmpty() && !"No".equalsIgnoreCase(usingGtid) && !"0".equals(usingGtid);
    }

    /** A one-line description for logs and exit reasons. */
    public String summary() {
        if (!configured) {
            return "replication not configured";
        }
        StringBuilder b = new StringBuilder();
        b.append("source ").append(sourceHost).append(':').append(sourcePort)
                .append(", io ").append(ioState.name().toLowerCase())
                .append(", sql ").append(sqlRunning ? "yes" : "no")
                .append(", lag ").append(secondsBehind == null ? "NULL" : secondsBehind + "s");
        if (lastIoErrno != 0) {
            b.append(", io error ").append(lastIoErrno).append(": ").append(lastIoError);
        }
        if (lastSqlErrno != 0) {
            b.append(", sql error ").append(lastSqlErrno).append(": ").append(lastSqlError);
        }
        return b.toString();
    }
}
