package io.mysqlha.agent;

import io.mysqlha.decide.lvs.ClusterSnapshot;
import io.mysqlha.decide.lvs.Health;
import io.mysqlha.decide.lvs.HealthJudge;
import io.mysqlha.decide.lvs.IpvsChange;
import io.mysqlha.decide.lvs.PoolPlan;
import io.mysqlha.decide.lvs.PoolPlanner;
import io.mysqlha.decide.lvs.PoolState;
import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.Forwarding;
import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.ocf.MetaData;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.ocf.Params;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.Ipvs;
import io.mysqlha.port.LocalState;
import io.mysqlha.port.PoolHealthSource;
import io.mysqlha.port.Sysctls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * ocf:mysqlha:lvs, the read pool: an IPVS virtual service whose real servers are the replicas the mysql
 * monitors publish as readable. One method per OCF action. The pure {@code decide.lvs} layer judges each
 * node ({@link HealthJudge}) and plans the table ({@link PoolPlanner}); this class reads the table and the
 * cluster, runs the planned ipvsadm changes one by one, and remembers the pool between monitors.
 */
public final class LvsAgent implements OcfAgent {
    public static final String VERSION = "0.1.0";
    static final String POOL_STATE = "pool-state";
    static final String REPORT = "report";

    /** What the agent needs from outside, wired by the CLI. */
    public record Ports(Ipvs ipvs, PoolHealthSource health, Supplier<String> localNode, Sysctls sysctls,
                        LocalState state, Clock clock) {
    }

    private final OcfEnv env;
    private final OcfLog log;
    private final Ports io;
    private final Deadline deadline;
    private LvsConfig config;
    private String lastFailure = "";

    /**
     * The parameters are resolved at the first validation, not here: a stop must succeed even when they
     * cannot be (nothing can have been started with them).
     */
    public LvsAgent(OcfEnv env, OcfLog log, Ports ports) {
        this.env = env;
        this.log = log;
        this.io = ports;
        this.deadline = Deadline.forAction(ports.clock(), env.timeoutMillis(20_000));
    }

    public static String metaData() {
        return MetaData.render("lvs", VERSION, "Read pool: an IPVS virtual service over the readable replicas",
                "Keeps an IPVS (LVS) virtual service whose real servers are the MySQL/MariaDB replicas that "
                        + "ocf:mysqlha:mysql publishes as readable (node attributes <rsc>-readable and <rsc>-lag), "
                        + "excluding nodes that left the partition or whose mysql instance is stopped or failed. "
                        + "Every monitor reconciles the table: readable replicas are added (after 'rise' healthy "
                        + "monitors when they come back), unreadable ones drained (weight 0 until their "
                        + "connections end, bounded by drain_timeout) and removed, down ones removed at once, and "
                        + "changes made behind the agent's back repaired. Only its own virtual service is ever "
                        + "touched. Needs ipvsadm and a kernel with IPVS.",
                LvsParams.PARAMS, LvsParams.ACTIONS);
    }

    @Override
    public int run(String action) {
        return switch (action) {
            case "start" -> start();
            case "stop" -> stop();
            case "monitor", "status" -> monitor();
            case "validate-all" -> validateAll();
            default -> OcfAgent.unimplemented(log, action);
        };
    }

    // ---------------------------------------------------------------- validation

    LvsConfig config() {
        if (config == null) {
            config = LvsConfig.from(Params.resolve(env, LvsParams.PARAMS));
        }
        return config;
    }

    /** What runs before every action: the parameters, then the ipvsadm program. */
    void validate() {
        config();
        if (!io.ipvs().installed()) {
            throw OcfException.installed("ipvsadm not found: install the ipvsadm package (parameter 'ipvsadm' is '"
                    + env.param("ipvsadm").orElse("ipvsadm") + "')");
        }
    }

    public int validateAll() {
        validate();
        io.ipvs().find(config().id(), deadline); // IPVS in the kernel, and readable
        checkArp();
        try {
            ClusterSnapshot s = io.health().snapshot(config().mysqlResource(), deadline);
            if (!s.resourceKnown()) {
                log.warn("validate-all: " + s.source() + " knows no resource '" + config().mysqlResource()
                        + "' with <id>-readable attributes (parameter 'mysql_resource'); the pool stays empty "
                        + "until it reports");
            }
        } catch (OcfException e) {
            log.warn("validate-all: cannot read replica health: " + e.getMessage());
        }
        return OcfExit.SUCCESS.code();
    }

