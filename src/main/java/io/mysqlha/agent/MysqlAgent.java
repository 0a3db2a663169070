package io.mysqlha.agent;

import io.mysqlha.decide.CompensationPlan;
import io.mysqlha.decide.CrashGuard;
import io.mysqlha.decide.Election;
import io.mysqlha.decide.FencedOut;
import io.mysqlha.decide.FlapGuard;
import io.mysqlha.decide.GrantCheck;
import io.mysqlha.decide.Lineage;
import io.mysqlha.decide.MonitorAnalyzer;
import io.mysqlha.decide.MonitorFacts;
import io.mysqlha.decide.MonitorVerdict;
import io.mysqlha.decide.Quorum;
import io.mysqlha.decide.RelayDrain;
import io.mysqlha.decide.SqlProbe;
import io.mysqlha.dialect.Dialect;
import io.mysqlha.failover.ApplyTuning;
import io.mysqlha.failover.Compensator;
import io.mysqlha.failover.Diverged;
import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.MasterInfo;
import io.mysqlha.model.Order;
import io.mysqlha.model.Position;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.TlsSettings;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.ocf.MetaData;
import io.mysqlha.ocf.Notify;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.ocf.Params;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Credentials;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.LocalState;
import io.mysqlha.port.MysqldService;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * ocf:mysqlha:mysql, the promotable MySQL/MariaDB agent: one method per OCF action. Decisions are made by
 * the pure {@code decide} layer from observed facts; this class gathers the facts and carries out the
 * decisions through ports.
 */
public final class MysqlAgent implements OcfAgent {
    public static final String VERSION = "0.1.0";
    static final String ROLE_FILE = "role";
    /** How long stop waits for a clean shutdown when the datadir's filesystem is full. */
    static final long DISK_FULL_STOP_GRACE_MS = 5_000;
    static final String PROMOTED = "promoted";
    static final String FENCE_FILE = "master-info";
    static final String PUBLISHED_FILE = "published";
    static final String LIFECYCLE_FILE = "lifecycle";
    /** The unclean ends inside the flap window (FlapGuard), one epoch-millisecond per line. */
    public static final String CRASHES_FILE = "crashes";
    /** Present while the node is held out for flapping; its content is the reason. */
    public static final String HOLD_FILE = "held-out";
    /** Re-publish unchanged attributes after this long: transient attributes vanish when a node rejoins. */
    static final long REPUBLISH_MS = 60_000;
    /** How often a moving received position is re-sent while replication runs. */
    static final long RECV_REFRESH_MS = 10_000;
    /** Bound of the monitor's SQL round trips to the local server. */
    static final long MONITOR_SQL_MS = 5_000;
    /** Connect bound for peers at promote: a LAN answers in far less; a partitioned peer costs this once. */
    static final long PEER_CONNECT_MS = 1_500;
    /**
     * How long a replica's IO stop may spend saying goodbye to its source (seconds): the connect that kills the
     * source's dump thread. It spares the source a dump thread that ends by itself; when the source is gone
     * (every node loss and partition, at the promotion) it only delays, 2 s at MariaDB's default.
     */
    static final int SEMI_SYNC_GOODBYE_S = 1;

    /** What the agent needs from outside, wired by the CLI. */
    public record Ports(Cluster cluster, SqlConnector sql, MysqldService mysqld, LocalState state,
                        LocalState cache, CommandRunner runner, Clock clock, Supplier<Credentials> credentials) {
    }

    private final OcfEnv env;
    private final OcfLog log;
    private final Params p;
    private final Ports io;
    private final String rsc;
    private final Deadline deadline;
    private Credentials creds;

    public MysqlAgent(OcfEnv env, OcfLog log, Params params, Ports ports) {
        this.env = env;
        this.log = log;
        this.p = params;
        this.io = ports;
        this.rsc = env.resourceName();
        this.deadline = Deadline.forAction(ports.clock(), env.timeoutMillis(20_000));
    }

    public static String metaData() {
        return MetaData.render("mysql", VERSION, "Promotable MySQL/MariaDB replication with safe failover",
                "Manages a MySQL or MariaDB server as a promotable clone: one primary, GTID replicas with "
                        + "semi-synchronous replication that never degrades to async, promotion only with a "
                        + "majority of the HA nodes, master-info kept in the CIB and in a local fence file, and "
                        + "log compensation at failover so that no acknowledged write is lost.",
                MysqlParams.PARAMS, MysqlParams.ACTIONS);
    }

    // ---------------------------------------------------------------- validation

    /** The checks that run before every action; {@code full} adds what needs the server (validate-all). */
    void validate(boolean full) {
        checkCloneMeta();
        String bin = p.str("binary");
        if (!Files.isExecutable(Path.of(bin))) {
            throw OcfException.installed("binary " + bin + " not found or not executable (parameter 'binary')");
        }
        String cfg = p.str("config");
        if (!cfg.isEmpty() && !Files.isReadable(Path.of(cfg))) {
            throw OcfException.configured("config " + cfg + " is not readable (parameter 'config')");
        }
        Path dd = Path.of(p.str("datadir"));
        if (!dd.isAbsolute()) {
            throw OcfException.configured("datadir must be an absolute path (parameter 'datadir')");
        }
        if (p.integer("port") < 1 || p.integer("port") > 65535) {
            throw OcfException.configured("port " + p.integer("port") + " is out of range (parameter 'port')");
        }
        if (p.integer("max_lag") < 0) {
            throw OcfException.configured("max_lag must not be negative (parameter 'max_lag')");
        }
        nodeAddresses();
        tlsSettings(p);
        credentials();
        if (p.bool("semisync") && p.integer("semisync_timeout_ms") < SemiSync.MIN_SAFE_TIMEOUT_MS) {
            throw OcfException.configured("semisync_timeout_ms=" + p.integer("semisync_timeout_ms") + " lets the "
                    + "primary fall back to async and acknowledge writes no replica has (parameter "
                    + "'semisync_timeout_ms'; use at least " + SemiSync.MIN_SAFE_TIMEOUT_MS + ")");
        }
        if (full) {
            if (!Files.isDirectory(dd)) {
                throw OcfException.configured("datadir " + dd + " does not exist (parameter 'datadir')");
            }
            if (!io.mysqld().datadirPresent()) {
                throw OcfException.configured("datadir " + dd + " has no system schema: initialise it first "
                        + "(mariadb-install-db) (parameter 'datadir')");
            }
            checkHaNodes();
            if (io.mysqld().runningPid().isPresent()) {
                checkGrants();
                checkRunningPrimarySemiSync();
            }
        }
    }

    /**
     * The tls, tls_ca, tls_cert and tls_key parameters, checked: an unknown mode, or a file that is
     * missing or unreadable, is OCF_ERR_CONFIGURED naming the file and its parameter. (The files' contents
     * are checked when the first session is opened.)
     */
    public static TlsSettings tlsSettings(Params p) {
        String m = p.str("tls").trim().toLowerCase(java.util.Locale.ROOT);
        TlsSettings.Mode mode = switch (m) {
            case "", "off", "false", "no" -> TlsSettings.Mode.OFF;
            case "verify_ca" -> TlsSettings.Mode.VERIFY_CA;
            case "verify_identity" -> TlsSettings.Mode.VERIFY_IDENTITY;
            default -> throw OcfException.configured("tls=" + p.str("tls") + " is not off, verify_ca or "
                    + "verify_identity (parameter 'tls')");
        };
        if (mode == TlsSettings.Mode.OFF) {
            return TlsSettings.OFF;
        }
        Path ca = tlsFile(p, "tls_ca", true);
        Path cert = tlsFile(p, "tls_cert", false);
        Path key = tlsFile(p, "tls_key", false);
        if ((cert == null) != (key == null)) {
            throw OcfException.configured("tls_cert and tls_key go together: set both or neither (parameters "
                    + "'tls_cert', 'tls_key')");
        }
        return new TlsSettings(mode, ca, cert, key);
    }

    private static Path tlsFile(Params p, String name, boolean required) {
        String v = p.str(name).trim();
        if (v.isEmpty()) {
            if (required) {
                throw OcfException.configured(name + " is empty: tls=" + p.str("tls") + " needs the CA file "
                        + "(parameter '" + name + "')");
            }
            return null;
        }
        Path f = Path.of(v);
        if (!f.isAbsolute()) {
            throw OcfException.configured(name + " " + v + " must be an absolute path (parameter '" + name + "')");
        }
        if (!Files.isRegularFile(f)) {
            throw OcfException.configured(name + " " + v + " does not exist (parameter '" + name + "')");
        }
        if (!Files.isReadable(f)) {
            throw OcfException.configured(name + " " + v + " is not readable (parameter '" + name + "')");
        }
        return f;
    }

