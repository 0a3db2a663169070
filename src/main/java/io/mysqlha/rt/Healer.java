package io.mysqlha.rt;

import io.mysqlha.ops.Reclone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The operator after a fault: watch crm_mon until the cluster is healthy again, run
 * {@code crm_resource --cleanup} (what {@code pcs resource cleanup} runs) when failed actions are left, and
 * when the agent keeps refusing a node (its safety checks: an old primary holding transactions nobody
 * acknowledged, an unclean crash, a datadir that is gone) rebuild that node from the primary with
 * mariadb-backup, accept it with {@code mysqlha rejoin}, and clean up again. Every step is recorded.
 */
public final class Healer {
    static final long CLEANUP_EVERY_MS = 12_000;
    static final long FIRST_CLEANUP_AFTER_MS = 6_000;
    /**
     * How long the converged picture must hold (same promoted node, nothing wrong) before it counts: longer
     * than the monitor intervals (2 s / 3 s), so that a node that just came back (a thawed old primary still
     * marked promoted) has been looked at by its monitor at least twice. CTS's "wait until stable".
     */
    static final long STABLE_MS = 8_000;
    private final Target target;
    private final String dbResource;
    private final String writerVipResource;
    private final String readerVipResource;
    private final String agentResource;
    private final String datadir;
    private final boolean rebuild;
    private final boolean operator;
    /**
     * Without --operator: how long the cluster may take to heal itself, with no refusal from the agent, before
     * the harness plays the operator anyway (a cleanup) so that the round can go on. Such an iteration is
     * invalid: the cluster waited for a human it did not need. Longer than failure-timeout plus a start.
     */
    static final long UNREQUESTED_AFTER_MS = 90_000;

    public Healer(Target target, String dbResource, String writerVipResource, String readerVipResource,
            String agentResource, String datadir, boolean rebuild) {
        this(target, dbResource, writerVipResource, readerVipResource, agentResource, datadir, rebuild, true);
    }

    /**
     * operator: play the operator after every fault (cleanup when failed actions are left, rebuild a node
     * refused twice), as the harness did before the cluster healed itself. Otherwise act only where the agent
     * refused a node with a reason that asks for one (a rebuild, a hold for flapping).
     */
    public Healer(Target target, String dbResource, String writerVipResource, String readerVipResource,
            String agentResource, String datadir, boolean rebuild, boolean operator) {
        this.target = target;
        this.dbResource = dbResource;
        this.writerVipResource = writerVipResource;
        this.readerVipResource = readerVipResource;
        this.agentResource = agentResource;
        this.datadir = datadir;
        this.rebuild = rebuild;
        this.operator = operator;
    }

    /**
     * The outcome of a convergence phase. fullRedundancyAtMs: wall clock at which the picture that held
     * began (every node running, the primary's semi-sync ACKed by every other HA node), or -1.
     * refusals: node -> the agent's exit reason that asked for an operator. unrequested: operator actions
     * taken without such a refusal (the cluster did not heal by itself).
     */
    public record Outcome(long convergedAfterMs, List<String> stillWrong, List<String> actions, List<String> rebuilt,
            CrmMon finalView, long fullRedundancyAtMs, Map<String, String> refusals, List<String> unrequested) {
        public Outcome(long convergedAfterMs, List<String> stillWrong, List<String> actions, List<String> rebuilt,
                CrmMon finalView) {
            this(convergedAfterMs, stillWrong, actions, rebuilt, finalView, -1, Map.of(), List.of());
        }

        public boolean converged() {
            return convergedAfterMs >= 0;
        }
    }

    /**
     * Whether an agent's exit reason asks for an operator: the refusals that stay until someone acts (a node
     * holding transactions the primary lacks, crash-safety settings off, a hold for flapping, a corrupt
     * fence file or lifecycle record), as opposed to "cannot rejoin yet", which the agent retries itself.
     */
    public static boolean asksForOperator(String exitReason) {
        String r = exitReason == null ? "" : exitReason;
        return r.startsWith("refusing to rejoin") || r.startsWith("held out") || r.contains("mysqlha rejoin")
                || r.contains("Rebuild this node") || r.contains("rebuild this node");
    }

