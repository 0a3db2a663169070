/**
 * Binlog and relay-log files of MySQL/MariaDB (format v4), and the differential relay log of MHA-style
 * log compensation in file/position mode. Depends on {@code java.base} only.
 *
 * <h2>Reading</h2>
 * {@link io.mysqlha.binlog.BinlogReader} reads a file or stream event by event
 * ({@link io.mysqlha.binlog.BinlogEvent}: {@link io.mysqlha.binlog.EventHeader}, decoded
 * {@link io.mysqlha.binlog.EventData}, exact bytes), verifying CRC32 checksums when the format description in
 * force announces them. Any unreadable event is a {@link io.mysqlha.binlog.BinlogFormatException} naming the
 * file and offset.
 *
 * <h2>Differential relay log</h2>
 * {@link io.mysqlha.binlog.RelayLogDiff} writes, as one binlog stream, the events a lagging replica is missing,
 * taken from the relay logs of the most advanced replica:
 * <pre>{@code
 * List<Path> relay = RelayLogs.fromIndex(Path.of("/var/lib/mysql/relay-bin.index"));
 * BinlogPosition lagging = new BinlogPosition(status.masterLogFile(), status.readMasterLogPos());
 * DiffResult r = RelayLogDiff.write(relay, lagging, Path.of("/var/lib/mysqlha/db/diff.binlog"));
 * // then: mariadb-binlog --skip-gtid-strict-mode diff.binlog | mariadb --binary-mode
 * // the target now stands at r.end() (r.lastTransactionEnd() if r.endsInsideTransaction());
 * // SET GLOBAL gtid_slave_pos to include r.gtidPosition(): applying with the client does not advance it
 * }</pre>
 * A position that is not in the relay logs throws {@link io.mysqlha.binlog.PositionNotFoundException}
 * ("needed relay log purged or position not present"): the failover must stop there.
 */
package io.mysqlha.binlog;
