/**
 * MHA-style log compensation: at promotion no transaction that any reachable replica received is lost, and
 * every replica restarts replication at the point that matches. Uses ports only (SQL sessions, the command
 * runner, the resource's state directory, the cluster's properties); the plan itself is the pure
 * {@link io.mysqlha.decide.CompensationPlan}.
 *
 * <h2>How the agent calls it</h2>
 * <ul>
 * <li>{@code promote()}, after the local relay log is drained and before {@code STOP SLAVE} /
 * {@code RESET SLAVE ALL}: {@link io.mysqlha.failover.Compensator#beforePromote}. The agent's own check (does
 * a reachable peer still hold something this node lacks? then yield) runs after it.</li>
 * <li>{@code repoint()} (post-promote notify, start, the monitor's repair), before {@code CHANGE MASTER}:
 * {@link io.mysqlha.failover.Compensator#beforeRepoint}, which returns the new primary's coordinates in
 * file/position mode (empty: GTID positioning); after {@code START SLAVE}:
 * {@link io.mysqlha.failover.Compensator#afterRepoint}, a bounded wait until the node holds what the new
 * primary had.</li>
 * </ul>
 *
 * <h2>GTID mode</h2>
 * Peers' IO threads are stopped (their source is dead) after their SQL thread was started if it was stopped: on
 * MariaDB, starting a replication thread after both were stopped discards the relay log in GTID mode, and those
 * received transactions exist nowhere else. Each peer applies what it received (waited for on GTID positions,
 * never on "no progress" windows: a 100k-row transaction applies for longer than any such window); the node being
 * promoted then replicates from whichever peer received more ({@code master_use_gtid=slave_pos}; the source needs
 * log_bin and log_slave_updates, relay logs are never served) until it holds that peer's position, and detaches.
 * With several domains several sources may be needed. Salvage of an answering old primary is the same catch-up.
 *
 * <h2>Salvage of a dead primary's binlog</h2>
 * When the old primary's server answers, its tail is fetched over the replication protocol (GTID catch-up, or
 * {@code mariadb-binlog --read-from-remote-server} in file/position mode). When it does not, but its binlog
 * files are readable here (same host, shared storage; each promotion records the new primary's
 * {@code @@log_bin_index} as a cluster property for this), the tail is applied from the files: in GTID mode from
 * the first transaction this node lacks. On separate hosts without shared storage the files of a dead server are
 * out of reach, and the journal says so.
 *
 * <h2>File/position mode, and where the relay logs are read</h2>
 * The differential relay log needs the most advanced replica's relay-log <em>files</em>. The promoting node reads
 * them where it can: its own, or a peer's at the path that peer reports ({@code @@relay_log_index}) when that path
 * is readable here (same host, shared storage). It then does all the work itself: it builds one diff per lagging
 * server with {@link io.mysqlha.binlog.RelayLogDiff} and applies it with
 * {@code mariadb-binlog --skip-gtid-strict-mode diff | mariadb --binary-mode}: to itself, and to every other
 * lagging replica through that replica's SQL port. The client protocol is the one channel every node already opens
 * to every other, so relay logs never leave the node that reads them and no agent needs to reach another agent
 * (SQL offers no way to read a relay log's bytes: {@code SHOW RELAYLOG EVENTS} describes events, and
 * {@code --read-from-remote-server} serves binlogs only). When the most advanced replica's relay logs cannot be
 * read here, promotion is refused naming that replica: its promotion needs no relay log but its own.
 * The promotion record (a cluster property, see {@link io.mysqlha.failover.PromotionRecord}) maps the common
 * old-primary point, and a salvaged tail's end, to the new primary's binlog coordinates; repoint and
 * {@code mysqlha coords} use it. {@code relay_log_purge} is set to 0 on every server involved for the duration and
 * restored; a relay log already purged makes the promotion refuse loudly.
 *
 * <h2>Semi-sync</h2>
 * A target with semi-sync primary waits enabled stalls on its first commit, replicated or applied by the client
 * (observed on MariaDB 10.11: a replica's SQL thread shows "Waiting for semi-sync ACK from slave"): the waits are
 * turned off for the compensation and restored with their timeout afterwards.
 *
 * <h2>Journal</h2>
 * Every step is one JSON line in {@code state_dir/<resource>/journal.jsonl} ({@link io.mysqlha.failover.Journal});
 * {@code mysqlha journal} prints the last failover.
 */
package io.mysqlha.failover;
