package io.mysqlha.agent;

import io.mysqlha.model.SemiSync;
import io.mysqlha.ocf.ActionSpec;
import io.mysqlha.ocf.ParamSpec;

import java.util.List;

/** Parameters and actions of ocf:mysqlha:mysql: the one source for meta-data, validation and docs. */
public final class MysqlParams {
    private MysqlParams() {}

    public static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.string("binary", "/usr/sbin/mariadbd", "Server binary",
                    "Path of the server binary (mariadbd or mysqld). It is started directly, never through "
                            + "mysqld_safe, which would restart a killed server behind the cluster's back."),
            ParamSpec.string("client_binary", "/usr/bin/mariadb", "Client binary",
                    "Path of the command-line client (mariadb or mysql), used to apply binary logs during "
                            + "failover compensation."),
            ParamSpec.string("config", "/etc/mysql/my.cnf", "Configuration file",
                    "Option file passed as --defaults-file; empty for none."),
            ParamSpec.string("datadir", "/var/lib/mysql", "Data directory", "The server's data directory.")
                    .asUnique(),
            ParamSpec.string("pid", "/run/mysqld/mysqld.pid", "PID file", "The server's PID file.").asUnique(),
            ParamSpec.string("socket", "/run/mysqld/mysqld.sock", "Socket", "The server's Unix socket.").asUnique(),
            ParamSpec.integer("port", 3306, "TCP port",
                    "The server's TCP port. The agent connects to 127.0.0.1 on it; replicas connect to the "
                            + "primary's address on it."),
            ParamSpec.string("user", "mysql", "OS user", "The operating-system user the server runs as."),
            ParamSpec.string("log", "", "Server console log",
                    "File that receives the server's standard output and error (its error log is set in the "
                            + "configuration). Empty: mysqld.out in the state directory."),
            ParamSpec.string("credentials_file", "/etc/mysqlha/credentials.json", "Credentials file",
                    "JSON file with the admin, replication and monitor accounts: {\"admin\": {\"user\": .., "
                            + "\"password\": ..}, \"replication\": {..}, \"monitor\": {..}}. It must be owned by "
                            + "root with mode 0600. Passwords never appear on a command line, in the CIB or in a "
                            + "log."),
            ParamSpec.string("tls", "off", "TLS",
                    "TLS for every connection the agent makes (the local server, the peers at promote and "
                            + "compensation, the compensation's client tools) and for replication (MASTER_SSL=1 "
                            + "with tls_ca, tls_cert, tls_key): off (everything in clear, for a network you "
                            + "trust), verify_ca (the server's certificate must chain to tls_ca and be valid), or "
                            + "verify_identity (verify_ca, and the certificate must name the address connected "
                            + "to, in its subjectAltName; MariaDB replication checks the CA only together with "
                            + "the host name, so use this with MariaDB). With TLS on, passwords only travel "
                            + "inside a verified TLS session and no server's RSA key is ever asked for."),
            ParamSpec.string("tls_ca", "", "TLS CA file",
                    "PEM file of the CA certificate(s) that sign the servers' certificates; the same path on "
                            + "every node (replication reads it too). Needed with tls on."),
            ParamSpec.string("tls_cert", "", "TLS client certificate",
                    "PEM client certificate presented to the servers (accounts that REQUIRE X509), with "
                            + "tls_key; empty: none."),
            ParamSpec.string("tls_key", "", "TLS client key",
                    "PEM private key of tls_cert (unencrypted PKCS#8 or RSA; root-owned, mode 0600, readable "
                            + "by the server's user for replication). A path only: the key never enters the CIB."),
            ParamSpec.string("node_addresses", "", "Node addresses",
                    "Space-separated node=address pairs giving the address replicas use to reach each node's "
                            + "server. A node not listed is reached by its node name."),
            ParamSpec.string("ha_nodes", "", "HA nodes",
                    "Space-separated names of the HA nodes: the only nodes that may be promoted, and the set "
                            + "a partition must hold a majority of before it promotes. Empty: every node."),
            ParamSpec.integer("max_lag", 60, "Maximum lag (s)",
                    "A replica lagging more seconds than this is neither readable nor a promotion candidate."),
            ParamSpec.integer("min_free_mb", 32, "Minimum free space (MB)",
                    "When the datadir's filesystem has less free space than this, the server cannot commit: a "
                            + "primary is reported failed (so that the cluster fails over) and a replica gets no "
                            + "promotion score. 0 turns the check off."),
            ParamSpec.bool("semisync", true, "Semi-synchronous replication",
                    "Run semi-sync AFTER_SYNC on the HA nodes with a timeout so large the primary never falls "
                            + "back to async; HA replicas send ACKs. Turning it off allows acknowledged writes "
                            + "to be lost at failover."),
            ParamSpec.integer("semisync_timeout_ms", SemiSync.NEVER_DEGRADE_TIMEOUT_MS, "Semi-sync timeout (ms)",
                    "rpl_semi_sync_master_timeout set on the primary. Values under a year are reported as "
                            + "configured to degrade."),
            ParamSpec.string("state_dir", "/var/lib/mysqlha", "State directory",
                    "Where the agent keeps this resource's durable state (fence file, journal), in a "
                            + "subdirectory named after the resource."),
            ParamSpec.integer("flap_max_crashes", 4, "Unclean ends that hold a node out",
                    "A node whose server ended uncleanly (killed, crashed, its machine rebooted or fenced) this many "
                            + "times within flap_window_s is held out: its start refuses until an operator runs "
                            + "'mysqlha rejoin --clear-hold', instead of rejoining each time its failure expires. "
                            + "0 turns the hold off."),
            ParamSpec.integer("flap_window_s", 300, "Window of flap_max_crashes (s)",
                    "The window, in seconds, over which flap_max_crashes counts unclean ends."),
            ParamSpec.integer("promote_drain_s", 30, "Relay-log drain bound (s)",
                    "How long promote waits for the relay log to be applied before it fails, so that a "
                            + "better candidate is chosen; never more than the promote timeout allows."),
            ParamSpec.string("compensation_mode", "auto", "Log compensation mode",
                    "How promotion keeps every transaction some replica received: gtid (catch up by replicating "
                            + "from the most advanced replica with GTID positioning), filepos (differential relay "
                            + "logs built from the most advanced replica's relay logs, applied with the client; "
                            + "needs relay_log_purge=0), auto (what the replication in place uses), or none (no "
                            + "compensation: a candidate behind a reachable replica yields to it)."),
            ParamSpec.integer("compensation_parallel_threads", 4, "Parallel apply workers of compensation",
                    "While log compensation applies transactions on the node being promoted, its replication "
                            + "applies them with this many parallel workers (MariaDB slave_parallel_threads with "
                            + "slave_parallel_mode=optimistic, MySQL replica_parallel_workers), restored afterwards. "
                            + "0 or 1: the server's own setting."),
            ParamSpec.bool("compensation_relax_durability", true, "Relaxed durability while compensating",
                    "While log compensation applies on the node being promoted (read-only, no client writes), "
                            + "sync_binlog=0 and innodb_flush_log_at_trx_commit=2; restored, flushed and verified "
                            + "before writes open, recorded in the state file apply-tuning so an interrupted "
                            + "promote is restored by the next one. What is applied still exists on the replica "
                            + "it came from until the promotion ends."),
            ParamSpec.string("salvage_binlog", "auto", "Salvage the dead primary's binlog",
                    "true: when the old primary's server still answers, copy the tail of its binlog that no "
                            + "replica received to the new primary; false: never; auto: only without semi-sync "
                            + "(with semi-sync that never degrades, that tail holds no acknowledged write)."),
            ParamSpec.string("additional_parameters", "", "Extra server options",
                    "Extra options for the server command line, space-separated."));

    public static final List<ActionSpec> ACTIONS = List.of(
            ActionSpec.of("start", 120),
            ActionSpec.of("stop", 120),
            ActionSpec.monitor(30, 1, "Promoted"),
            ActionSpec.monitor(30, 3, "Unpromoted"),
            ActionSpec.of("promote", 120),
            ActionSpec.of("demote", 120),
            ActionSpec.of("notify", 90),
            ActionSpec.of("meta-data", 5),
            ActionSpec.of("validate-all", 30));
}
