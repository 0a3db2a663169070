package io.mysqlha.rt;

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

    public Healer(Target target, String dbResource, String writerVipResource, String readerVipResource,
            String agentResource, String datadir, boolean rebuild) {
        this.target = target;
        this.dbResource = dbResource;
        this.writerVipResource = writerVipResource;
        this.readerVipResource = readerVipResource;
        this.agentResource = agentResource;
        this.datadir = datadir;
        this.rebuild = rebuild;
    }

    /** The outcome of a convergence phase. */
    public record Outcome(long convergedAfterMs, List<String> stillWrong, List<String> actions, List<String> rebuilt,
            CrmMon finalView) {
        public boolean converged() {
            return convergedAfterMs >= 0;
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

    /** Waits (at most boundMs) for the cluster to converge, acting as an operator would. */
    public Outcome converge(long boundMs, BooleanSupplier stop, java.util.function.Consumer<String> log) {
        long t0 = System.currentTimeMillis();
        long lastCleanup = 0;
        List<String> actions = new ArrayList<>();
        List<String> rebuilt = new ArrayList<>();
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
                wrong = notConverged(v);
                if (wrong.isEmpty()) {
                    long now = System.currentTimeMillis();
                    if (stableSince < 0 || !v.promoted().get(0).equals(stablePrimary)) {
                        stableSince = now;
                        stablePrimary = v.promoted().get(0);
                    }
                    if (now - stableSince >= STABLE_MS) {
                        return new Outcome(stableSince - t0, List.of(), actions, rebuilt, v);
                    }
                    Workload.sleep(1000);
                    continue;
                }
                stableSince = -1;
                long now = System.currentTimeMillis();
                boolean leftovers = !v.failures().isEmpty() || stoppedInstances(v) > 0;
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
                    Exec.Result c = target.exec(from, Duration.ofSeconds(30), "crm_resource", "--cleanup");
                    cleanups++;
                    lastCleanup = System.currentTimeMillis();
                    String what = "crm_resource --cleanup (" + (v.failures().isEmpty() ? "stopped instances"
                            : v.failures().toString()) + ")" + (c.ok() ? "" : " failed: " + c.brief());
                    actions.add(what);
                    log.accept(what);
                }
            }
            Workload.sleep(1000);
        }
        return new Outcome(-1, wrong, actions, rebuilt, last);
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
     * An operator's rebuild of node from primary: stop what is left of the server, empty the datadir,
     * stream a mariadb-backup of the primary into it, prepare it, give it the backup's GTID position as its
     * replication position, tell the agent the node may rejoin. Returns a summary ("ok" or what failed).
     */
    public String rebuildNode(String node, String primary) {
        String r = copyFrom(node, primary);
        if (!r.startsWith("ok")) {
            // A half-made copy must never start: leave an empty datadir, which the agent refuses.
            target.exec(node, Duration.ofSeconds(60), "sh", "-c", "pkill -9 -x mariadbd; find '" + datadir
                    + "' -mindepth 1 -delete");
        }
        return r;
    }

    private String copyFrom(String node, String primary) {
        Duration t = Duration.ofSeconds(300);
        Exec.Result r = target.exec(node, Duration.ofSeconds(60), "sh", "-c",
                "pkill -9 -x mariadbd; pkill -9 -x mysqld; sleep 1; d='" + datadir + "'; mkdir -p \"$d\"; "
                        + "find \"$d\" -mindepth 1 -delete && chown mysql:mysql \"$d\"");
        if (!r.ok()) {
            return "emptying the datadir failed: " + r.brief();
        }
        r = target.pipe(primary, List.of("mariadb-backup", "--backup", "--stream=xbstream", "--target-dir=/tmp",
                "--user=root"), node, List.of("mbstream", "-x", "-C", datadir), t);
        if (!r.ok()) {
            return "backup stream from " + primary + " failed: " + r.brief();
        }
        r = target.exec(node, t, "sh", "-c", "mariadb-backup --prepare --target-dir='" + datadir + "' >/tmp/rt-prepare.log 2>&1"
                + " && chown -R mysql:mysql '" + datadir + "'");
        if (!r.ok()) {
            return "prepare failed: " + r.brief();
        }
        // The copy has no binary logs: it starts as a replica at the backup's GTID position.
        r = target.exec(node, Duration.ofSeconds(120), "sh", "-c",
                "set -e; f='" + datadir + "/mariadb_backup_binlog_info'; [ -f \"$f\" ] || f='" + datadir
                        + "/xtrabackup_binlog_info'; g=$(awk '{print $3}' \"$f\"); [ -n \"$g\" ]; "
                        + "mariadbd --defaults-file=/etc/mysql/my.cnf --skip-networking --skip-slave-start "
                        + "--socket=/tmp/rt-rebuild.sock --pid-file=/tmp/rt-rebuild.pid --user=mysql >/tmp/rt-rebuild.log 2>&1 & "
                        + "for i in $(seq 1 60); do mariadb -S /tmp/rt-rebuild.sock -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done; "
                        + "mariadb -S /tmp/rt-rebuild.sock -e \"SET GLOBAL gtid_slave_pos='$g'\"; "
                        + "mariadb-admin -S /tmp/rt-rebuild.sock shutdown; wait; echo \"gtid_slave_pos=$g\"");
        if (!r.ok()) {
            return "setting the GTID position failed: " + r.brief();
        }
        String gtid = r.out().strip();
        r = target.exec(node, Duration.ofSeconds(60), "sh", "-c",
                "if command -v mysqlha >/dev/null; then mysqlha rejoin --resource " + agentResource + "; "
                        + "else java -jar /usr/share/mysqlha/mysqlha.jar rejoin --resource " + agentResource + "; fi");
        if (!r.ok()) {
            return "mysqlha rejoin failed: " + r.brief();
        }
        return "ok, " + gtid;
    }
}
