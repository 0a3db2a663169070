package io.mysqlha.status;

import io.mysqlha.adapter.XmlTags;
import io.mysqlha.decide.FlapGuard;
import io.mysqlha.decide.MonitorAnalyzer;
import io.mysqlha.decide.VoteQuorum;
import io.mysqlha.dialect.Dialect;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.MasterInfo;
import io.mysqlha.model.MysqlGtidSet;
import io.mysqlha.model.Position;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.LocalState;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlSession;
import io.mysqlha.status.StatusReport.LocalView;
import io.mysqlha.status.StatusReport.MasterInfoView;
import io.mysqlha.status.StatusReport.NodeView;
import io.mysqlha.status.StatusReport.ReplicationView;
import io.mysqlha.status.StatusReport.SemiSyncView;
import io.mysqlha.status.StatusReport.ServerView;
import io.mysqlha.status.StatusReport.VipView;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Gathers a {@link StatusReport}: Pacemaker's picture from one {@code cibadmin --query --scope resources} (the
 * mysql resource's parameters: node_addresses, port, state_dir; the VIPs' addresses) and one
 * {@code crm_mon --output-as=xml} (nodes, roles, attributes, fail counts, failed actions), the master-info
 * property, then every node's server asked in parallel, each within {@code perNodeMs}: a node that does not
 * answer in time is reported unreachable, and never delays the others. Read-only: it changes nothing.
 */
public final class ClusterStatus {
    /** The parameters of the mysql resource that say how to reach its servers, read from the CIB. */
    public record ResourceConfig(String primitive, String cloneId, Map<String, String> params, List<VipConfig> vips) {
        public String param(String name, String dflt) {
            String v = params.get(name);
            return v == null || v.isEmpty() ? dflt : v;
        }
    }

    /** A VIP primitive: id, address, agent. */
    public record VipConfig(String id, String ip, String agent) {
    }

    /** What the gathering needs from outside. {@code credential}: the monitor account, for the resource's TLS. */
    public record Ports(CommandRunner runner, Function<ResourceConfig, SqlConnector> sql,
                        Function<ResourceConfig, Credential> credential, Function<ResourceConfig, LocalState> localState,
                        Clock clock) {
    }

    static final List<String> CRM_MON = List.of("crm_mon", "--output-as=xml", "--include=none",
            "--include=nodes,resources,attributes,failcounts,failures");

    private final Ports io;

    public ClusterStatus(Ports io) {
        this.io = io;
    }

