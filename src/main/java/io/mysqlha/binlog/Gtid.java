package io.mysqlha.binlog;

/** A MariaDB GTID, printed {@code domain-server-seq} as MariaDB prints it. */
public record Gtid(long domainId, long serverId, long seqNo) {
    @Override
    public String toString() {
        return domainId + "-" + serverId + "-" + seqNo;
    }
}