    /**
     * Direct routing needs every real server to hold the virtual address on its loopback without
     * answering ARP for it. This node can only check itself, when it is one of the real servers. A
     * warning rather than ERR_CONFIGURED: that code bans the resource cluster-wide for a setting of one
     * host, and a wrong value on a real server makes it steal the VIP's ARP (a fault the operator must
     * fix there), which stopping the director would not cure.
     */
    private void checkArp() {
        LvsConfig c = config();
        if (c.spec().forwarding() != Forwarding.DIRECT_ROUTE) {
            return;
        }
        String node;
        try {
            node = io.localNode().get();
        } catch (RuntimeException e) {
            return;
        }
        if (!c.addresses().containsKey(node)) {
            return;
        }
        if (c.id().ipv6()) {
            return; // IPv6 has no ARP; neighbour discovery is not governed by these sysctls
        }
        List<String> wrong = new ArrayList<>();
        check(wrong, "net.ipv4.conf.all.arp_ignore", 1);
        check(wrong, "net.ipv4.conf.all.arp_announce", 2);
        if (!wrong.isEmpty()) {
            log.warn("forwarding=dr and this node (" + node + ") is a real server, but " + String.join(", ", wrong)
                    + ": it may answer ARP for " + c.id().endpoint().address() + " and take the VIP's traffic; "
                    + "apply the sysctls of pcs-config/lvs.sh on every real server");
        }
    }

    private void check(List<String> wrong, String name, int atLeast) {
        Optional<String> v = io.sysctls().read(name);
        int value;
        try {
            value = v.map(s -> Integer.parseInt(s.trim())).orElse(-1);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < atLeast) {
            wrong.add(name + "=" + v.orElse("(absent)") + " (needs " + atLeast + ")");
        }
    }

    // ---------------------------------------------------------------- actions

    public int start() {
        validate();
        LvsConfig c = config();
        checkArp();
        Optional<IpvsTable.Entry> current = io.ipvs().find(c.id(), deadline);
        // A service left from before keeps its drains; a new one starts with every member counted as risen.
        PoolState state = current.isPresent() ? loadState() : PoolState.EMPTY;
        ClusterSnapshot snap = snapshotOrWarn("start");
        if (snap == null) {
            if (current.isEmpty()) {
                List<IpvsChange> only = List.of(new IpvsChange.AddService(c.spec().service(), "resource starting"));
                if (!applyAll("start", only).serviceOk) {
                    throw OcfException.generic("cannot create " + c.id() + ": " + lastFailure);
                }
            }
            io.state().write(POOL_STATE, state.format());
            log.warn("start: " + c.id() + " is up with its pool unchanged until replica health can be read");
            return OcfExit.SUCCESS.code();
        }
        Map<String, HealthJudge.Judgement> judged = judge(snap);
        PoolPlan plan = plan(current, judged, state);
        Applied a = applyAll("start", plan.changes());
        if (!a.serviceOk) {
            throw OcfException.generic("cannot " + (current.isPresent() ? "configure " : "create ") + c.id()
                    + ": " + lastFailure);
        }
        io.state().write(POOL_STATE, plan.nextState().format());
        report("start", judged, plan, true);
        log.info("start: " + c.id() + " " + poolText(plan.pool()));
        return OcfExit.SUCCESS.code();
    }

    public int stop() {
        LvsConfig c;
        try {
            validate();
            c = config();
        } catch (OcfException e) {
            // Without a valid virtual_service, or without ipvsadm, this agent cannot have created anything
            // here: a failed stop would escalate to fencing for nothing.
            log.warn("stop: " + e.getMessage() + "; nothing of this resource can be running here");
            return OcfExit.SUCCESS.code();
        }
        Optional<IpvsTable.Entry> current;
        try {
            current = io.ipvs().find(c.id(), deadline);
        } catch (OcfException e) {
            if (e.exit() == OcfExit.ERR_INSTALLED) {
                log.warn("stop: " + e.getMessage() + "; nothing can be running here");
                clearState();
                return OcfExit.SUCCESS.code();
            }
            throw e;
        }
        for (IpvsChange ch : PoolPlanner.planStop(c.id(), current.map(e -> new IpvsTable(List.of(e)))
                .orElse(IpvsTable.EMPTY))) {
            log.info("stop: " + ch.describe());
            CommandRunner.Result r = io.ipvs().apply(ch.ipvsadmArgs(), deadline);
            if (!r.ok() && !r.message().contains("No such service")) {
                throw OcfException.generic("stop: ipvsadm " + String.join(" ", ch.ipvsadmArgs()) + " failed"
                        + (r.timedOut() ? " (timed out)" : " (exit " + r.exit() + "): " + r.message()));
            }
        }
        clearState();
        log.info("stop: " + c.id() + " " + (current.isPresent() ? "deleted" : "was not in the IPVS table"));
        return OcfExit.SUCCESS.code();
    }

