package io.mysqlha.cli;

import io.mysqlha.adapter.CredentialsFile;
import io.mysqlha.adapter.FileLocalState;
import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.agent.MysqlAgent;
import io.mysqlha.decide.SwitchoverCheck;
import io.mysqlha.dialect.Dialect;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlSession;
import io.mysqlha.status.ClusterStatus;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code mysqlha switchover}: a planned move of the primary. Checks first (see {@link SwitchoverCheck}),
 * then a location constraint with a lifetime through Pacemaker, which the command clears itself on every
 * path (normal, failure, SIGINT/SIGTERM); a SIGKILL leaves it to expire. While the role moves, the command
 * writes a heartbeat row every few milliseconds to the old primary and, once it is writable, to the new
 * one, directly on their node addresses: the write pause it prints is the time between the last heartbeat
 * the old primary committed and the first the new one committed, on this process's own clock.
 */
@Command(name = "switchover", description = "Move the primary to another HA node on purpose, after checking that "
        + "it can take over; prints the write pause it measured and a RESULT line. Run it on a cluster node.")
public final class SwitchoverCommand implements Callable<Integer> {
    @Option(names = "--to", description = "the new primary (default: the candidate Pacemaker would promote: the "
            + "highest promotion score)")
    String to;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds the move may take before it is "
            + "called failed (default 60)")
    long timeoutS;

    @Option(names = "--dry-run", description = "run the checks only; nothing moves, nothing is written")
    boolean dryRun;

    @Option(names = "--max-lag", defaultValue = "5", description = "refuse if the target lags more than this "
            + "many seconds (default 5)")
    long maxLagS;

    @Option(names = "--max-trx-age", defaultValue = "10", description = "refuse if a transaction open on the "
            + "primary is older than this many seconds: it would hold the demote (default 10)")
    long maxTrxAgeS;

    @Option(names = "--resource", defaultValue = "db", description = "the promotable clone (default: db)")
    String clone;

    @Option(names = "--writer-vip-resource", defaultValue = "writer-vip", description = "the writer VIP's "
            + "resource, whose move is timed too (default: writer-vip)")
    String writerVipResource;

    @Option(names = "--credentials", description = "credentials file (default: the agent's credentials_file)")
    Path credentials;

    /** The heartbeat table (created on the primary when absent; one row per node, updated in place). */
    static final String HEARTBEAT_TABLE = "mysqlha.heartbeat";
    static final long HEARTBEAT_INTERVAL_MS = 10;

    private final CommandRunner runner = new ProcessCommandRunner();
    /** With the resource's TLS (set in call(), from the CIB). */
    private SqlConnector sql;
    private final PrintStream out = System.out;

    /** The agent's parameters, as the CIB holds them. */
    record Agent(String primitive, Map<String, String> params) {
        String param(String name, String dflt) {
            String v = params.get(name);
            return v == null || v.isBlank() ? dflt : v;
        }

        int port() {
            return Integer.parseInt(param("port", "3306"));
        }

        List<String> haNodes() {
            return List.of(param("ha_nodes", "").trim().split("\\s+")).stream().filter(s -> !s.isEmpty()).toList();
        }

        ClusterStatus.Endpoint endpoint(String node) {
            return ClusterStatus.endpoint(ClusterStatus.addresses(param("node_addresses", "")), node, port());
        }
    }

    /** The cluster as crm_mon shows it: quorum, online nodes, clone roles, node attributes, failures, VIP. */
    record View(boolean quorate, List<String> online, Map<String, String> roles, Map<String, Map<String, String>> attrs,
            List<String> failures, String writerVipOn, boolean hasWriterVip) {}

    @Override
    public Integer call() {
        long t0 = System.currentTimeMillis();
        Deadline d = Deadline.in(Clock.SYSTEM, 30_000);
        Agent agent;
        View view;
        try {
            agent = agent(d);
            view = view(agent, d);
        } catch (RuntimeException e) {
            out.println("switchover refused: cannot read the cluster (" + e.getMessage() + "); fix: run it on a "
                    + "node of the cluster, as root");
            out.println("RESULT switchover=refused reason=cluster_unreadable");
            return 2;
        }
        Path credFile = credentials != null ? credentials : Path.of(agent.param("credentials_file",
                "/etc/mysqlha/credentials.json"));
        // the servers are reached as the agents reach them: with the resource's TLS, or not at all
        io.mysqlha.model.TlsSettings tls;
        try {
            tls = StatusWiring.tls(agent.params());
        } catch (RuntimeException e) {
            out.println("switchover refused: the resource's TLS parameters are unusable (" + e.getMessage()
                    + "); fix: pcs resource update " + agent.primitive() + " with a valid tls, tls_ca, tls_cert, tls_key");
            out.println("RESULT switchover=refused reason=tls");
            return 2;
        }
        sql = new io.mysqlha.adapter.JdbcSqlConnector(tls);
        Credential admin;
        try {
            admin = CredentialsFile.load(credFile).withTls(tls).admin();
        } catch (RuntimeException e) {
            out.println("switchover refused: cannot read the credentials " + credFile + " (" + e.getMessage()
                    + "); fix: run as root on a cluster node, or pass --credentials");
            out.println("RESULT switchover=refused reason=credentials");
            return 2;
        }
        boolean quorate = quorum(d) && view.quorate();
        List<String> ha = agent.haNodes().isEmpty() ? view.online() : agent.haNodes();
        Map<String, SwitchoverCheck.Server> servers = readServers(agent, ha, admin);
        String primary = ha.stream().filter(n -> "Promoted".equals(view.roles().get(n))).findFirst().orElse(null);
        List<SwitchoverCheck.OpenTransaction> trx = primary == null ? List.of() : transactions(agent, primary, admin);
        Map<String, Integer> scores = new LinkedHashMap<>();
        Map<String, String> readable = new LinkedHashMap<>();
        view.attrs().forEach((n, a) -> {
            String s = a.get("master-" + agent.primitive());
            if (s != null) {
                try {
                    scores.put(n, Integer.parseInt(s.trim()));
                } catch (NumberFormatException e) {
                    // an unparsable score is no score
                }
            }
            if (a.containsKey(agent.primitive() + "-readable")) {
                readable.put(n, a.get(agent.primitive() + "-readable"));
            }
        });
        SwitchoverCheck.Plan plan = SwitchoverCheck.check(new SwitchoverCheck.Facts(quorate, ha, view.online(),
                view.roles(), scores, readable, view.failures(), servers, trx, localHolds(agent), to, maxLagS,
                maxTrxAgeS, clone));
        if (!plan.allowed()) {
            out.println("switchover refused" + (plan.target() == null ? "" : " (" + plan.primary() + " -> "
                    + plan.target() + ")") + ":");
            plan.refusals().forEach(r -> out.println("  - " + r));
            out.println("RESULT switchover=refused from=" + plan.primary() + " to=" + plan.target() + " refusals="
                    + plan.refusals().size());
            return 1;
        }
        out.println("checks passed: " + plan.primary() + " -> " + plan.target() + " (quorum, " + ha.size()
                + " HA nodes online, target replicating with lag " + servers.get(plan.target()).state().get()
                .replica().secondsBehind() + " s, semi-sync ACKing, no transaction older than " + maxTrxAgeS
                + " s, no failed actions" + (tls.enabled() ? ", servers reached over TLS" : "") + ")");
        if (dryRun) {
            out.println("RESULT switchover=dry-run from=" + plan.primary() + " to=" + plan.target());
            return 0;
        }
        return move(agent, admin, plan.primary(), plan.target(), t0);
    }

    // ---------------------------------------------------------------- the move

    private int move(Agent agent, Credential admin, String from, String target, long t0) {
        try (SqlSession s = connect(agent, from, admin, 5_000)) {
            s.execute("CREATE DATABASE IF NOT EXISTS mysqlha");
            s.execute("CREATE TABLE IF NOT EXISTS " + HEARTBEAT_TABLE + " (node VARCHAR(255) PRIMARY KEY, "
                    + "seq BIGINT NOT NULL, at DATETIME(6) NOT NULL) ENGINE=InnoDB");
        } catch (RuntimeException e) {
            out.println("switchover refused: cannot create " + HEARTBEAT_TABLE + " on " + from + " ("
                    + e.getMessage() + "); fix: check the admin account's grants");
            out.println("RESULT switchover=refused from=" + from + " to=" + target + " reason=heartbeat");
            return 1;
        }
        AtomicBoolean pinned = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            if (pinned.getAndSet(false)) {
                boolean ok = clear();
                // a transition Pacemaker already started runs to its end: the role may still move
                out.println("switchover interrupted: constraint cli-prefer-" + clone + (ok ? " cleared" : " NOT cleared "
                        + "(run crm_resource --clear --resource " + clone + "; its lifetime ends it anyway)")
                        + "; see crm_mon for where the promoted role is now");
                out.println("RESULT switchover=interrupted from=" + from + " to=" + target + " cleared=" + (ok ? "yes" : "no"));
                out.flush();
            }
        }, "switchover-clear");
        Runtime.getRuntime().addShutdownHook(hook);
        Heartbeat hb = new Heartbeat(agent, admin, from, target);
        hb.start();
        long moveMs = System.currentTimeMillis();
        long deadlineMs = moveMs + timeoutS * 1000;
        // the constraint's lifetime outlasts the command's own bound a little: if this process is killed
        // (SIGKILL: no hook runs), Pacemaker drops it by itself at its expiry
        String lifetime = "PT" + (timeoutS + 60) + "S";
        pinned.set(true);
        CommandRunner.Result mv = runner.run(List.of("crm_resource", "--move", "--promoted", "--resource", clone,
                "--node", target, "--lifetime", lifetime), null, Deadline.in(Clock.SYSTEM, 20_000));
        if (!mv.ok()) {
            hb.stop();
            pinned.set(false);
            clear();
            out.println("switchover failed: crm_resource --move: " + mv.message() + "; the constraint was cleared");
            out.println("RESULT switchover=failed from=" + from + " to=" + target + " reason=move");
            return 1;
        }
        out.println("moving the promoted role " + from + " -> " + target + " (constraint cli-prefer-" + clone
                + ", lifetime " + lifetime + ")");
        long promotedMs = -1;
        long writableMs = -1;
        long vipMs = -1;
        long demotedMs = -1;
        String problem = null;
        try (Poller p = new Poller(agent, admin, target)) {
            while (System.currentTimeMillis() < deadlineMs) {
                View v;
                try {
                    v = view(agent, Deadline.in(Clock.SYSTEM, 5_000));
                } catch (RuntimeException e) {
                    sleep(100);
                    continue;
                }
                long now = System.currentTimeMillis();
                if (promotedMs < 0 && "Promoted".equals(v.roles().get(target))) {
                    promotedMs = now;
                }
                if (demotedMs < 0 && !"Promoted".equals(v.roles().get(from))) {
                    demotedMs = now;
                }
                if (vipMs < 0 && target.equals(v.writerVipOn())) {
                    vipMs = now;
                }
                if (writableMs < 0 && p.writable()) {
                    writableMs = System.currentTimeMillis();
                }
                if (promotedMs >= 0 && writableMs >= 0 && hb.firstNewOk() >= 0
                        && (vipMs >= 0 || !v.hasWriterVip())) {
                    break;
                }
                sleep(50);
            }
        }
        if (promotedMs < 0 || writableMs < 0 || hb.firstNewOk() < 0) {
            problem = "within " + timeoutS + " s: " + (promotedMs < 0 ? target + " not promoted by Pacemaker; " : "")
                    + (writableMs < 0 ? target + " still read-only; " : "")
                    + (hb.firstNewOk() < 0 ? "no heartbeat committed on " + target : "");
        }
        // a moment for the old primary's refused heartbeats to show, then stop writing
        sleep(100);
        hb.stop();
        if (!pinned.getAndSet(false)) {
            return 3;
        }
        boolean cleared = clear();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs and finds nothing pinned
        }
        long end = System.currentTimeMillis();
        double pause = hb.firstNewOk() >= 0 && hb.lastOldOk() >= 0 ? (hb.firstNewOk() - hb.lastOldOk()) / 1000.0 : Double.NaN;
        boolean overlap = hb.lastOldOk() >= 0 && hb.firstNewStart() >= 0 && hb.lastOldOkStart() > hb.firstNewOk();
        out.println("measured (this process's clock, from the move; heartbeat every " + HEARTBEAT_INTERVAL_MS + " ms):");
        out.println("  last heartbeat committed on " + from + ":  " + rel(hb.lastOldOk(), moveMs));
        out.println("  " + from + " no longer promoted (crm_mon):   " + rel(demotedMs, moveMs));
        out.println("  " + target + " promoted (crm_mon):             " + rel(promotedMs, moveMs));
        out.println("  " + target + " read_only=0:                    " + rel(writableMs, moveMs));
        out.println("  first heartbeat committed on " + target + ":   " + rel(hb.firstNewOk(), moveMs));
        out.println("  writer VIP on " + target + " (crm_mon):         " + rel(vipMs, moveMs));
        out.println("  write pause (last commit on " + from + " -> first on " + target + "): " + fmt(pause) + " s");
        out.println("  constraint cli-prefer-" + clone + ": " + (cleared ? "cleared" : "NOT cleared: run crm_resource "
                + "--clear --resource " + clone));
        if (overlap) {
            problem = (problem == null ? "" : problem + "; ") + from + " committed a heartbeat after " + target
                    + " did";
        }
        String status = problem == null && cleared ? "ok" : "failed";
        if (problem != null) {
            out.println("switchover failed: " + problem);
        }
        out.println(String.format(Locale.ROOT, "RESULT switchover=%s from=%s to=%s pause_s=%s promoted_s=%s vip_s=%s "
                + "total_s=%s cleared=%s", status, from, target, fmt(pause), sec(promotedMs, moveMs), sec(vipMs, moveMs),
                fmt((end - t0) / 1000.0), cleared ? "yes" : "no"));
        return status.equals("ok") ? 0 : 1;
    }

    private boolean clear() {
        CommandRunner.Result r = runner.run(List.of("crm_resource", "--clear", "--resource", clone), null,
                Deadline.in(Clock.SYSTEM, 20_000));
        return r.ok();
    }

    private static String rel(long at, long from) {
        return at < 0 ? "not seen" : "+" + fmt((at - from) / 1000.0) + " s";
    }

    private static String sec(long at, long from) {
        return at < 0 ? "nan" : fmt((at - from) / 1000.0);
    }

    private static String fmt(double s) {
        return Double.isNaN(s) ? "nan" : String.format(Locale.ROOT, "%.3f", s);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SqlSession connect(Agent a, String node, Credential c, long ms) {
        ClusterStatus.Endpoint ep = a.endpoint(node);
        SqlSession s = sql.connect(ep.host(), ep.port(), c, Deadline.in(Clock.SYSTEM, ms));
        s.bound(Deadline.in(Clock.SYSTEM, Math.max(ms, 2_000)));
        return s;
    }

    /** Whether the target's server says read_only=0, on one session kept open. */
    private final class Poller implements AutoCloseable {
        private final Agent agent;
        private final Credential cred;
        private final String node;
        private SqlSession s;

        Poller(Agent agent, Credential cred, String node) {
            this.agent = agent;
            this.cred = cred;
            this.node = node;
        }

        boolean writable() {
            try {
                if (s == null) {
                    s = connect(agent, node, cred, 1_000);
                }
                return "0".equals(s.queryRow("SELECT @@global.read_only AS ro").get("ro"));
            } catch (RuntimeException e) {
                close();
                return false;
            }
        }

        @Override
        public void close() {
            if (s != null) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    // a broken session
                }
                s = null;
            }
        }
    }

    /**
     * Two writers of heartbeat rows, one per server, each on its own session: the old primary's from the
     * start until the new primary has committed one, the new primary's as soon as it reads read_only=0.
     * Every write is guarded by {@code WHERE @@global.read_only = 0} in the statement itself, since the admin
     * account bypasses read_only: on a read-only server it changes nothing (no transaction, no binlog event),
     * so the heartbeat can never write where the application could not.
     */
    private final class Heartbeat {
        private final Agent agent;
        private final Credential cred;
        private final String from;
        private final String to;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong lastOldOk = new AtomicLong(-1);
        private final AtomicLong lastOldOkStart = new AtomicLong(-1);
        private final AtomicLong firstNewOk = new AtomicLong(-1);
        private final AtomicLong firstNewStart = new AtomicLong(-1);
        private final List<Thread> threads = new ArrayList<>();

        Heartbeat(Agent agent, Credential cred, String from, String to) {
            this.agent = agent;
            this.cred = cred;
            this.from = from;
            this.to = to;
        }

        long lastOldOk() {
            return lastOldOk.get();
        }

        long lastOldOkStart() {
            return lastOldOkStart.get();
        }

        long firstNewOk() {
            return firstNewOk.get();
        }

        long firstNewStart() {
            return firstNewStart.get();
        }

        void start() {
            threads.add(new Thread(() -> loop(from, true), "heartbeat-" + from));
            threads.add(new Thread(() -> loop(to, false), "heartbeat-" + to));
            threads.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
            // the first heartbeat on the old primary before anything moves, so that the pause has a start
            long end = System.currentTimeMillis() + 5_000;
            while (lastOldOk.get() < 0 && System.currentTimeMillis() < end) {
                sleep(5);
            }
        }

        void stop() {
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void loop(String node, boolean old) {
            SqlSession s = null;
            long seq = 0;
            while (!stop.get() && !(old && firstNewOk.get() >= 0)) {
                try {
                    if (s == null) {
                        s = connect(agent, node, cred, 1_000);
                    }
                    if (!old && !"0".equals(s.queryRow("SELECT @@global.read_only AS ro").get("ro"))) {
                        sleep(HEARTBEAT_INTERVAL_MS);
                        continue;
                    }
                    long started = System.currentTimeMillis();
                    s.execute("INSERT INTO " + HEARTBEAT_TABLE + " (node, seq, at) SELECT '" + node + "', " + (++seq)
                            + ", NOW(6) FROM DUAL WHERE @@global.read_only = 0 ON DUPLICATE KEY UPDATE seq = "
                            + "VALUES(seq), at = VALUES(at)");
                    long done = System.currentTimeMillis();
                    String rc = s.queryRow("SELECT ROW_COUNT() AS n").get("n");
                    if (rc != null && !rc.equals("0") && !rc.startsWith("-")) {
                        if (old) {
                            lastOldOkStart.set(started);
                            lastOldOk.set(done);
                        } else {
                            firstNewStart.compareAndSet(-1, started);
                            firstNewOk.compareAndSet(-1, done);
                            break;
                        }
                    }
                } catch (RuntimeException e) {
                    if (s != null) {
                        try {
                            s.close();
                        } catch (RuntimeException x) {
                            // the server killed it (the promote ends the old primary's sessions)
                        }
                    }
                    s = null;
                }
                sleep(HEARTBEAT_INTERVAL_MS);
            }
            if (s != null) {
                try {
                    s.close();
                } catch (RuntimeException x) {
                    // closing a dead session
                }
            }
        }
    }

    // ---------------------------------------------------------------- what the checks read

    private boolean quorum(Deadline d) {
        CommandRunner.Result r = runner.run(List.of("crm_node", "-q"), null, d.atMost(10_000));
        return r.ok() && "1".equals(r.stdout().trim());
    }

    private Agent agent(Deadline d) {
        CommandRunner.Result r = runner.run(List.of("cibadmin", "--query", "--scope", "resources"), null,
                d.atMost(10_000));
        if (!r.ok()) {
            throw new IllegalStateException("cibadmin --query: " + r.message());
        }
        ClusterStatus.ResourceConfig cfg = ClusterStatus.resources(r.stdout(), clone);
        if (!clone.equals(cfg.cloneId())) {
            throw new IllegalStateException("no promotable clone '" + clone + "' in the CIB (--resource)");
        }
        return new Agent(cfg.primitive(), cfg.params());
    }

    private View view(Agent agent, Deadline d) {
        CommandRunner.Result r = runner.run(List.of("crm_mon", "-1", "--output-as=xml",
                "--include=nodes,resources,attributes,failures,summary"), null, d.atMost(10_000));
        if (!r.ok()) {
            throw new IllegalStateException("crm_mon: " + r.message());
        }
        Document doc = xml(r.stdout());
        boolean quorate = false;
        NodeList dc = doc.getElementsByTagName("current_dc");
        if (dc.getLength() > 0) {
            quorate = "true".equals(((Element) dc.item(0)).getAttribute("with_quorum"));
        }
        List<String> online = new ArrayList<>();
        Map<String, String> roles = new LinkedHashMap<>();
        Map<String, Map<String, String>> attrs = new LinkedHashMap<>();
        String vip = null;
        boolean hasVip = false;
        for (Element top : children(doc.getDocumentElement())) {
            switch (top.getTagName()) {
                case "nodes" -> children(top).forEach(n -> {
                    if ("true".equals(n.getAttribute("online"))) {
                        online.add(n.getAttribute("name"));
                    }
                });
                case "resources" -> {
                    for (Element x : children(top)) {
                        if (x.getTagName().equals("clone") && x.getAttribute("id").equals(clone)) {
                            for (Element inst : children(x)) {
                                for (Element on : children(inst)) {
                                    if (on.getTagName().equals("node")) {
                                        roles.put(on.getAttribute("name"), inst.getAttribute("role"));
                                    }
                                }
                            }
                        } else if (x.getTagName().equals("resource") && x.getAttribute("id").equals(writerVipResource)) {
                            hasVip = true;
                            if (!"true".equals(x.getAttribute("active"))) {
                                continue;
                            }
                            for (Element on : children(x)) {
                                if (on.getTagName().equals("node")) {
                                    vip = on.getAttribute("name");
                                }
                            }
                        }
                    }
                }
                case "node_attributes" -> children(top).forEach(n -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    children(n).forEach(a -> m.put(a.getAttribute("name"), a.getAttribute("value")));
                    attrs.put(n.getAttribute("name"), m);
                });
                default -> { }
            }
        }
        List<String> failures = new ArrayList<>();
        NodeList fs = doc.getElementsByTagName("failure");
        for (int i = 0; i < fs.getLength(); i++) {
            Element f = (Element) fs.item(i);
            String op = f.getAttribute("op_key");
            if (op.startsWith(agent.primitive() + "_") || op.startsWith(agent.primitive() + ":")) {
                failures.add(op + " on " + f.getAttribute("node") + " (" + f.getAttribute("exitstatus")
                        + (f.getAttribute("exitreason").isEmpty() ? "" : ": "
                                + ClusterStatus.exitReason(f.getAttribute("exitreason"))) + ")");
            }
        }
        return new View(quorate, online, roles, attrs, failures, vip, hasVip);
    }

    /** Every HA node's server, read in parallel, each bounded: an unreachable one costs one timeout. */
    private Map<String, SwitchoverCheck.Server> readServers(Agent agent, List<String> ha, Credential c) {
        Map<String, CompletableFuture<SwitchoverCheck.Server>> tasks = new LinkedHashMap<>();
        for (String n : ha) {
            tasks.put(n, CompletableFuture.supplyAsync(() -> {
                try (SqlSession s = connect(agent, n, c, 3_000)) {
                    Dialect dl = Dialect.forVersion(ServerVersion.parse(s.serverVersion(), ""));
                    InstanceState st = dl.parseState(s.queryRow(dl.variablesQuery()), s.query(dl.semiSyncQuery()),
                            s.queryRow(dl.replicaStatusQuery()));
                    return SwitchoverCheck.Server.of(st);
                } catch (RuntimeException e) {
                    return SwitchoverCheck.Server.unreachable(e.getMessage());
                }
            }));
        }
        Map<String, SwitchoverCheck.Server> out = new LinkedHashMap<>();
        tasks.forEach((n, t) -> {
            try {
                out.put(n, t.get(8, TimeUnit.SECONDS));
            } catch (Exception e) {
                out.put(n, SwitchoverCheck.Server.unreachable("no answer within 8 s"));
            }
        });
        return out;
    }

    private List<SwitchoverCheck.OpenTransaction> transactions(Agent agent, String primary, Credential c) {
        List<SwitchoverCheck.OpenTransaction> out = new ArrayList<>();
        try (SqlSession s = connect(agent, primary, c, 3_000)) {
            for (Map<String, String> r : s.query("SELECT t.trx_mysql_thread_id AS id, TIMESTAMPDIFF(SECOND, "
                    + "t.trx_started, NOW()) AS age, t.trx_state AS state, COALESCE(CONCAT(p.user, '@', p.host), '?') "
                    + "AS who FROM information_schema.innodb_trx t LEFT JOIN information_schema.processlist p "
                    + "ON p.id = t.trx_mysql_thread_id ORDER BY t.trx_started")) {
                out.add(new SwitchoverCheck.OpenTransaction(Long.parseLong(r.get("id")), Long.parseLong(r.get("age")),
                        r.get("who"), r.get("state")));
            }
        } catch (RuntimeException e) {
            // the primary's state check reports an unreadable primary
        }
        return out;
    }

    /** This node's own hold or crash records (the agent's state files): other nodes' are not readable from here. */
    private Map<String, String> localHolds(Agent agent) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            String me = runner.run(List.of("crm_node", "-n"), null, Deadline.in(Clock.SYSTEM, 5_000)).stdout().trim();
            FileLocalState st = new FileLocalState(Path.of(agent.param("state_dir", "/var/lib/mysqlha"))
                    .resolve(agent.primitive()), true);
            Optional<String> hold = st.read(MysqlAgent.HOLD_FILE);
            hold.ifPresent(h -> out.put(me, h.strip()));
        } catch (RuntimeException e) {
            // no state directory on this node: nothing held here
        }
        return out;
    }

    private static Document xml(String text) {
        try {
            var f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException("not XML: " + e.getMessage(), e);
        }
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element x) {
                out.add(x);
            }
        }
        return out;
    }
}