    private void checkCloneMeta() {
        // Outside a clone (no clone meta at all) the agent can still be driven by hand or by ocf-tester.
        if (env.meta("clone_max").isEmpty() && env.meta("promotable").isEmpty() && env.meta("notify").isEmpty()) {
            return;
        }
        if (!env.meta("promotable").map(v -> v.equals("true")).orElse(true)) {
            throw OcfException.configured("the resource must be a promotable clone (meta promotable=true)");
        }
        if (!env.meta("notify").map(v -> v.equals("true") || v.equals("1") || v.equals("yes")).orElse(false)) {
            throw OcfException.configured("the clone needs meta notify=true: replicas are repointed on "
                    + "post-promote notifications");
        }
        String max = env.meta("promoted_max").or(() -> env.meta("master_max")).orElse("1");
        if (!max.trim().equals("1")) {
            throw OcfException.configured("the clone needs meta promoted-max=1 (found " + max + ")");
        }
    }

    private void checkHaNodes() {
        List<String> ha = haNodes();
        if (ha.isEmpty()) {
            return;
        }
        List<String> known = io.cluster().knownNodes(deadline);
        List<String> unknown = new ArrayList<>();
        for (String n : ha) {
            if (!known.contains(n)) {
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            throw OcfException.configured("ha_nodes names unknown nodes: " + String.join(" ", unknown)
                    + " (known: " + String.join(" ", known) + ") (parameter 'ha_nodes')");
        }
    }

    private void checkRunningPrimarySemiSync() {
        if (!isPromotedMarker() || !p.bool("semisync")) {
            return;
        }
        try (SqlSession s = io.sql().connect("127.0.0.1", port(), credentials().monitor(), deadline.atMost(10_000))) {
            InstanceState st = readState(s, dialect(s));
            String problem = MonitorAnalyzer.semiSyncProblem(st.semiSync());
            if (problem != null) {
                throw OcfException.configured("the primary's semi-sync can degrade: " + problem);
            }
        } catch (SqlException e) {
            log.warn("validate-all: cannot read the server's semi-sync state: " + e.getMessage());
        }
    }

    private void checkGrants() {
        Credentials c = credentials();
        Map<GrantCheck.Account, Credential> accounts = new LinkedHashMap<>();
        accounts.put(GrantCheck.Account.ADMIN, c.admin());
        accounts.put(GrantCheck.Account.REPLICATION, c.replication());
        accounts.put(GrantCheck.Account.MONITOR, c.monitor());
        for (Map.Entry<GrantCheck.Account, Credential> e : accounts.entrySet()) {
            try (SqlSession s = io.sql().connect("127.0.0.1", port(), e.getValue(), deadline.atMost(10_000))) {
                boolean maria = ServerVersion.parse(s.serverVersion(), "").isMariaDb();
                List<String> lines = new ArrayList<>();
                for (Map<String, String> row : s.query("SHOW GRANTS")) {
                    lines.addAll(row.values());
                }
                List<String> missing = GrantCheck.missing(e.getKey(), maria, lines);
                if (!missing.isEmpty()) {
                    throw OcfException.configured(e.getKey().name().toLowerCase() + " account '"
                            + e.getValue().user() + "' lacks " + String.join(", ", missing)
                            + " ON *.* (parameter 'credentials_file')");
                }
            } catch (SqlException x) {
                if (x.kind() == SqlException.Kind.ACCESS) {
                    throw OcfException.configured(e.getKey().name().toLowerCase() + " account '"
                            + e.getValue().user() + "' is rejected by the server: " + x.getMessage()
                            + " (parameter 'credentials_file')");
                }
                log.warn("cannot check grants of " + e.getValue().user() + ": " + x.getMessage());
            }
        }
    }

    Credentials credentials() {
        if (creds == null) {
            creds = io.credentials().get();
        }
        return creds;
    }

    Map<String, String> nodeAddresses() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : Notify.split(p.str("node_addresses"))) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw OcfException.configured("node_addresses: '" + pair + "' is not node=address "
                        + "(parameter 'node_addresses')");
            }
            m.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return m;
    }

    List<String> haNodes() {
        return Notify.split(p.str("ha_nodes"));
    }

    /** Host and port at which replicas reach a node's server. */
    record Endpoint(String host, int port) {
        String text() {
            return host + ":" + port;
        }
    }

    /** From node_addresses ({@code node=address} or {@code node=address:port}), else the node name. */
    Endpoint endpointOf(String node) {
        String a = nodeAddresses().get(node);
        if (a == null) {
            return new Endpoint(node, port());
        }
        int colon = a.lastIndexOf(':');
        if (colon > 0 && a.indexOf(':') == colon) {
            try {
                return new Endpoint(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw OcfException.configured("node_addresses: bad port in '" + node + "=" + a
                        + "' (parameter 'node_addresses')");
            }
        }
        return new Endpoint(a, port());
    }

    int port() {
        return (int) p.integer("port");
    }

    // ---------------------------------------------------------------- actions

    @Override
    public int run(String action) {
        return switch (action) {
            case "start" -> start();
            case "stop" -> stop();
            case "monitor", "status" -> monitor();
            case "promote" -> promote();
            case "demote" -> demote();
            case "notify" -> notifyAction();
            case "validate-all" -> validateAll();
            default -> OcfAgent.unimplemented(log, action);
        };
    }

    public int validateAll() {
        validate(true);
        return OcfExit.SUCCESS.code();
    }

    public int start() {
        validate(false);
        checkHaNodes();
        // read before anything changes: a corrupt fence file stops the start here, and is never deleted
        Optional<MasterInfo> fence = readFence();
        OptionalLong pid = io.mysqld().runningPid();
        CrashGuard.LastEnd lastEnd = lastEnd(pid.isPresent());
        Optional<MasterInfo> mi = masterInfo();
        boolean anotherPrimary = mi.isPresent() && !mi.get().node().equals(localNode());
        checkNotFlapping(lastEnd);
        if (pid.isEmpty() && !io.mysqld().datadirPresent()) {
            // A datadir emptied under the server (or lost with its disk): starting would only fail with the
            // server's own message. Say what it takes, and keep the crash guard's verdict pending.
            String why = "refusing to rejoin: datadir " + p.str("datadir") + " has no system schema; rebuild "
                    + "this node from the primary, then 'mysqlha rejoin'";
            io.state().write(LIFECYCLE_FILE, CrashGuard.refused(bootId(), why));
            throw OcfException.generic(why);
        }
        if (pid.isEmpty()) {
            // not in file/position mode: its compensation maps the old primary's binlog coordinates as they
            // were, and a cut binlog would no longer hold them (GTID positioning re-fetches what was cut)
            spawnServer(anotherPrimary && !"filepos".equals(p.str("compensation_mode")));
        } else {
            log.info("start: server already running (pid " + pid.getAsLong() + ")");
        }
        try (SqlSession s = waitForSql(credentials().admin())) {
            Dialect d = dialect(s);
            InstanceState st = readState(s, d);
            // A start never leaves a writable instance: promotion is the cluster's decision alone.
            if (!st.readOnly()) {
                exec(s, d.setReadOnly(true));
            }
            io.state().delete(ROLE_FILE);
            // a server that outlived an interrupted compensation still runs with its settings
            ApplyTuning.restoreLeftover(s, io.state())
                    .ifPresent(t -> log.warn("start: restored what an interrupted compensation left: " + t));
            if (st.semiSync().available()) {
                // HA replicas ACK; async extras never do, so they can never be what a commit waited for
                exec(s, d.enableReplicaSemiSync(p.bool("semisync") && isHaNode()));
                exec(s, d.boundSemiSyncGoodbye(SEMI_SYNC_GOODBYE_S));
            }
            try {
                checkSafeToRejoin(s, d, st, fence, lastEnd, mi);
            } catch (OcfException e) {
                // kept across stops, so the next start checks again instead of taking the stop as clean
                io.state().write(LIFECYCLE_FILE, CrashGuard.refused(bootId(), e.getMessage()));
                throw e;
            }
            io.state().write(LIFECYCLE_FILE, CrashGuard.running(bootId(), io.mysqld().runningPid().orElse(0)));
            if (anotherPrimary) {
                if (!followsPrimary(st, mi.get())) {
                    try {
                        repoint(s, d, st, mi.get().node(), mi.get().node());
                    } catch (Diverged e) {
                        io.state().write(LIFECYCLE_FILE, CrashGuard.refused(bootId(), e.getMessage()));
                        throw OcfException.generic(e.getMessage());
                    }
                } else if (!st.replica().ioRunning() || !st.replica().sqlRunning()) {
                    s.execute(d.startReplica());
                }
            }
        }
        log.info("start: running read-only");
        return OcfExit.SUCCESS.code();
    }

    /**
     * Anti-flapping: counts this start's unclean end (once: a refusal rewrites the lifecycle record) and
     * refuses while the node is held out, before the server is started. Pacemaker's failure-timeout starts a
     * failed instance again by itself; this is what keeps a node that crashes every time from rejoining
     * every time. The refusal keeps the crash guard's verdict pending (REFUSED), so clearing the hold never
     * skips the subset check.
     */
    private void checkNotFlapping(CrashGuard.LastEnd lastEnd) {
        boolean crashed = lastEnd == CrashGuard.LastEnd.MYSQLD_CRASH || lastEnd == CrashGuard.LastEnd.OS_CRASH;
        FlapGuard.Decision fd = FlapGuard.atStart(io.state().read(CRASHES_FILE).orElse(null),
                io.state().read(HOLD_FILE).orElse(null), crashed, io.clock().wallMillis(),
                (int) p.integer("flap_max_crashes"), p.integer("flap_window_s") * 1000L);
        if (crashed || !fd.history().isEmpty()) {
            io.state().write(CRASHES_FILE, FlapGuard.format(fd.history()));
        }
        if (fd.heldOut()) {
            if (io.state().read(HOLD_FILE).isEmpty()) {
                io.state().write(HOLD_FILE, fd.reason() + "\n");
            }
            String why = FlapGuard.refusal(fd.reason(), rsc);
            io.state().write(LIFECYCLE_FILE, CrashGuard.refused(bootId(), why));
            throw OcfException.generic(why);
        }
        if (crashed) {
            log.info("start: unclean end " + fd.history().size() + " of " + p.integer("flap_max_crashes")
                    + " allowed within " + p.integer("flap_window_s") + " s");
        }
    }

    /**
     * The crash guard and the stale-primary fence. A node whose fence file says it was primary at an older
     * epoch than the CIB's, or whose server ended uncleanly, rejoins only when its transactions are a subset
     * of the current primary's; after a crash the server's crash-safety settings must be on as well.
     * Otherwise the start fails (the server stays read-only and replicates from nobody) with what to do.
     */
    private void checkSafeToRejoin(SqlSession s, Dialect d, InstanceState st, Optional<MasterInfo> fence,
                                   CrashGuard.LastEnd lastEnd, Optional<MasterInfo> cib) {
        boolean crashed = lastEnd == CrashGuard.LastEnd.MYSQLD_CRASH || lastEnd == CrashGuard.LastEnd.OS_CRASH
                || lastEnd == CrashGuard.LastEnd.REFUSED;
        boolean stale = fence.isPresent() && fence.get().node().equals(localNode()) && cib.isPresent()
                && (cib.get().epoch() > fence.get().epoch() || !cib.get().node().equals(localNode()));
        if (!crashed && !stale) {
            return;
        }
        String why = (stale ? "this node was primary at epoch " + fence.get().epoch() + " but the cluster's primary is "
                + cib.get().node() + " at epoch " + cib.get().epoch() : "")
                + (stale && crashed ? "; " : "")
                + (crashed ? switch (lastEnd) {
                    case OS_CRASH -> "the machine crashed while the server ran";
                    case REFUSED -> "its last start was refused";
                    default -> "the server ended uncleanly";
                } : "");
        if (crashed) {
            List<String> unsafe = CrashGuard.unsafeSettings(s.queryRow(d.crashSafetyQuery()));
            if (!unsafe.isEmpty()) {
                // the decision first: crm_mon shows only the first 128 characters of a reason
                throw OcfException.generic("refusing to rejoin: crash-safety settings are off ("
                        + String.join(", ", unsafe) + ") and " + why + "; rebuild this node from the primary, or fix "
                        + "the settings and run 'mysqlha rejoin' after checking its data");
            }
        }
        if (cib.isEmpty() || cib.get().node().equals(localNode())) {
            // no other primary to compare with (first start, or the whole cluster went down): the election
            // at promote compares every node's position
            log.warn("start: " + why + "; no other primary exists, rejoining as a candidate");
            return;
        }
        Endpoint ep = endpointOf(cib.get().node());
        String primaryState;
        try {
            primaryState = binlogStateOf(ep, d);
        } catch (SqlException e) {
            throw OcfException.generic("cannot rejoin yet: " + why + ", and the primary " + cib.get().node() + " ("
                    + ep.text() + ") cannot be reached to check that this node holds nothing it lacks: "
                    + e.getMessage());
        }
        List<String> extra = Lineage.notInPrimary(everything(st), primaryState);
        if (!extra.isEmpty()) {
            throw OcfException.generic("refusing to rejoin: this node has transactions the primary "
                    + cib.get().node() + " lacks: " + String.join("; ", extra) + ". Rebuild this node from the "
                    + "primary (its extra transactions were never acknowledged by a replica); its data is left as is ("
                    + why + ")");
        }
        log.info("start: " + why + "; its transactions are a subset of " + cib.get().node() + "'s, rejoining");
        io.state().write(FENCE_FILE, cib.get().format() + "\n");
    }

    /** Everything a server's binary log holds (Dialect.binlogStateQuery), bounded. */
    private String binlogStateOf(Endpoint ep, Dialect d) {
        try (SqlSession ps = io.sql().connect(ep.host(), ep.port(), credentials().admin(), deadline.atMost(10_000))) {
            Map<String, String> row = ps.queryRow(d.binlogStateQuery());
            String v = row == null ? null : row.values().iterator().next();
            return v == null ? "" : v;
        }
    }

    /** Every transaction this server has: what it applied from replication and what its binlog holds. */
    static Position everything(InstanceState st) {
        if (st.binlogPos() instanceof MariaGtidPos b && st.slavePos() instanceof MariaGtidPos sl) {
            return b.max(sl);
        }
        return st.binlogPos();
    }

    private CrashGuard.LastEnd lastEnd(boolean serverUp) {
        try {
            return CrashGuard.lastEnd(io.state().read(LIFECYCLE_FILE).orElse(null), bootId(), serverUp);
        } catch (IllegalArgumentException e) {
            throw OcfException.generic("lifecycle record " + io.state().path(LIFECYCLE_FILE) + " is unreadable ("
                    + e.getMessage() + "); it is left in place: check the server, then run 'mysqlha rejoin'");
        }
    }

    /** This node's record of master-info (the fence file); a corrupt one is reported, never trusted or deleted. */
    Optional<MasterInfo> readFence() {
        Optional<String> raw = io.state().read(FENCE_FILE);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MasterInfo.parse(raw.get()));
        } catch (IllegalArgumentException e) {
            throw new OcfException(OcfExit.ERR_GENERIC, "fence file " + io.state().path(FENCE_FILE) + " is corrupt ("
                    + e.getMessage() + "); it is not trusted and left in place: check which node was primary, "
                    + "then run 'mysqlha rejoin' to rewrite it from the CIB");
        }
    }

    /** This boot's id, to tell an OS crash from a server crash. */
    public static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * Starts mariadbd/mysqld read-only, replication stopped. {@code replicaRole}: another node is the primary
     * (master-info in the CIB), so this server's binlog may hold commits of a crash that nobody acknowledged:
     * prepared in the engine, written to the binlog, waiting for a semi-sync ACK when the server died. Told it
     * starts as a replica (init-rpl-role=SLAVE, MariaDB 10.6.19/10.11.9 and later), crash recovery rolls those
     * back and cuts them from the binlog, and the node rejoins without a rebuild. When the CIB names this node
     * (the whole cluster went down) the tail is kept: the election compares it with the others.
     */
    private void spawnServer(boolean replicaRole) {
        List<String> argv = new ArrayList<>();
        argv.add(p.str("binary"));
        if (!p.str("config").isEmpty()) {
            argv.add("--defaults-file=" + p.str("config"));
        }
        argv.add("--datadir=" + p.str("datadir"));
        argv.add("--pid-file=" + p.str("pid"));
        argv.add("--socket=" + p.str("socket"));
        argv.add("--port=" + port());
        argv.add("--user=" + p.str("user"));
        // read-only from the first moment, and replication only once the agent has checked the source
        argv.add("--read-only=ON");
        argv.add("--skip-slave-start");
        if (replicaRole) {
            // loose-: a server without the option (MySQL, older MariaDB) starts all the same
            argv.add("--loose-init-rpl-role=SLAVE");
        }
        argv.addAll(Notify.split(p.str("additional_parameters")));
        for (String dir : List.of(Path.of(p.str("pid")).getParent().toString(),
                Path.of(p.str("socket")).getParent().toString())) {
            ensureRunDir(dir);
        }
        String out = p.str("log").isEmpty() ? io.state().path("mysqld.out") : p.str("log");
        io.state().write(".started", Long.toString(io.clock().wallMillis()));
        log.info("start: " + String.join(" ", argv));
        io.mysqld().spawn(argv, out);
    }

    private void ensureRunDir(String dir) {
        Path d = Path.of(dir);
        if (Files.isDirectory(d)) {
            return;
        }
        CommandRunner.Result r = io.runner().run(List.of("install", "-d", "-o", p.str("user"), "-m", "0755", dir),
                null, deadline.atMost(5_000));
        if (!r.ok()) {
            throw OcfException.generic("cannot create " + dir + ": " + r.message());
        }
    }

    /**
     * Waits until the server answers SQL; fails early with the log tail when the process died. Each connect
     * attempt has 5 s; the session it returns has the rest of the action's time (a start that reads the
     * state, waits for read_only and repoints over TLS on a loaded node can take longer than one attempt).
     */
    private SqlSession waitForSql(Credential cred) {
        SqlException last = null;
        while (!deadline.expired()) {
            try {
                SqlSession s = io.sql().connect("127.0.0.1", port(), cred, deadline.atMost(5_000));
                s.bound(deadline);
                return s;
            } catch (SqlException e) {
                last = e;
                if (e.kind() == SqlException.Kind.ACCESS) {
                    throw OcfException.configured("server rejects account '" + cred.user() + "': " + e.getMessage()
                            + " (parameter 'credentials_file')");
                }
            }
            if (io.mysqld().runningPid().isEmpty() && io.clock().wallMillis() - startedAt() > 3_000) {
                throw OcfException.generic("server exited during start; last output: " + tail());
            }
            sleep(200);
        }
        throw OcfException.generic("server did not answer SQL before the start timeout"
                + (last == null ? "" : ": " + last.getMessage()) + "; last output: " + tail());
    }

    private long startedAt() {
        return io.state().read(".started").map(s -> Long.parseLong(s.trim())).orElse(0L);
    }

    private String tail() {
        String out = p.str("log").isEmpty() ? io.state().path("mysqld.out") : p.str("log");
        try {
            List<String> lines = Files.readAllLines(Path.of(out));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (java.io.IOException | RuntimeException e) {
            return "(no output in " + out + ")";
        }
    }

    public int stop() {
        try {
            validate(false);
        } catch (OcfException e) {
            // a stop must still work with a broken configuration: only a running process matters
            log.warn("stop: " + e.getMessage());
        }
        OptionalLong pid = io.mysqld().runningPid();
        io.state().delete(ROLE_FILE);
        if (pid.isEmpty()) {
            log.info("stop: not running");
            return OcfExit.SUCCESS.code();
        }
        long id = pid.getAsLong();
        log.info("stop: stopping server pid " + id);
        io.mysqld().signal(id, false);
        // SIGSTOPped (a frozen server, a stopped debugger): it cannot act on SIGTERM until continued. Its
        // clients were cut off by demote or find it read-only; continuing it lets the shutdown run.
        continueIfStopped(id, "stop", "so that it can shut down");
        // keep 3 s for SIGKILL and its reaping
        Deadline graceful = deadline.reserve(3_000);
        if (diskFull()) {
            // a clean shutdown writes (redo, binlog index, aria logs) and MariaDB retries a full disk only every
            // 60 s: it would hold the failover for minutes. Crash recovery later is safe (sync_binlog=1,
            // innodb_flush_log_at_trx_commit=1), and the next start checks the node like after a crash.
            log.warn("stop: the datadir's filesystem is full: a clean shutdown cannot complete; SIGKILL after "
                    + DISK_FULL_STOP_GRACE_MS / 1000 + " s");
            graceful = graceful.atMost(DISK_FULL_STOP_GRACE_MS);
        }
        while (io.mysqld().alive(id) && !graceful.expired()) {
            sleep(100);
        }
        boolean killed = io.mysqld().alive(id);
        if (killed) {
            log.warn("stop: server pid " + id + " did not exit in time; sending SIGKILL");
            io.mysqld().signal(id, true);
            while (io.mysqld().alive(id) && !deadline.expired()) {
                sleep(50);
            }
        }
        if (io.mysqld().alive(id)) {
            throw OcfException.generic("server pid " + id + " survived SIGKILL");
        }
        boolean keepRecord;
        try {
            keepRecord = lastEnd(false) == CrashGuard.LastEnd.REFUSED;
        } catch (OcfException e) {
            keepRecord = true; // an unreadable record stays for the operator to see
        }
        if (!keepRecord) {
            io.state().write(LIFECYCLE_FILE, killed ? CrashGuard.killed(bootId()) : CrashGuard.clean(bootId()));
        }
        log.info("stop: stopped" + (killed ? " (killed: the next start checks it like a crash)" : ""));
        return OcfExit.SUCCESS.code();
    }

    public int monitor() {
        try {
            validate(false);
        } catch (OcfException e) {
            // a probe on a node without the software: not running here
            if (env.intervalMillis() == 0 && e.exit() == OcfExit.ERR_INSTALLED) {
                log.info("probe: " + e.getMessage());
                return OcfExit.NOT_RUNNING.code();
            }
            throw e;
        }
        Observation o = observe();
        Optional<String> diverged = apply(o);
        publish(o.verdict(), o.state());
        if (diverged.isPresent()) {
            // permanent until a rebuild: a failure Pacemaker shows (and answers with stop, then a start that
            // refuses with the same reason), rather than a replica that looks healthy and replicates nothing
            log.exitReason(diverged.get());
            return OcfExit.ERR_GENERIC.code();
        }
        return exitOf(o.verdict());
    }

    private boolean diskFull() {
        long free = io.mysqld().datadirFreeBytes();
        return free >= 0 && free < p.integer("min_free_mb") * 1024 * 1024;
    }

    /** What the monitor saw and concluded. */
    record Observation(MonitorVerdict verdict, InstanceState state, Optional<MasterInfo> masterInfo) {
    }

    /** Gathers the facts and analyses them. */
    Observation observe() {
        OptionalLong pid = io.mysqld().runningPid();
        boolean alive = pid.isPresent();
        boolean datadir = io.mysqld().datadirPresent();
        boolean marker = isPromotedMarker();
        SqlProbe probe;
        String err = null;
        InstanceState st = null;
        Optional<MasterInfo> mi = Optional.empty();
        // A healthy local server greets and answers in milliseconds; one that does not within MONITOR_SQL_MS is
        // hung (a frozen process still accepts TCP connections in the kernel). A process stopped by a signal
        // (SIGSTOP: state T) answers nothing at all: no need to wait for the timeout to know.
        if (alive && io.mysqld().stopped(pid.getAsLong())) {
            err = "the server process " + pid.getAsLong() + " is stopped (SIGSTOP): it answers nothing until continued";
            probe = SqlProbe.DOWN;
        } else {
            try (SqlSession s = io.sql().connect("127.0.0.1", port(), credentials().monitor(), deadline.atMost(MONITOR_SQL_MS))) {
                st = readState(s, dialect(s));
                probe = SqlProbe.OK;
            } catch (SqlException e) {
                err = e.getMessage();
                probe = switch (e.kind()) {
                    case BUSY -> SqlProbe.BUSY;
                    case ACCESS -> SqlProbe.ACCESS_DENIED;
                    default -> SqlProbe.DOWN;
                };
            }
        }
        if (st != null) {
            mi = masterInfo();
        }
        Set<String> sources = new HashSet<>();
        mi.ifPresent(m -> {
            Endpoint e = endpointOf(m.node());
            sources.add(e.text());
            sources.add(m.node() + ":" + e.port());
        });
        MonitorVerdict v = MonitorAnalyzer.analyze(new MonitorFacts(alive, datadir, probe, err, st, marker, mi,
                localNode(), sources, p.integer("max_lag"), p.bool("semisync") && isHaNode(), diskFull()));
        logVerdict(v);
        return new Observation(v, st, mi);
    }

    private void logVerdict(MonitorVerdict v) {
        String last = io.cache().read("analysis").orElse("");
        boolean changed = !last.equals(v.analysis().name());
        if (changed) {
            io.cache().write("analysis", v.analysis().name());
        }
        if (env.intervalMillis() == 0 || changed) {
            log.info("monitor: " + v.reason());
        } else {
            log.debug("monitor: " + v.reason());
        }
    }

    /** Carries out the verdict's repair; returns why this node cannot follow the primary, if that is the case. */
    private Optional<String> apply(Observation o) {
        MonitorVerdict v = o.verdict();
        if (v.repair() == MonitorVerdict.Repair.NONE) {
            return Optional.empty();
        }
        try (SqlSession s = io.sql().connect("127.0.0.1", port(), credentials().admin(), deadline.atMost(15_000))) {
            Dialect d = dialect(s);
            switch (v.repair()) {
                case MAKE_READ_ONLY -> {
                    log.warn("monitor: " + v.reason() + "; setting read_only");
                    makeReadOnly(s, d);
                }
                case REPOINT -> {
                    // the master-info the verdict was drawn from (observe read it a moment ago)
                    MasterInfo mi = o.masterInfo().orElseThrow();
                    log.warn("monitor: " + v.reason() + "; repointing to " + mi.node());
                    repoint(s, d, readState(s, d), mi.node(), mi.node());
                }
                default -> { }
            }
        } catch (Diverged e) {
            return Optional.of(e.getMessage());
        } catch (SqlException | OcfException e) {
            log.error("monitor: repair " + v.repair() + " failed: " + e.getMessage());
        }
        return Optional.empty();
    }

    private int exitOf(MonitorVerdict v) {
        OcfExit code = switch (v.outcome()) {
            case NOT_RUNNING -> OcfExit.NOT_RUNNING;
            case RUNNING -> OcfExit.SUCCESS;
            case RUNNING_PROMOTED -> OcfExit.RUNNING_PROMOTED;
            case DEGRADED_PROMOTED -> OcfExit.DEGRADED_PROMOTED;
            case FAILED_PROMOTED -> OcfExit.FAILED_PROMOTED;
            case FAILED -> OcfExit.ERR_GENERIC;
        };
        if (code == OcfExit.FAILED_PROMOTED || code == OcfExit.ERR_GENERIC) {
            log.exitReason(v.reason());
        } else if (code == OcfExit.DEGRADED_PROMOTED) {
            log.warn("monitor: " + v.reason());
        }
        return code.code();
    }

    /**
     * Promotion score, received position (private, for the election) and read-pool attributes. Each goes
     * out only when it changed, since every update is a process: all of them are re-sent now and then
     * (transient attributes vanish when a node rejoins) and on probes. A received position that moves with
     * every write is re-sent at most every RECV_REFRESH_MS while replication runs; once the IO thread
     * stops (the primary died: positions freeze, and an election is near) every change goes out at once.
     */
    private void publish(MonitorVerdict v, InstanceState st) {
        long now = io.clock().wallMillis();
        Map<String, String> had = parseKv(io.cache().read(PUBLISHED_FILE).orElse(""));
        boolean refresh = env.intervalMillis() == 0 || now - longOf(had.get("at")) >= REPUBLISH_MS;
        boolean promoted = v.outcome() == MonitorVerdict.Outcome.RUNNING_PROMOTED
                || v.outcome() == MonitorVerdict.Outcome.DEGRADED_PROMOTED;
        boolean candidate = v.candidate() && isHaNode() && st != null;
        String recv = candidate ? st.receivedPosition().text() : "";
        String hadRecv = had.getOrDefault("recv", "");
        boolean frozen = st != null && st.replica().configured() && !st.replica().ioRunning();
        boolean recvDue = refresh || (!recv.equals(hadRecv) && (recv.isEmpty() || hadRecv.isEmpty() || frozen
                || now - longOf(had.get("recvAt")) >= RECV_REFRESH_MS));
        int hadScore = (int) longOf(had.getOrDefault("score", "-1"));
        int score;
        if (promoted) {
            score = Election.PRIMARY_SCORE;
        } else if (!candidate) {
            score = -1;
        } else if (recvDue || hadScore <= Election.YIELD_SCORE || hadScore == Election.PRIMARY_SCORE) {
            score = Election.replicaScore(st.receivedPosition(), peerPositions(st));
        } else {
            score = hadScore;
        }
        Map<String, String> want = new LinkedHashMap<>();
        want.put("score", Integer.toString(score));
        want.put("recv", recvDue ? recv : hadRecv);
        want.put("readable", v.readable() ? "1" : "0");
        want.put("lag", Long.toString(v.lagS()));
        try {
            for (Map.Entry<String, String> e : want.entrySet()) {
                if (!refresh && e.getValue().equals(had.get(e.getKey()))) {
                    continue;
                }
                String value = e.getValue();
                switch (e.getKey()) {
                    case "score" -> {
                        if (score >= 0) {
                            io.cluster().setPromotionScore(rsc, score, deadline);
                        } else {
                            io.cluster().clearPromotionScore(rsc, deadline);
                        }
                    }
                    case "recv" -> {
                        if (value.isEmpty()) {
                            io.cluster().deleteNodeAttribute(recvAttribute(), true, deadline);
                        } else {
                            io.cluster().setNodeAttribute(recvAttribute(), value, true, deadline);
                        }
                    }
                    default -> io.cluster().setNodeAttribute(rsc + "-" + e.getKey(), value, false, deadline);
                }
            }
            want.put("at", refresh ? Long.toString(now) : had.getOrDefault("at", "0"));
            want.put("recvAt", recvDue ? Long.toString(now) : had.getOrDefault("recvAt", "0"));
            io.cache().write(PUBLISHED_FILE, formatKv(want));
        } catch (OcfException e) {
            log.warn("monitor: cannot publish attributes: " + e.getMessage());
        }
    }

    private static Map<String, String> parseKv(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static String formatKv(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    private static long longOf(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String recvAttribute() {
        return rsc + "-recv";
    }

    /** The received positions other HA candidates published (unparsable ones are left out). */
    private Map<String, Position> peerPositions(InstanceState st) {
        Map<String, Position> out = new LinkedHashMap<>();
        List<String> ha = haNodes();
        Dialect d = Dialect.forVersion(st.version());
        io.cluster().nodeAttributes(recvAttribute(), deadline).forEach((node, text) -> {
            if (!node.equals(localNode()) && (ha.isEmpty() || ha.contains(node))) {
                try {
                    out.put(node, d.parsePosition(text));
                } catch (IllegalArgumentException e) {
                    log.debug("ignoring unparsable position of " + node + ": " + text);
                }
            }
        });
        return out;
    }

    public int promote() {
        validate(false);
        if (io.mysqld().runningPid().isEmpty()) {
            throw OcfException.generic("cannot promote: the server is not running");
        }
        // the cluster's answers this promote needs, asked side by side: each is a tool call of 0.1-0.3 s on a
        // loaded node, and the promote is on the path of every failover
        Phases t = new Phases(io.clock());
        io.cluster().prefetchProperties(deadline);
        CompletableFuture<List<String>> members = beside("promote-partition", () -> io.cluster().partitionMembers(deadline));
        boolean quorate = io.cluster().hasQuorum(deadline);
        List<String> partition = join(members);
        Quorum q = Quorum.check(quorate, partition, haNodes(), localNode(), () -> io.cluster().voteQuorum(deadline));
        if (!q.allowed()) {
            throw OcfException.generic("promotion refused: " + String.join("; ", q.reasons()));
        }
        t.mark("quorum");
        try (SqlSession s = io.sql().connect("127.0.0.1", port(), credentials().admin(), deadline.atMost(10_000))) {
            // the connect has 10 s; the session the rest of the promote (a drain alone may take promote_drain_s)
            s.bound(deadline);
            Dialect d = dialect(s);
            InstanceState st = readState(s, d);
            if (isPromotedMarker() && !st.readOnly()) {
                log.info("promote: already primary");
                return OcfExit.SUCCESS.code();
            }
            // Before anything else, the old primary loses its ACKs: semi-sync then blocks its commits, so an
            // isolated old primary can acknowledge nothing from here on.
            MasterInfo prev = masterInfo().orElse(null);
            String oldPrimary = prev == null ? null : prev.node();
            boolean replicating = st.replica().configured();
            InstanceState atStart = st;
            t.mark("local");
            Optional<String> fencedOut = FencedOut.oldPrimary(oldPrimary, localNode(), partition,
                    name -> io.cluster().clusterProperty(name, deadline));
            fencedOut.ifPresent(why -> log.info("promote: not waiting to reach the old primary: " + why));
            Map<String, Position> peers = isolateOldPrimary(oldPrimary, fencedOut.isPresent(), () -> {
                if (replicating) {
                    // this node's IO thread stops while the peers' do: a semi-sync replica's stop says goodbye
                    // to its source first (a connect bounded by rpl_semi_sync_slave_kill_conn_timeout, set by
                    // start; again here for a server an older agent started), and a lost source would otherwise
                    // cost that wait twice in a row
                    if (atStart.semiSync().available()) {
                        exec(s, d.boundSemiSyncGoodbye(SEMI_SYNC_GOODBYE_S));
                    }
                    s.execute(d.stopReplicaIo());
                }
            });
            t.mark("isolate");
            if (st.replica().configured()) {
                drainRelayLog(s, d);
                t.mark("drain");
                // log compensation: afterwards no reachable peer holds anything this node lacks, unless it failed
                try {
                    compensator(oldPrimary).beforePromote(s, d, deadline);
                } catch (io.mysqlha.failover.CompensationRefused e) {
                    lowerScore();
                    throw OcfException.generic(e.getMessage() + "; this node's promotion score is lowered");
                }
                t.mark("compensation");
            }
            st = readState(s, d);
            Map<String, String> ahead = Election.peersAhead(everything(st), peers);
            if (!ahead.isEmpty()) {
                yieldTo(ahead);
            }
            if (st.replica().configured()) {
                s.execute(d.stopReplica());
                s.execute(d.resetReplicaAll());
            }
            st = readState(s, d);
            if (p.bool("semisync") && st.semiSync().available()) {
                exec(s, d.enablePrimarySemiSync(p.integer("semisync_timeout_ms")));
            }
            MasterInfo next = prev == null
                    ? new MasterInfo(localNode(), 1, st.binlogPos().text(), io.clock().wallMillis())
                    : prev.next(localNode(), st.binlogPos().text(), io.clock().wallMillis());
            // recorded before writes open: a crash in between leaves a read-only node named primary, which is safe
            t.mark("reset");
            io.cluster().setClusterProperty(masterInfoProperty(), next.format(), deadline);
            io.state().write(FENCE_FILE, next.format() + "\n");
            t.mark("master-info");
            // never writable with compensation's relaxed durability: what an interrupted promote left is restored
            // (and verified, or this promote fails) before writes open
            ApplyTuning.restoreLeftover(s, io.state())
                    .ifPresent(left -> log.warn("promote: restored what an interrupted compensation left: " + left));
            exec(s, d.setReadOnly(false));
            io.state().write(ROLE_FILE, CrashGuard.promotedMarker(bootId()));
            t.mark("writable");
            log.info("promote: primary at epoch " + next.epoch() + ", position " + next.position());
            publishPrimary();
            t.mark("score");
            log.info("promote: done in " + t.total() + " ms (" + t + ")");
        }
        return OcfExit.SUCCESS.code();
    }

    /**
     * The primary's score and no received position, at once: until the next monitor the other candidates'
     * scores would otherwise outrank it, and Pacemaker could move the role back and forth.
     */
    private void publishPrimary() {
        // two daemons (the score through the CIB, the private attribute in attrd): asked side by side
        CompletableFuture<Void> recv = beside("promote-recv", () -> {
            io.cluster().deleteNodeAttribute(recvAttribute(), true, deadline);
            return null;
        });
        try {
            io.cluster().setPromotionScore(rsc, Election.PRIMARY_SCORE, deadline);
        } catch (OcfException e) {
            log.warn("promote: cannot publish the primary's score: " + e.getMessage());
        }
        try {
            join(recv);
        } catch (OcfException e) {
            log.warn("promote: cannot remove this node's received position: " + e.getMessage());
        }
        io.cache().delete(PUBLISHED_FILE);
    }

    /** Where an action's time went: each phase's milliseconds, for the log. */
    static final class Phases {
        private final Clock clock;
        private final long start;
        private long last;
        private final StringBuilder out = new StringBuilder();

        Phases(Clock clock) {
            this.clock = clock;
            this.start = clock.nanoTime();
            this.last = start;
        }

        void mark(String phase) {
            long now = clock.nanoTime();
            out.append(out.length() == 0 ? "" : ", ").append(phase).append(' ').append((now - last) / 1_000_000);
            last = now;
        }

        long total() {
            return (last - start) / 1_000_000;
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    /** Runs {@code task} on a thread of its own (never the common pool, one thread on a two-core node). */
    private static <T> CompletableFuture<T> beside(String name, Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** What {@link #beside} computed; its exception as thrown there. */
    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OcfException.generic("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw OcfException.generic(String.valueOf(e.getCause()));
        }
    }

    /**
     * Reaches every other HA node's server (bounded, unreachable ones are skipped): replicas of another
     * source stop their IO thread, a writable one (the old primary, if it is still up) is made read-only and
     * its clients are killed. Returns what each reachable peer has received, frozen by the IO stop.
     * {@code recordedPrimary} is the node master-info names (null when none): the old primary. {@code meanwhile}
     * runs on the calling thread while the peers are reached, each on a thread of its own (never the common
     * pool, which has one thread on a two-core node and would reach the peers one after the other).
     */
    private Map<String, Position> isolateOldPrimary(String recordedPrimary, boolean oldPrimaryFenced, Runnable meanwhile) {
        List<String> peers = new ArrayList<>(haNodes().isEmpty() ? io.cluster().knownNodes(deadline) : haNodes());
        peers.remove(localNode());
        if (oldPrimaryFenced) {
            // Pacemaker fenced its node before this promote (decide/FencedOut): no SQL reaches it
            peers.remove(recordedPrimary);
        }
        // in parallel, each bounded: a partitioned peer costs one connect timeout, not one per peer
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, peers.size()), r -> {
                    Thread t = new Thread(r, "promote-isolate");
                    t.setDaemon(true);
                    return t;
                });
        try {
            Map<String, java.util.concurrent.CompletableFuture<Optional<Position>>> tasks = new LinkedHashMap<>();
            for (String peer : peers) {
                boolean old = peer.equals(recordedPrimary);
                tasks.put(peer, java.util.concurrent.CompletableFuture.supplyAsync(() -> isolate(peer, old), pool));
            }
            meanwhile.run();
            Map<String, Position> received = new LinkedHashMap<>();
            tasks.forEach((peer, t) -> {
                try {
                    t.get(Math.max(1, deadline.remainingMillis()), java.util.concurrent.TimeUnit.MILLISECONDS)
                            .ifPresent(p -> received.put(peer, p));
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    log.info("promote: " + peer + " not reachable (" + e.getMessage() + ")");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw OcfException.generic("interrupted");
                }
            });
            return received;
        } finally {
            pool.shutdown();
        }
    }

    /** One peer of {@link #isolateOldPrimary}: its received position, empty when it cannot be reached. */
    private Optional<Position> isolate(String peer, boolean oldPrimary) {
        Endpoint ep = endpointOf(peer);
        try (SqlSession ps = io.sql().connect(ep.host(), ep.port(), credentials().admin(), deadline.atMost(PEER_CONNECT_MS))) {
            ps.bound(deadline.atMost(5_000));
            Dialect pd = dialect(ps);
            InstanceState pst = readState(ps, pd);
            boolean wasWritable = !pst.readOnly();
            if (wasWritable) {
                log.warn("promote: " + peer + " is writable; making it read-only and killing its clients");
                makeReadOnly(ps, pd);
            }
            boolean fromHere = pst.replica().sourcePort() == port() && (pst.replica().sourceHost().equals(
                    endpointOf(localNode()).host()) || pst.replica().sourceHost().equals(localNode()));
            if (pst.replica().configured() && pst.replica().ioRunning() && !fromHere) {
                if (pst.semiSync().available()) {
                    exec(ps, pd.boundSemiSyncGoodbye(SEMI_SYNC_GOODBYE_S));
                }
                ps.execute(pd.stopReplicaIo());
                log.info("promote: stopped " + peer + "'s IO thread (source " + pst.replica().sourceHost() + ":"
                        + pst.replica().sourcePort() + ")");
            }
            InstanceState frozen = readState(ps, pd);
            if ((wasWritable || oldPrimary) && p.bool("semisync") && !frozen.replica().configured()) {
                // the old primary, writable still or already demoted (a stop that failed half-way, a full
                // disk): with semi-sync every commit it acknowledged is on a replica, so what only it has was
                // never acknowledged, and must not hold the election up. Another read-only node that
                // replicates from nothing is not left out: it may be a replica that acknowledged.
                log.info("promote: " + peer + (wasWritable ? "" : ", the old primary by master-info,")
                        + " is left out of the election: its own position (semi-sync)");
                return Optional.empty();
            }
            if (frozen.replica().configured() && !Lineage.errant(frozen).isEmpty()
                    && frozen.slavePos() instanceof MariaGtidPos applied) {
                // its own errant writes were never acknowledged: what it got from the primary is what counts
                MariaGtidPos fromPrimary = frozen.replica().receivedGtid().isEmpty() ? applied
                        : applied.max(MariaGtidPos.parse(frozen.replica().receivedGtid()));
                log.warn("promote: " + peer + " has errant transactions " + Lineage.errant(frozen)
                        + "; its position from replication is " + fromPrimary);
                return Optional.of(fromPrimary);
            }
            return Optional.of(frozen.replica().configured() ? frozen.receivedPosition() : everything(frozen));
        } catch (SqlException | OcfException e) {
            log.info("promote: " + peer + " not reachable (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    /**
     * Another reachable node holds transactions this one lacks: opening writes now would lose them. The
     * promotion fails and this node lowers its score, so that Pacemaker promotes the better one.
     */
    private void yieldTo(Map<String, String> ahead) {
        lowerScore();
        StringBuilder b = new StringBuilder();
        ahead.forEach((n, why) -> b.append(b.length() == 0 ? "" : "; ").append(n).append(' ').append(why));
        throw OcfException.generic("promotion refused: reachable nodes hold transactions this node lacks ("
                + b + "); yielding to the better candidate");
    }

    /** Sends SIGCONT to a server process stopped by a signal (state T), saying so; a failure is only logged. */
    private void continueIfStopped(long pid, String action, String why) {
        if (!io.mysqld().stopped(pid)) {
            return;
        }
        log.warn(action + ": server pid " + pid + " is stopped (SIGSTOP); sending SIGCONT " + why);
        try {
            io.mysqld().resume(pid);
        } catch (RuntimeException e) {
            log.warn(action + ": " + e.getMessage());
        }
    }

    /** After a refused promotion: the lowest score a healthy replica has, so that a better node is chosen. */
    private void lowerScore() {
        try {
            io.cluster().setPromotionScore(rsc, Election.YIELD_SCORE, deadline);
            io.cache().delete(PUBLISHED_FILE);
        } catch (OcfException e) {
            log.warn("promote: cannot lower this node's score: " + e.getMessage());
        }
    }

    /**
     * Waits (bounded) until the SQL thread has applied everything the IO thread received. A transaction still
     * being applied is waited for, however long it takes within promote_drain_s (or the promote fails and the
     * transaction stays in the relay log); only an incomplete tail, whose rest never arrived, is left behind.
     */
    private void drainRelayLog(SqlSession s, Dialect d) {
        Deadline drain = deadline.atMost(p.integer("promote_drain_s") * 1000).reserve(0);
        s.execute(d.stopReplicaIo());
        boolean wholeGtids = d.version().isMariaDb();
        Position received = null;
        String lastExec = null;
        long stableSince = io.clock().nanoTime();
        boolean said = false;
        while (true) {
            Map<String, String> row = s.queryRow(d.replicaStatusQuery());
            ReplicaStatus r = d.parseReplicaStatus(row);
            if (!r.configured()) {
                return;
            }
            Boolean gtidApplied = null;
            Position applied = null;
            if (wholeGtids && !r.receivedGtid().isEmpty()) {
                InstanceState st = readState(s, d);
                // as first seen, too: what SHOW SLAVE STATUS reports as received can be reset while the relay
                // log still holds it
                received = CompensationPlan.union(received, st.receivedPosition());
                applied = st.appliedPosition();
                gtidApplied = CompensationPlan.covers(applied, received);
            }
            boolean met = r.received() != null && r.received().equals(r.executed());
            String exec = String.valueOf(r.executed());
            if (!exec.equals(lastExec)) {
                lastExec = exec;
                stableSince = io.clock().nanoTime();
            }
            String sqlState = d.sqlThreadState(row);
            RelayDrain.Next next = RelayDrain.next(met, gtidApplied, sqlState,
                    (io.clock().nanoTime() - stableSince) / 1_000_000);
            if (next == RelayDrain.Next.APPLIED) {
                log.info("promote: relay log applied up to " + r.executed());
                return;
            }
            String what = gtidApplied == null ? "received " + r.received() + ", executed " + r.executed()
                    : "received " + received.text() + ", applied " + applied.text();
            if (!r.sqlRunning()) {
                throw OcfException.generic("cannot promote: the SQL thread is stopped with relay log unapplied ("
                        + what + "; " + r.summary() + ")");
            }
            if (next == RelayDrain.Next.INCOMPLETE_TAIL) {
                log.warn("promote: relay log applied up to " + r.executed() + ", received " + r.received()
                        + " (the rest is an incomplete transaction)");
                return;
            }
            if (drain.expired()) {
                throw OcfException.generic("cannot promote: relay log not applied within promote_drain_s (" + what
                        + ", SQL thread: " + (sqlState.isBlank() ? "?" : sqlState) + "; " + r.summary()
                        + "); what it received stays in its relay log");
            }
            if (!said && gtidApplied == Boolean.FALSE && !RelayDrain.waitsForEvents(sqlState)
                    && (io.clock().nanoTime() - stableSince) / 1_000_000 > RelayDrain.STALL_MS) {
                said = true;
                log.info("promote: still applying a received transaction (" + what + ", SQL thread: " + sqlState
                        + "); waiting up to promote_drain_s");
            }
            sleep(100);
        }
    }

    public int demote() {
        validate(false);
        OptionalLong running = io.mysqld().runningPid();
        if (running.isEmpty()) {
            io.state().delete(ROLE_FILE);
            log.info("demote: not running");
            return OcfExit.SUCCESS.code();
        }
        // a SIGSTOPped server answers nothing: continue it so that it can be made read-only now rather than
        // when someone thaws it (its semi-sync replicas still hold whatever it acknowledges)
        continueIfStopped(running.getAsLong(), "demote", "to demote it");
        // master-info, read while the server is made read-only (the demote is on every switchover's path)
        io.cluster().prefetchProperties(deadline);
        try (SqlSession s = io.sql().connect("127.0.0.1", port(), credentials().admin(), deadline.atMost(10_000))) {
            Dialect d = dialect(s);
            int killed = makeReadOnly(s, d);
            try {
                ApplyTuning.restoreLeftover(s, io.state())
                        .ifPresent(t -> log.warn("demote: restored what an interrupted compensation left: " + t));
            } catch (OcfException | SqlException e) {
                log.warn("demote: " + e.getMessage()); // read-only all the same; a promote checks again
            }
            InstanceState st = readState(s, d);
            if (st.semiSync().available() && st.semiSync().primaryEnabled()) {
                exec(s, d.disablePrimarySemiSync());
            }
            io.state().delete(ROLE_FILE);
            log.info("demote: read-only, " + killed + " client session(s) killed");
            Optional<MasterInfo> mi = masterInfo();
            if (mi.isPresent() && !mi.get().node().equals(localNode()) && !followsPrimary(st, mi.get())) {
                try {
                    repoint(s, d, st, mi.get().node(), mi.get().node());
                } catch (OcfException | SqlException | Diverged e) {
                    // demoted all the same (read-only, clients gone); whether it may follow is start's question
                    log.warn("demote: " + e.getMessage());
                }
            }
        }
        return OcfExit.SUCCESS.code();
    }

    public int notifyAction() {
        Notify n = env.notifyInfo();
        log.debug("notify: " + n);
        // Pre-promote does nothing (the shim answers it without a JVM): Pacemaker has chosen the candidate by
        // then, and the candidate's promote reads every reachable peer's position itself (isolateOldPrimary),
        // catches up or yields. The positions the choice used are the ones each monitor publishes.
        if (!n.isPost() || !"promote".equals(n.operation())) {
            return OcfExit.SUCCESS.code();
        }
        if (n.promote().isEmpty() || n.promote().contains(localNode())) {
            return OcfExit.SUCCESS.code();
        }
        String primary = n.promote().get(0);
        // master-info and the promotion record in one read, begun now: the writer VIP waits for this notification
        io.cluster().prefetchProperties(deadline);
        try {
            validate(false);
            if (io.mysqld().runningPid().isEmpty()) {
                return OcfExit.SUCCESS.code();
            }
            Phases t = new Phases(io.clock());
            try (SqlSession s = io.sql().connect("127.0.0.1", port(), credentials().admin(), deadline.atMost(30_000))) {
                Dialect d = dialect(s);
                InstanceState st = readState(s, d);
                if (!st.readOnly()) {
                    log.warn("notify: writable while " + primary + " was promoted; setting read_only");
                    makeReadOnly(s, d);
                }
                t.mark("local");
                repoint(s, d, st, primary, masterInfo().map(MasterInfo::node).orElse(null));
                t.mark("repoint");
            }
            log.info("notify: following " + primary + " after " + t.total() + " ms (" + t + ")");
        } catch (OcfException | SqlException | Diverged e) {
            // notify results are ignored by Pacemaker: the monitor repairs what this could not do
            log.error("notify: repointing to " + primary + " failed: " + e.getMessage());
        }
        return OcfExit.SUCCESS.code();
    }

    // ---------------------------------------------------------------- shared steps

    private boolean followsPrimary(InstanceState st, MasterInfo mi) {
        Endpoint e = endpointOf(mi.node());
        ReplicaStatus r = st.replica();
        return r.configured() && r.sourcePort() == e.port()
                && (r.sourceHost().equals(e.host()) || r.sourceHost().equals(mi.node()));
    }

    /** MariaDB: this server's binlog is ahead of what it applied from replication (it wrote as a primary). */
    static boolean hasOwnTransactions(InstanceState st) {
        return st.binlogPos() instanceof MariaGtidPos bin && st.slavePos() instanceof MariaGtidPos slave
                && bin.compareTo(slave) == Order.AHEAD;
    }

    /**
     * Makes this server replicate from {@code primary} with GTID positioning. {@code recorded}: the node
     * master-info names (null when none), as the caller already read it, for log compensation.
     */
    void repoint(SqlSession s, Dialect d, InstanceState st, String primary, String recorded) {
        if (primary.equals(localNode())) {
            return;
        }
        Endpoint ep = endpointOf(primary);
        if (hasOwnTransactions(st)) {
            // it was a primary: it may follow the new one only if it holds nothing the new one lacks
            List<String> extra = Lineage.notInPrimary(everything(st), binlogStateOf(ep, d));
            if (!extra.isEmpty()) {
                throw new Diverged("not replicating from " + primary + ": this node has transactions it lacks: "
                        + String.join("; ", extra) + ". Rebuild this node from the primary");
            }
        }
        if (st.replica().configured()) {
            s.execute(d.stopReplica());
        }
        if (hasOwnTransactions(st) && st.binlogPos() instanceof MariaGtidPos bin
                && st.slavePos() instanceof MariaGtidPos slave) {
            // This server wrote transactions of its own (it was primary): replication must resume after them,
            // or the new primary would send them again.
            MariaGtidPos merged = slave.max(bin);
            s.execute("SET GLOBAL gtid_slave_pos = " + Dialect.quote(merged.text()));
            log.info("repoint: gtid_slave_pos set to " + merged.text() + " (own transactions included)");
        }
        if (p.bool("semisync") && isHaNode() && st.semiSync().available()) {
            // read when the IO thread starts: set before START SLAVE
            exec(s, d.enableReplicaSemiSync(true));
        }
        Credential repl = credentials().replication();
        Compensator compensation = compensator(recorded);
        Optional<BinlogCoordinates> at = compensation.beforeRepoint(s, d, st, primary, deadline);
        if (at.isPresent()) {
            s.executeSecret(d.changeSourceCoordinates(ep.host(), ep.port(), repl.user(), repl.password(), at.get(), 1,
                    credentials().tls()),
                    "CHANGE MASTER TO " + ep.text() + " at " + at.get());
        } else {
            s.executeSecret(d.changeSourceGtid(ep.host(), ep.port(), repl.user(), repl.password(), 1, credentials().tls()),
                    "CHANGE MASTER TO " + ep.text() + " with GTID");
        }
        s.execute(d.startReplica());
        log.info("repoint: replicating from " + primary + " (" + ep.text() + ") " + at.map(c -> "at " + c).orElse("with GTID"));
        compensation.afterRepoint(s, d, primary, deadline);
    }

    /** The log-compensation module, wired to this agent's ports; oldPrimary: master-info's node, or null. */
    private Compensator compensator(String oldPrimary) {
        return Compensator.of(p, rsc, localNode(), oldPrimary,
                new Compensator.Io(io.sql(), io.runner(), io.state(), io.cluster(), io.clock(), credentials()), log);
    }

    /**
     * Takes writes away from a server: clients are killed first, then read_only is set, then clients that
     * connected meanwhile are killed too. The order matters on a primary whose commits wait for a semi-sync
     * ACK that will never come (an isolated old primary): setting read_only waits for commits in progress,
     * and killing their sessions ends the waits without acknowledging anything to the clients. Semi-sync
     * itself is never switched off there first, which would acknowledge those commits.
     */
    private int makeReadOnly(SqlSession s, Dialect d) {
        int killed = killClients(s, d);
        exec(s, d.setReadOnly(true));
        return killed + killClients(s, d);
    }

    private int killClients(SqlSession s, Dialect d) {
        int n = 0;
        for (Map<String, String> row : s.query(d.clientSessionsQuery())) {
            try {
                s.execute(d.killConnection(Long.parseLong(row.get("ID"))));
                n++;
            } catch (SqlException e) {
                // already gone
            }
        }
        return n;
    }

    Optional<MasterInfo> masterInfo() {
        Optional<String> raw = io.cluster().clusterProperty(masterInfoProperty(), deadline);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MasterInfo.parse(raw.get()));
        } catch (IllegalArgumentException e) {
            throw OcfException.generic("cluster property " + masterInfoProperty() + " is unreadable ("
                    + e.getMessage() + "); fix or delete it with crm_attribute");
        }
    }

    String masterInfoProperty() {
        return "mysqlha_" + rsc + "_master_info";
    }

    private boolean isPromotedMarker() {
        return io.state().read(ROLE_FILE).map(s -> CrashGuard.promotedMarkerValid(s, bootId())).orElse(false);
    }

    private boolean isHaNode() {
        List<String> ha = haNodes();
        return ha.isEmpty() || ha.contains(localNode());
    }

    private String localNode() {
        return io.cluster().localNode();
    }

    static Dialect dialect(SqlSession s) {
        return Dialect.forVersion(ServerVersion.parse(s.serverVersion(), ""));
    }

    static InstanceState readState(SqlSession s, Dialect d) {
        Map<String, String> vars = s.queryRow(d.variablesQuery());
        List<Map<String, String>> semi = s.query(d.semiSyncQuery());
        Map<String, String> repl = s.queryRow(d.replicaStatusQuery());
        return d.parseState(vars == null ? Map.of() : vars, semi, repl);
    }

    private static void exec(SqlSession s, List<String> statements) {
        for (String sql : statements) {
            s.execute(sql);
        }
    }

    private void sleep(long ms) {
        try {
            io.clock().sleepMillis(Math.min(ms, Math.max(1, deadline.remainingMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OcfException.generic("interrupted");
        }
    }
}