    /** Semi-sync clients of the primary, asked on its node; -1 when it does not answer. */
    int ackingReplicas(String primary) {
        Exec.Result r = target.exec(primary, Duration.ofSeconds(5), "mariadb", "-N", "-B", "-e",
                "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'");
        if (!r.ok()) {
            return -1;
        }
        String[] v = r.out().strip().split("\\s+");
        try {
            return v.length == 2 ? Integer.parseInt(v[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The first quorate crm_mon view among the HA nodes, with the node that gave it. */
    public Optional<Map.Entry<String, CrmMon>> view() {
        for (String n : target.haNodes()) {
            Exec.Result r = target.exec(n, Duration.ofSeconds(5), "crm_mon", "-1", "--output-as=xml");
            if (!r.ok()) {
                continue;
            }
            try {
                CrmMon v = CrmMon.parse(r.out(), dbResource, writerVipResource, readerVipResource);
                if (v.quorate()) {
                    return Optional.of(Map.entry(n, v));
                }
            } catch (IllegalArgumentException e) {
                // truncated: next node
            }
        }
        return Optional.empty();
    }

    public List<String> notConverged(CrmMon v) {
        return v.notConverged(target.haNodes(), target.allNodes(), target.readerVip().isPresent());
    }

    /**
     * Waits (at most boundMs) for the cluster to converge: every node running, one primary whose semi-sync
     * every other HA node ACKs, nothing failed, holding for STABLE_MS. Acts as an operator would: after
     * every fault with --operator, otherwise only on the agent's refusals that ask for one (see
     * {@link #asksForOperator}).
     */
    public Outcome converge(long boundMs, BooleanSupplier stop, java.util.function.Consumer<String> log) {
        long t0 = System.currentTimeMillis();
        long lastCleanup = 0;
        List<String> actions = new ArrayList<>();
        List<String> rebuilt = new ArrayList<>();
        List<String> unrequested = new ArrayList<>();
        Map<String, String> refusalsSeen = new java.util.LinkedHashMap<>();
        Set<String> handled = new LinkedHashSet<>();
        Map<String, Integer> refusals = new HashMap<>();
        List<String> wrong = List.of("no quorate node answered crm_mon");
        CrmMon last = null;
        int cleanups = 0;
        long stableSince = -1;
        String stablePrimary = null;
        while (System.currentTimeMillis() - t0 < boundMs && !stop.getAsBoolean()) {
            Optional<Map.Entry<String, CrmMon>> seen = view();
            if (seen.isPresent()) {
                String from = seen.get().getKey();
                CrmMon v = seen.get().getValue();
                last = v;
                wrong = new ArrayList<>(notConverged(v));
                if (wrong.isEmpty()) {
                    int want = (int) target.haNodes().stream().filter(n -> !n.equals(v.promoted().get(0))).count();
                    int acks = ackingReplicas(v.promoted().get(0));
                    if (acks < want) {
                        wrong.add(acks < 0 ? "the primary " + v.promoted().get(0) + " does not answer"
                                : acks + " of " + want + " replicas ACK the primary's semi-sync");
                    }
                }
                if (wrong.isEmpty()) {
                    long now = System.currentTimeMillis();
                    if (stableSince < 0 || !v.promoted().get(0).equals(stablePrimary)) {
                        stableSince = now;
                        stablePrimary = v.promoted().get(0);
                    }
                    if (now - stableSince >= STABLE_MS) {
                        return new Outcome(stableSince - t0, List.of(), actions, rebuilt, v, stableSince, refusalsSeen,
                                unrequested);
                    }
                    Workload.sleep(1000);
                    continue;
                }
                stableSince = -1;
                for (CrmMon.Failure f : v.failures()) {
                    if ((f.opKey().contains("_start_") || f.opKey().contains("_promote_")) && asksForOperator(f.exitReason())) {
                        refusalsSeen.putIfAbsent(f.node(), f.exitReason());
                    }
                }
                long now = System.currentTimeMillis();
                boolean leftovers = !v.failures().isEmpty() || stoppedInstances(v) > 0;
                if (!operator && unrequested.isEmpty() && leftovers && now - t0 >= UNREQUESTED_AFTER_MS) {
                    // The cluster is still waiting, and the agent asked nobody: the iteration shows that a human
                    // was needed without a reason; from here the harness plays the operator so the round goes on.
                    String what = "after " + (now - t0) / 1000 + " s without a refusal (" + wrong
                            + "), the harness played the operator";
                    unrequested.add(what);
                    log.accept(what);
                    lastCleanup = 0;
                }
                if (operator || !unrequested.isEmpty()) {
                    if (leftovers && now - t0 >= FIRST_CLEANUP_AFTER_MS && now - lastCleanup >= CLEANUP_EVERY_MS) {
                        // The agent refusing the same node after a cleanup: rebuild it from the primary.
                        Set<String> refused = refusedNodes(v);
                        if (rebuild && cleanups > 0 && v.promoted().size() == 1) {
                            for (String n : refused) {
                                int k = refusals.merge(n, 1, Integer::sum);
                                if (k >= 2 && !rebuilt.contains(n)) {
                                    String reason = v.failures().stream().filter(f -> f.node().equals(n)).map(CrmMon.Failure::toString)
                                            .findFirst().orElse("db stopped on " + n);
                                    log.accept("rebuilding " + n + " from " + v.promoted().get(0) + ": " + reason);
                                    String r = rebuildNode(n, v.promoted().get(0));
                                    actions.add("rebuilt " + n + " from " + v.promoted().get(0) + " (" + reason + "): " + r);
                                    rebuilt.add(n);
                                }
                            }
                        }
                        actions.add(cleanup(from, v, log));
                        cleanups++;
                        lastCleanup = System.currentTimeMillis();
                    }
                } else {
                    // Only what the agent asked for, once per node and phase.
                    for (Map.Entry<String, String> e : refusalsSeen.entrySet()) {
                        String n = e.getKey();
                        if (handled.contains(n) || v.promoted().size() != 1 || v.promoted().contains(n)) {
                            continue;
                        }
                        handled.add(n);
                        String reason = e.getValue();
                        if (reason.startsWith("held out")) {
                            Exec.Result r = rejoin(n, true);
                            actions.add("released " + n + " (" + reason + "): mysqlha rejoin --clear-hold"
                                    + (r.ok() ? "" : " failed: " + r.brief()));
                        } else if (rebuild) {
                            log.accept("rebuilding " + n + " from " + v.promoted().get(0) + ": " + reason);
                            String r = rebuildNode(n, v.promoted().get(0));
                            actions.add("rebuilt " + n + " from " + v.promoted().get(0) + " (" + reason + "): " + r);
                            rebuilt.add(n);
                        } else {
                            continue;
                        }
                        log.accept(actions.get(actions.size() - 1));
                        actions.add(cleanup(from, v, log));
                        lastCleanup = System.currentTimeMillis();
                    }
                }
            }
            Workload.sleep(1000);
        }
        return new Outcome(-1, wrong, actions, rebuilt, last, -1, refusalsSeen, unrequested);
    }

    private String cleanup(String from, CrmMon v, java.util.function.Consumer<String> log) {
        Exec.Result c = target.exec(from, Duration.ofSeconds(30), "crm_resource", "--cleanup");
        String what = "crm_resource --cleanup (" + (v.failures().isEmpty() ? "stopped instances"
                : v.failures().toString()) + ")" + (c.ok() ? "" : " failed: " + c.brief());
        log.accept(what);
        return what;
    }

    private Exec.Result rejoin(String node, boolean holdOnly) {
        String args = "rejoin --resource " + agentResource + (holdOnly ? " --clear-hold" : "");
        return target.exec(node, Duration.ofSeconds(60), "sh", "-c",
                "if command -v mysqlha >/dev/null; then mysqlha " + args + "; "
                        + "else java -jar /usr/share/mysqlha/mysqlha.jar " + args + "; fi");
    }

    private int stoppedInstances(CrmMon v) {
        int k = 0;
        for (String n : v.online()) {
            if (target.allNodes().contains(n) && !v.promoted().contains(n) && !v.unpromoted().contains(n)) {
                k++;
            }
        }
        return k;
    }

    /** Online nodes where db is not running, or whose start failed. */
    private Set<String> refusedNodes(CrmMon v) {
        Set<String> out = new LinkedHashSet<>();
        for (CrmMon.Failure f : v.failures()) {
            if (f.opKey().contains("_start_") || f.opKey().contains("_promote_")) {
                out.add(f.node());
            }
        }
        for (String n : v.online()) {
            if (target.allNodes().contains(n) && !v.promoted().contains(n) && !v.unpromoted().contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * An operator's rebuild of node from primary: {@code mysqlha reclone NODE --from PRIMARY --allow-primary
     * --force --discard-old}, its code run from here through the target's shell on each node (copying from
     * the primary as the harness always did: after a fault the replicas may be the ones hurt). Returns a
     * summary ("ok" or what failed).
     */
    public String rebuildNode(String node, String primary) {
        Reclone r = new Reclone(target::wrap, new Reclone.Options(node, primary, true, true, true, dbResource,
                agentResource, datadir, "/etc/mysql/my.cnf", null, Duration.ofSeconds(120)), RECLONE_LOG, false);
        try {
            Reclone.Result res = r.run();
            return (res.replicating() ? "ok, " : "copied but not replicating yet, ") + "gtid_slave_pos=" + res.gtid();
        } catch (Reclone.Refused | Reclone.Failed e) {
            return e.getMessage();
        }
    }

    /** The reclone's step lines: not on the harness's own output (its log gets the summary). */
    private static final java.io.PrintStream RECLONE_LOG = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
}