    public int monitor() {
        boolean probe = env.intervalMillis() == 0;
        Optional<IpvsTable.Entry> current;
        try {
            validate();
            current = io.ipvs().find(config().id(), deadline);
        } catch (OcfException e) {
            // a probe on a node that cannot run IPVS: the service cannot be running here
            if (probe && e.exit() == OcfExit.ERR_INSTALLED) {
                log.info("probe: " + e.getMessage());
                return OcfExit.NOT_RUNNING.code();
            }
            throw e;
        }
        LvsConfig c = config();
        if (current.isEmpty()) {
            if (!probe && io.state().read(POOL_STATE).isPresent()) {
                log.warn("monitor: " + c.id() + " is gone from the IPVS table (deleted behind the agent's back): "
                        + "not running");
            }
            return OcfExit.NOT_RUNNING.code();
        }
        if (probe) {
            // a probe reports what is there and changes nothing
            log.info("probe: " + c.id() + " in the IPVS table with " + current.get().realServers().size()
                    + " real server(s)");
            return OcfExit.SUCCESS.code();
        }
        ClusterSnapshot snap = snapshotOrWarn("monitor");
        if (snap == null) {
            // never decide "down" from one failed question: the pool stays as it is
            return exitFor(current.get().realServers().stream().noneMatch(r -> r.weight() > 0), false);
        }
        Map<String, HealthJudge.Judgement> judged = judge(snap);
        PoolPlan plan = plan(current, judged, loadState());
        Applied a = applyAll("monitor", plan.changes());
        saveState(plan.nextState());
        report("monitor", judged, plan, false);
        if (!a.serviceOk) {
            throw OcfException.generic("cannot set the configuration of " + c.id() + ": " + lastFailure);
        }
        return exitFor(plan.isEmptyPool(), a.failed > 0);
    }

    /**
     * An empty pool, or a change that failed, is DEGRADED (190): the service itself runs, and neither a
     * restart nor a move of this resource could help, so no recovery is wanted (Pacemaker 2.1 counts 190
     * as success), but the state is shown and logged.
     */
    private int exitFor(boolean emptyPool, boolean changeFailed) {
        if (emptyPool || changeFailed) {
            return OcfExit.DEGRADED.code();
        }
        return OcfExit.SUCCESS.code();
    }

    // ---------------------------------------------------------------- steps

    private ClusterSnapshot snapshotOrWarn(String action) {
        try {
            ClusterSnapshot s = io.health().snapshot(config().mysqlResource(), deadline);
            if (!s.resourceKnown()) {
                log.warn(action + ": " + s.source() + " knows no resource '" + config().mysqlResource()
                        + "' (parameter 'mysql_resource'): every node counts as down");
            }
            return s;
        } catch (OcfException e) {
            log.warn(action + ": cannot read replica health (" + e.getMessage() + "); the pool is left as it is");
            return null;
        }
    }

    private Map<String, HealthJudge.Judgement> judge(ClusterSnapshot snap) {
        LvsConfig c = config();
        Map<String, HealthJudge.Judgement> out = new LinkedHashMap<>();
        for (String node : c.addresses().keySet()) {
            out.put(node, HealthJudge.judge(node, snap.facts(node), c.mysqlResource(), c.maxLagS()));
        }
        return out;
    }

    private PoolPlan plan(Optional<IpvsTable.Entry> current, Map<String, HealthJudge.Judgement> judged,
                          PoolState state) {
        Map<String, Health> health = new LinkedHashMap<>();
        Map<String, Boolean> primary = new LinkedHashMap<>();
        judged.forEach((n, j) -> {
            health.put(n, j.health());
            primary.put(n, j.primary());
        });
        IpvsTable table = current.map(e -> new IpvsTable(List.of(e))).orElse(IpvsTable.EMPTY);
        return PoolPlanner.plan(config().spec(), config().members(health, primary), table, state,
                Instant.ofEpochMilli(io.clock().wallMillis()));
    }