    /**
     * @param resource  the mysql primitive's id, or null to find the ocf:mysqlha:mysql primitive in the CIB
     * @param localNode this node's name (null: ask crm_node)
     * @param perNodeMs bound of each node's server query
     */
    public StatusReport gather(String resource, String localNode, long perNodeMs) {
        long t0 = io.clock().nanoTime();
        long takenAt = io.clock().wallMillis();
        Deadline d = Deadline.in(io.clock(), 15_000);
        String clusterError = null;
        ResourceConfig cfg = null;
        CrmMon mon = null;
        Boolean quorum = null;
        StatusReport.QuorumDeviceView device = null;
        MasterInfoView mi = null;
        String me = localNode;
        try {
            cfg = resources(must(d, List.of("cibadmin", "--query", "--scope", "resources")), resource);
            mon = crmMon(must(d, CRM_MON), cfg.primitive());
            CommandRunner.Result q = io.runner().run(List.of("crm_node", "-q"), null, d.atMost(5_000));
            quorum = q.ok() ? "1".equals(q.stdout().trim()) : null;
            if (me == null) {
                CommandRunner.Result n = io.runner().run(List.of("crm_node", "-n"), null, d.atMost(5_000));
                me = n.ok() ? n.stdout().trim() : null;
            }
            device = quorumDevice(io.runner().run(List.of("corosync-quorumtool", "-s"), null, d.atMost(5_000)));
            CommandRunner.Result p = io.runner().run(List.of("crm_attribute", "--type", "crm_config", "--name",
                    "mysqlha_" + cfg.primitive() + "_master_info", "--query", "--quiet"), null, d.atMost(5_000));
            if (p.ok() && !p.stdout().isBlank()) {
                mi = masterInfo(p.stdout().trim());
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            clusterError = e.getMessage();
        }
        if (cfg == null) {
            cfg = new ResourceConfig(resource == null ? "mysql" : resource, null, Map.of(), List.of());
        }
        List<NodeView> nodes = new ArrayList<>();
        if (mon != null) {
            nodes = askServers(cfg, mon, me, perNodeMs);
        }
        List<VipView> vips = new ArrayList<>();
        for (VipConfig v : cfg.vips()) {
            vips.add(new VipView(v.id(), v.ip(), v.agent(), mon == null ? List.of()
                    : mon.holders().getOrDefault(v.id(), List.of())));
        }
        return new StatusReport(StatusReport.SCHEMA_VERSION, takenAt, (io.clock().nanoTime() - t0) / 1_000_000L, me,
                cfg.primitive(), cfg.cloneId(), quorum, clusterError, mi, nodes, vips, device);
    }

    private String must(Deadline d, List<String> argv) {
        CommandRunner.Result r = io.runner().run(argv, null, d.atMost(10_000));
        if (!r.ok()) {
            String why = r.timedOut() ? "timed out" : "exit " + r.exit() + ": " + r.message();
            throw new IllegalStateException(String.join(" ", argv.subList(0, Math.min(2, argv.size()))) + " failed ("
                    + why + "); is Pacemaker running on this node?");
        }
        return r.stdout();
    }

    /** corosync-quorumtool -s (exit 0 quorate, 2 not: both are read): the device's vote, null when none. */
    static StatusReport.QuorumDeviceView quorumDevice(CommandRunner.Result r) {
        if (r.timedOut()) {
            return null;
        }
        VoteQuorum v = VoteQuorum.parse(r.stdout());
        return v == null || !v.device() ? null : new StatusReport.QuorumDeviceView(v.deviceVotes());
    }

    static MasterInfoView masterInfo(String raw) {
        try {
            MasterInfo m = MasterInfo.parse(raw);
            return new MasterInfoView(m.node(), m.epoch(), m.position(), m.timeMs(), raw);
        } catch (IllegalArgumentException e) {
            return new MasterInfoView(null, -1, null, 0, raw);
        }
    }

    private List<NodeView> askServers(ResourceConfig cfg, CrmMon mon, String me, long perNodeMs) {
        Map<String, String> addrs = addresses(cfg.param("node_addresses", ""));
        int defaultPort = parsePort(cfg.param("port", "3306"), 3306);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, mon.nodes().size()), r -> {
            Thread t = new Thread(r, "mysqlha-status");
            t.setDaemon(true);
            return t;
        });
        try {
            SqlConnector sql = io.sql().apply(cfg);
            Credential cred = null;
            String credError = null;
            try {
                cred = io.credential().apply(cfg);
            } catch (RuntimeException e) {
                credError = "no monitor credentials: " + e.getMessage();
            }
            Map<String, Endpoint> endpoints = new LinkedHashMap<>();
            Map<String, Future<ServerView>> futures = new LinkedHashMap<>();
            for (String node : mon.nodes().keySet()) {
                Endpoint ep = endpoint(addrs, node, defaultPort);
                endpoints.put(node, ep);
                if (cred != null) {
                    Credential c = cred;
                    futures.put(node, pool.submit(() -> ask(sql, ep.host(), ep.port(), c, perNodeMs)));
                }
            }
            // the hard stop: the connection's bound, the queries' bound, and a margin
            long end = io.clock().nanoTime() + 2 * perNodeMs * 1_000_000L + 500_000_000L;
            Map<String, ServerView> servers = new LinkedHashMap<>();
            Map<String, String> errors = new LinkedHashMap<>();
            for (String node : mon.nodes().keySet()) {
                Future<ServerView> f = futures.get(node);
                if (f == null) {
                    errors.put(node, credError);
                    continue;
                }
                try {
                    servers.put(node, f.get(Math.max(0, end - io.clock().nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    f.cancel(true);
                    errors.put(node, "no answer within " + (2 * perNodeMs + 500) + " ms");
                } catch (java.util.concurrent.ExecutionException e) {
                    errors.put(node, String.valueOf(e.getCause().getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.put(node, "interrupted");
                }
            }
            // ACKing replicas: the semi-sync replicas whose IO thread runs from the primary's address
            List<NodeView> out = new ArrayList<>();
            for (Map.Entry<String, Boolean> e : mon.nodes().entrySet()) {
                String node = e.getKey();
                ServerView s = servers.get(node);
                if (s != null && "primary".equals(s.semiSync().mode())) {
                    List<String> acking = new ArrayList<>();
                    servers.forEach((other, o) -> {
                        if (!other.equals(node) && "replica".equals(o.semiSync().mode()) && o.replication() != null
                                && "yes".equals(o.replication().ioThread())
                                && o.replication().source().startsWith(endpoints.get(node).host() + ":")) {
                            acking.add(other);
                        }
                    });
                    SemiSyncView v = s.semiSync();
                    s = new ServerView(s.version(), s.serverId(), s.readOnly(), s.applied(), s.received(), s.appliedSeq(),
                            s.receivedSeq(), s.replication(), new SemiSyncView(v.mode(), v.active(), v.clients(),
                            v.waitSessions(), v.yesTx(), v.noTx(), acking, v.problem()), s.queryMs());
                }
                Map<String, String> attrs = mon.attributes().getOrDefault(node, Map.of());
                Endpoint ep = endpoints.get(node);
                out.add(new NodeView(node, ep.host() + ":" + ep.port(), e.getValue(), mon.roles().getOrDefault(node, "stopped"),
                        intOrNull(attrs.get("master-" + cfg.primitive())), boolOrNull(attrs.get(cfg.primitive() + "-readable")),
                        longOrNull(attrs.get(cfg.primitive() + "-lag")), mon.failCounts().getOrDefault(node, Map.of()),
                        mon.failures().getOrDefault(node, List.of()), s, s == null ? errors.get(node) : null,
                        node.equals(me) ? local(cfg) : null));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private LocalView local(ResourceConfig cfg) {
        try {
            LocalState st = io.localState().apply(cfg);
            String fence = st.read("master-info").map(String::trim).orElse(null);
            Long epoch = null;
            if (fence != null) {
                try {
                    epoch = MasterInfo.parse(fence).epoch();
                } catch (IllegalArgumentException e) {
                    // shown raw
                }
            }
            return new LocalView(fence, epoch, st.read("lifecycle").map(String::trim).orElse(null),
                    st.read("held-out").map(String::trim).orElse(null),
                    FlapGuard.parse(st.read("crashes").orElse(null)).size());
        } catch (RuntimeException e) {
            return new LocalView(null, null, "unreadable: " + e.getMessage(), null, 0);
        }
    }

    /**
     * One node's server: its connection within {@code perNodeMs}, then its queries within {@code perNodeMs}
     * again. Two bounds rather than one: in a fresh JVM the driver's first connection spends a second or more
     * loading classes, which is no sign of the node's health and must not count as its silence.
     */
    static ServerView ask(SqlConnector sql, String host, int port, Credential cred, long perNodeMs) {
        long t0 = System.nanoTime();
        Deadline connect = Deadline.in(Clock.SYSTEM, perNodeMs);
        SqlSession s;
        try {
            s = sql.connect(host, port, cred, connect);
        } catch (RuntimeException e) {
            // the reason without the account's name: /status and /metrics carry no credential of any kind
            throw new IllegalStateException(connect.expired() ? "no answer within " + perNodeMs + " ms"
                    : shortReason(e).replace(" as " + cred.user(), ""));
        }
        Deadline d = Deadline.in(Clock.SYSTEM, perNodeMs);
        try (s) {
            s.bound(d);
            return queries(s, t0);
        } catch (RuntimeException e) {
            throw new IllegalStateException(d.expired() ? "connected, but no answer to its queries within " + perNodeMs
                    + " ms" : shortReason(e));
        }
    }

    /** A failed query's reason without the query text the SQL layer puts before it. */
    static String shortReason(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("SELECT ") || m.startsWith("SHOW ")) {
            int i = m.lastIndexOf("): ");
            int j = i >= 0 ? i + 3 : m.lastIndexOf(": ") + 2;
            if (j > 1 && j < m.length()) {
                return m.substring(j);
            }
        }
        return m;
    }

    private static ServerView queries(SqlSession s, long t0) {
        {
            Dialect dl = Dialect.forVersion(ServerVersion.parse(s.serverVersion(), ""));
            InstanceState st = dl.parseState(s.queryRow(dl.variablesQuery()), s.query(dl.semiSyncQuery()),
                    s.queryRow(dl.replicaStatusQuery()));
            Map<String, Long> waits = new TreeMap<>();
            if (st.semiSync().primaryEnabled()) {
                for (Map<String, String> row : s.query("SELECT VARIABLE_NAME, VARIABLE_VALUE FROM "
                        + "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('RPL_SEMI_SYNC_MASTER_WAIT_SESSIONS',"
                        + " 'RPL_SEMI_SYNC_MASTER_YES_TX', 'RPL_SEMI_SYNC_MASTER_NO_TX', 'RPL_SEMI_SYNC_SOURCE_WAIT_SESSIONS',"
                        + " 'RPL_SEMI_SYNC_SOURCE_YES_TX', 'RPL_SEMI_SYNC_SOURCE_NO_TX')")) {
                    String name = String.valueOf(row.get("VARIABLE_NAME")).toUpperCase().replace("_SOURCE_", "_MASTER_");
                    Long v = longOrNull(row.get("VARIABLE_VALUE"));
                    waits.put(name, v == null ? 0 : v);
                }
            }
            return view(st, waits, (System.nanoTime() - t0) / 1_000_000L);
        }
    }

    static ServerView view(InstanceState st, Map<String, Long> waits, long queryMs) {
        ReplicaStatus r = st.replica();
        ReplicationView rv = !r.configured() ? null : new ReplicationView(r.sourceHost() + ":" + r.sourcePort(),
                r.ioState().name().toLowerCase(), r.sqlRunning(), r.secondsBehind(), r.lastIoErrno(),
                emptyToNull(r.lastIoError()), r.lastSqlErrno(), emptyToNull(r.lastSqlError()), r.usingGtid());
        SemiSync ss = st.semiSync();
        String mode = !ss.available() ? "unavailable" : ss.primaryEnabled() ? "primary" : ss.replicaEnabled() ? "replica" : "off";
        SemiSyncView sv = new SemiSyncView(mode, ss.primaryActive(), ss.clients(),
                waits.getOrDefault("RPL_SEMI_SYNC_MASTER_WAIT_SESSIONS", 0L),
                waits.getOrDefault("RPL_SEMI_SYNC_MASTER_YES_TX", 0L), waits.getOrDefault("RPL_SEMI_SYNC_MASTER_NO_TX", 0L),
                List.of(), ss.primaryEnabled() ? MonitorAnalyzer.semiSyncProblem(ss) : null);
        return new ServerView(st.version().toString(), st.serverId(), st.readOnly(), st.appliedPosition().text(),
                st.receivedPosition().text(), sequences(st.appliedPosition()), sequences(st.receivedPosition()), rv, sv,
                queryMs);
    }

    /** A position as one sequence number per MariaDB domain, or per MySQL source UUID (its highest number). */
    public static Map<String, Long> sequences(Position p) {
        Map<String, Long> m = new TreeMap<>();
        if (p instanceof MariaGtidPos g) {
            g.byDomain().forEach((dom, gtid) -> m.put(Long.toString(dom), gtid.seq()));
        } else if (p instanceof MysqlGtidSet s) {
            s.sets().forEach((uuid, iv) -> m.put(uuid, iv.isEmpty() ? 0 : iv.get(iv.size() - 1).end()));
        }
        return m;
    }

    // ------------------------------------------------------------------ parsing Pacemaker's XML

    /** Pacemaker's picture from crm_mon: node online, role, attributes, fail counts, failed actions. */
    record CrmMon(Map<String, Boolean> nodes, Map<String, String> roles, Map<String, Map<String, String>> attributes,
                  Map<String, Map<String, Integer>> failCounts, Map<String, List<String>> failures,
                  Map<String, List<String>> holders) {
    }

    /** Finds the mysql primitive ({@code resource}, or the first ocf:mysqlha:mysql) and the VIPs in the CIB. */
    public static ResourceConfig resources(String xml, String resource) {
        String[] found = {null, null};
        Map<String, Map<String, String>> params = new LinkedHashMap<>();
        Map<String, String> agents = new LinkedHashMap<>();
        Map<String, String> cloneOf = new LinkedHashMap<>();
        Deque<String[]> stack = new ArrayDeque<>(); // {tag, id}
        XmlTags.scan(xml, t -> {
            if (t.end()) {
                if (!stack.isEmpty()) {
                    stack.pop();
                }
                return;
            }
            String prim = null;
            String clone = null;
            String section = null;
            for (String[] s : stack) {
                if (prim == null && s[0].equals("primitive")) {
                    prim = s[1];
                }
                if (clone == null && s[0].equals("clone")) {
                    clone = s[1];
                }
                if (section == null && (s[0].equals("instance_attributes") || s[0].equals("meta_attributes")
                        || s[0].equals("operations"))) {
                    section = s[0];
                }
            }
            if (t.name().equals("primitive")) {
                String agent = t.attr("class") + (t.attr("provider") == null ? "" : ":" + t.attr("provider")) + ":"
                        + t.attr("type");
                agents.put(t.attr("id"), agent);
                params.put(t.attr("id"), new LinkedHashMap<>());
                if (clone != null) {
                    cloneOf.put(t.attr("id"), clone);
                }
            } else if (t.name().equals("nvpair") && prim != null && "instance_attributes".equals(section)) {
                params.get(prim).put(t.attr("name"), t.attr("value"));
            }
            if (!t.empty()) {
                stack.push(new String[]{t.name(), t.attr("id")});
            }
        });
        for (Map.Entry<String, String> e : agents.entrySet()) {
            boolean match = resource == null ? e.getValue().equals("ocf:mysqlha:mysql")
                    : e.getKey().equals(resource) || resource.equals(cloneOf.get(e.getKey()));
            if (match) {
                found[0] = e.getKey();
                break;
            }
        }
        if (found[0] == null) {
            throw new IllegalArgumentException(resource == null
                    ? "no ocf:mysqlha:mysql resource in the CIB: configure the cluster first (pcs-config/mysqlha-cluster)"
                    : "no resource '" + resource + "' in the CIB: name the mysql primitive or its clone with --resource");
        }
        List<VipConfig> vips = new ArrayList<>();
        agents.forEach((id, agent) -> {
            if (agent.equals("ocf:mysqlha:vip") || agent.endsWith(":IPaddr2")) {
                vips.add(new VipConfig(id, params.get(id).getOrDefault("ip", ""), agent));
            }
        });
        return new ResourceConfig(found[0], cloneOf.get(found[0]), params.get(found[0]), vips);
    }

    static CrmMon crmMon(String xml, String rsc) {
        Map<String, Boolean> nodes = new LinkedHashMap<>();
        Map<String, String> roles = new LinkedHashMap<>();
        Map<String, Map<String, String>> attrs = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> fails = new LinkedHashMap<>();
        Map<String, List<String>> failures = new LinkedHashMap<>();
        Map<String, List<String>> holders = new LinkedHashMap<>();
        Deque<String> path = new ArrayDeque<>();
        String[] cur = {null, null, null, null}; // resource id, role, active, failed
        String[] node = {null};
        String[] status = {null, null};
        XmlTags.scan(xml, t -> {
            if (t.end()) {
                if (!path.isEmpty() && path.pop().equals("resource")) {
                    cur[0] = null;
                }
                return;
            }
            String parent = path.peek();
            switch (t.name()) {
                case "status" -> {
                    if (path.size() == 1) {
                        status[0] = t.attr("code");
                        status[1] = t.attr("message");
                    }
                }
                case "node" -> {
                    if ("nodes".equals(parent)) {
                        nodes.put(t.attr("name"), "true".equals(t.attr("online")) && !"true".equals(t.attr("unclean")));
                    } else if ("resource".equals(parent) && cur[0] != null) {
                        String id = cur[0];
                        if (id.equals(rsc)) {
                            String role = "true".equals(cur[3]) ? "failed" : !"true".equals(cur[2]) ? "stopped"
                                    : switch (cur[1] == null ? "" : cur[1]) {
                                case "Promoted", "Master" -> "promoted";
                                case "Unpromoted", "Slave", "Started" -> "unpromoted";
                                case "Promoting" -> "promoting";
                                case "Demoting" -> "demoting";
                                default -> cur[1].toLowerCase();
                            };
                            roles.merge(t.attr("name"), role, (a, b) -> a.equals("failed") || b.equals("failed")
                                    ? "failed" : a);
                        } else if ("true".equals(cur[2])) {
                            holders.computeIfAbsent(id, k -> new ArrayList<>()).add(t.attr("name"));
                        }
                    } else if ("node_attributes".equals(parent) || "node_history".equals(parent)) {
                        node[0] = t.attr("name");
                    }
                }
                case "resource" -> {
                    if (path.contains("resources")) {
                        String id = t.attr("id") == null ? "" : t.attr("id");
                        int colon = id.indexOf(':');
                        cur[0] = colon > 0 ? id.substring(0, colon) : id;
                        cur[1] = t.attr("role");
                        cur[2] = t.attr("active");
                        cur[3] = t.attr("failed");
                    }
                }
                case "attribute" -> {
                    if ("node".equals(parent) && node[0] != null && path.contains("node_attributes")) {
                        attrs.computeIfAbsent(node[0], k -> new LinkedHashMap<>()).put(t.attr("name"), t.attr("value"));
                    }
                }
                case "resource_history" -> {
                    if (node[0] != null && t.attr("fail-count") != null) {
                        Integer c = intOrNull(t.attr("fail-count"));
                        String id = t.attr("id");
                        int colon = id == null ? -1 : id.indexOf(':');
                        fails.computeIfAbsent(node[0], k -> new TreeMap<>()).merge(colon > 0 ? id.substring(0, colon)
                                : id, c == null ? 1_000_000 : c, Math::max);
                    }
                }
                case "failure" -> {
                    String n = t.attr("node") == null ? t.attr("uname") : t.attr("node");
                    if (n != null) {
                        String reason = exitReason(t.attr("exitreason"));
                        failures.computeIfAbsent(n, k -> new ArrayList<>()).add(t.attr("op_key") + " "
                                + t.attr("exitstatus") + (reason == null || reason.isEmpty() ? "" : ": " + reason));
                    }
                }
                default -> { }
            }
            if (!t.empty()) {
                path.push(t.name());
            }
        });
        if (status[0] != null && !status[0].equals("0")) {
            throw new IllegalArgumentException("crm_mon reports status " + status[0] + " (" + status[1] + ")");
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("crm_mon lists no node");
        }
        return new CrmMon(nodes, roles, attrs, fails, failures, holders);
    }

    public static Map<String, String> addresses(String pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : pairs.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && eq < pair.length() - 1) {
                m.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return m;
    }

    /** Where a node's server answers. */
    public record Endpoint(String host, int port) {
    }

    /**
     * A node's server from the parsed node_addresses ({@code node=address} or {@code node=address:port}),
     * else the node's name, at {@code defaultPort} where none is given (or it does not parse).
     */
    public static Endpoint endpoint(Map<String, String> addresses, String node, int defaultPort) {
        String a = addresses.getOrDefault(node, node);
        int colon = a.lastIndexOf(':');
        if (colon > 0 && a.indexOf(':') == colon) {
            return new Endpoint(a.substring(0, colon), parsePort(a.substring(colon + 1), defaultPort));
        }
        return new Endpoint(a, defaultPort);
    }

    private static int parsePort(String s, int dflt) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static Integer intOrNull(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return s != null && s.trim().equals("INFINITY") ? 1_000_000 : null;
        }
    }

    static Long longOrNull(Object s) {
        try {
            return s == null ? null : Long.valueOf(String.valueOf(s).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Boolean boolOrNull(String s) {
        return s == null ? null : "1".equals(s.trim()) || "true".equalsIgnoreCase(s.trim());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * A failed action's exit reason as the agent wrote it. Pacemaker escapes the reason when it records it,
     * and crm_mon's XML escapes that again, so an XML parser still returns {@code &apos;} for a quote.
     */
    public static String exitReason(String attr) {
        if (attr == null || attr.indexOf('&') < 0) {
            return attr;
        }
        return attr.replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