    private record Applied(boolean serviceOk, int failed) {
    }

    /** Runs each change as its own ipvsadm call and checks it; service changes failing are fatal to the caller. */
    private Applied applyAll(String action, List<IpvsChange> changes) {
        boolean serviceOk = true;
        int failed = 0;
        for (IpvsChange ch : changes) {
            boolean repair = isRepair(ch);
            String line = action + ": " + (repair ? "repair: " : "") + ch.describe();
            if (repair) {
                log.warn(line);
            } else {
                log.info(line);
            }
            CommandRunner.Result r = io.ipvs().apply(ch.ipvsadmArgs(), deadline);
            if (!r.ok()) {
                failed++;
                String why = "ipvsadm " + String.join(" ", ch.ipvsadmArgs()) + " failed"
                        + (r.timedOut() ? " (timed out)" : " (exit " + r.exit() + "): " + r.message());
                log.error(action + ": " + why);
                if (ch instanceof IpvsChange.AddService || ch instanceof IpvsChange.EditService) {
                    // the service comes first in a plan: without it the rest cannot work
                    lastFailure = why;
                    serviceOk = false;
                    break;
                }
            }
        }
        return new Applied(serviceOk, failed);
    }

    /** A change that undoes someone else's: the table differed from what the agent had left. */
    private static boolean isRepair(IpvsChange ch) {
        return ch instanceof IpvsChange.EditService
                || ch.reason().contains("differs from the resource's")
                || ch.reason().startsWith("not a member of the pool");
    }

    private PoolState loadState() {
        Optional<String> s = io.state().read(POOL_STATE);
        if (s.isEmpty()) {
            return PoolState.EMPTY;
        }
        try {
            return PoolState.parse(s.get());
        } catch (IllegalArgumentException e) {
            log.warn("unreadable " + io.state().path(POOL_STATE) + " (" + e.getMessage() + "); starting afresh");
            return PoolState.EMPTY;
        }
    }

    private void saveState(PoolState next) {
        String text = next.format();
        if (!text.equals(io.state().read(POOL_STATE).orElse(""))) {
            io.state().write(POOL_STATE, text);
        }
    }

    private void clearState() {
        io.state().delete(POOL_STATE);
        io.state().delete(REPORT);
    }

    /**
     * Logs what changed since the last monitor: each node's judgement, the planner's notes, an empty
     * pool. Unchanged news goes to debug, so that a steady pool keeps the log quiet.
     */
    private void report(String action, Map<String, HealthJudge.Judgement> judged, PoolPlan plan, boolean all) {
        List<String> lines = new ArrayList<>();
        judged.forEach((n, j) -> lines.add("node " + n + " " + j.health() + (j.primary() ? " primary" : "") + " - "
                + j.why()));
        // the planner's "pool is empty" note is said below, as a warning
        plan.notes().stream().filter(n -> !n.startsWith("the read pool of ")).forEach(n -> lines.add("note " + n));
        lines.add("pool " + poolText(plan.pool()));
        String before = io.state().read(REPORT).orElse("");
        List<String> had = before.isEmpty() ? List.of() : List.of(before.split("\n"));
        for (String l : lines) {
            boolean news = all || !had.contains(l);
            String msg = action + ": " + l;
            if (l.startsWith("pool ") && plan.isEmptyPool()) {
                if (news) {
                    log.warn(action + ": the read pool of " + config().id() + " is empty: no replica may serve reads");
                } else {
                    log.debug(msg);
                }
            } else if (news) {
                log.info(msg);
            } else {
                log.debug(msg);
            }
        }
        String now = String.join("\n", lines);
        if (!now.equals(before)) {
            io.state().write(REPORT, now);
        }
    }

    private static String poolText(List<RealServer> pool) {
        if (pool.isEmpty()) {
            return "(empty)";
        }
        List<String> s = new ArrayList<>();
        for (RealServer r : pool) {
            Endpoint e = r.endpoint();
            s.add(e + " w" + r.weight());
        }
        return String.join(" ", s);
    }
}
