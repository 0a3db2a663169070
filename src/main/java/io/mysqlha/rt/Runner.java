package io.mysqlha.rt;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A round: workload and samplers run while faults are injected one per iteration, each followed by healing
 * and a convergence phase (the operator's cleanup and rebuilds included) and the checkers. Everything is
 * stored under runs/&lt;timestamp&gt;/. Exit status: 0 all valid, 1 any invalid, 2 the target was unusable
 * (not up, unreachable, half-healed before the first fault), 130 interrupted (faults healed first).
 */
public final class Runner {
    public static final int EXIT_VALID = 0;
    public static final int EXIT_INVALID = 1;
    public static final int EXIT_BAD_TARGET = 2;
    public static final int EXIT_INTERRUPTED = 130;
    static final long WARMUP_MS = 3000;
    static final long WARMUP_BOUND_MS = 90_000;
    static final long AFTER_CONVERGED_MS = 3000;
    static final long BASELINE_BOUND_MS = 90_000;
    static final long DATA_BOUND_MS = 60_000;
    /** arbitrator-lost: the longest stretch without an acknowledged write that still counts as writes going on. */
    static final long KEPT_PRIMARY_MAX_GAP_MS = 5_000;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Target target;
    private final RunConfig cfg;
    private final PrintStream out;
    private final List<String> commandLine;
    private volatile boolean stopRequested;
    private volatile Nemesis.Injection current;
    private final CountDownLatch finished = new CountDownLatch(1);
    private Path runDir;
    private boolean bench;

    /** Also print one issue-3 style RESULT line per fault type (test-harness/bench-failover). */
    public Runner withBenchLines(boolean on) {
        this.bench = on;
        return this;
    }

    public Runner(Target target, RunConfig cfg, PrintStream out, List<String> commandLine) {
        this.target = target;
        this.cfg = cfg;
        this.out = out;
        this.commandLine = commandLine;
    }

    private void say(String s) {
        out.printf("%s rt: %s%n", java.time.LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), s);
        out.flush();
    }

    /** Ctrl-C: heal the fault in place, let the round write its files, then let the JVM go. */
    public void installInterruptHandler() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (finished.getCount() == 0) {
                return;
            }
            stopRequested = true;
            Nemesis.Injection i = current;
            if (i != null) {
                System.err.println("rt: interrupted: healing " + i.fault.id + " on " + i.nodes);
                i.heal();
            }
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rt-interrupt"));
    }

    public int run() {
        try {
            return runRound();
        } finally {
            finished.countDown();
        }
    }

    private int runRound() {
        try {
            target.preflight();
        } catch (Target.TargetException e) {
            out.println("rt: " + e.getMessage());
            return EXIT_BAD_TARGET;
        }
        Nemesis nemesis = new Nemesis(target, cfg.dbResource());
        // The faults that apply to this cluster (its number of HA nodes, an arbitrator, disk images...): the
        // others are named once here and never drawn.
        List<Fault> faults = new ArrayList<>();
        for (Fault f : cfg.faults()) {
            String why = nemesis.unsupported(f);
            if (why == null) {
                faults.add(f);
            } else {
                say("fault " + f.id + " does not apply here: " + why);
            }
        }
        if (faults.isEmpty()) {
            out.println("rt: none of the faults asked for applies to " + target.name());
            return EXIT_BAD_TARGET;
        }
        Healer healer = new Healer(target, cfg.dbResource(), cfg.writerVipResource(), cfg.readerVipResource(),
                cfg.agentResource(), cfg.datadir(), cfg.rebuild(), cfg.operator());
        say("target " + target.name() + ": nodes " + target.allNodes() + ", writer VIP " + target.writerVip()
                + target.readerVip().map(r -> ", reader VIP " + r).orElse(""));
        // Before the first fault the operator prepares the cluster, in every mode.
        Healer.Outcome base = new Healer(target, cfg.dbResource(), cfg.writerVipResource(), cfg.readerVipResource(),
                cfg.agentResource(), cfg.datadir(), cfg.rebuild(), true).converge(BASELINE_BOUND_MS, () -> stopRequested, s -> say("baseline: " + s));
        if (!base.converged()) {
            out.println("rt: the cluster is not healthy before the first fault (half-healed?): " + base.stillWrong()
                    + "; bring it back first (lab heal / start-node, pcs resource cleanup) and look at crm_mon");
            return EXIT_BAD_TARGET;
        }
        Instant started = Instant.now();
        runDir = uniqueDir(cfg.runsDir().resolve(STAMP.format(started)));
        History history;
        try {
            history = new History(runDir);
        } catch (IOException e) {
            out.println("rt: cannot create " + runDir + ": " + e.getMessage());
            return EXIT_BAD_TARGET;
        }
        say("run " + runDir);
        String table = target.app().database() + ".rt_" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(ZoneOffset.UTC).format(started);
        Workload workload = new Workload(target.app(), target.writerVip(), target.readerVip().orElse(null), table,
                history, cfg.writers(), cfg.readers(), cfg.opIntervalMs(), 3000, 1);
        try {
            workload.createTable(30_000);
        } catch (SQLException e) {
            out.println("rt: cannot create " + table + " through the writer VIP " + target.writerVip() + ": " + e.getMessage());
            history.close();
            return EXIT_BAD_TARGET;
        }
        Report.warmUp().ifPresent(e -> say("the failover plot as a picture may be missing: " + e));
        Sampler sampler = new Sampler(target, history, cfg.sampleIntervalMs(), cfg.dbResource(), cfg.writerVipResource(),
                cfg.readerVipResource());
        sampler.start();
        Random rng = new Random(cfg.seed());
        List<IterationResult> results = new ArrayList<>();
        Set<Long> reportedLost = new HashSet<>();
        long deadline = cfg.duration() == null ? Long.MAX_VALUE : System.currentTimeMillis() + cfg.duration().toMillis();
        int i = 0;
        boolean abort = false;
        while (!stopRequested && !abort && (cfg.iterations() > 0 ? i < cfg.iterations() : System.currentTimeMillis() < deadline)) {
            Fault f = RunConfig.faultFor(faults, cfg.random(), i, rng);
            i++;
            IterationResult r = iteration(i, f, nemesis, healer, workload, history, rng, reportedLost);
            results.add(r);
            history.flush();
            say(String.format("iteration %d %s: %s%s", i, f.id, r.status().name().toLowerCase(), r.skipped() != null
                    ? " (skipped: " + r.skipped() + ")" : String.format(", failover %s s, lost %d, split-brain moments %d%s",
                            Stats.fmt(r.failoverS()), r.lostWrites(), r.splitBrainMoments(),
                            (Double.isNaN(r.writePauseS()) ? "" : ", write pause " + Stats.fmt(r.writePauseS()) + " s")
                                    + (r.rebuilt().isEmpty() ? "" : ", rebuilt " + r.rebuilt())
                                    + ", full redundancy " + Stats.fmt(r.fullRedundancyAfterHealS()) + " s after the heal ("
                                    + Stats.fmt(r.fullRedundancyAfterFaultS()) + " s after the fault), operator actions "
                                    + r.actions().size())));
            for (Verdict v : r.verdicts()) {
                if (v.status() != Verdict.Status.VALID) {
                    say("  " + v);
                }
            }
            if (r.status() != Verdict.Status.VALID && r.skipped() == null) {
                collectLogs(r);
            }
            if (r.verdicts().stream().anyMatch(v -> v.checker().equals(Checkers.CLUSTER) && v.status() == Verdict.Status.INVALID)) {
                say("the cluster did not converge: stopping the round here (the next fault would test nothing)");
                abort = true;
            }
        }
        sampler.stop();
        history.close();
        Report.Summary sum = Report.summarize(results);
        try {
            Report.write(runDir, results, sum, Map.of("target", target.name(), "seed", cfg.seed(), "random", cfg.random(),
                    "faults", faults.stream().map(x -> x.id).toList(), "started", started.toString(),
                    "finished", Instant.now().toString(), "interrupted", stopRequested, "command", commandLine,
                    "table", table));
        } catch (IOException | RuntimeException e) {
            // the RESULT line below is printed all the same
            out.println("rt: cannot write the report: " + e.getMessage());
        }
        try {
            for (Path p : RunFiles.prune(cfg.runsDir(), cfg.keepRuns())) {
                say("removed old run " + p);
            }
        } catch (IOException e) {
            say("cannot prune old runs: " + e.getMessage());
        }
        if (bench) {
            for (String line : Report.benchLines(results)) {
                out.println(line);
            }
        }
        out.println(sum.resultLine(runDir.resolve("report.html")));
        out.flush();
        if (stopRequested) {
            return EXIT_INTERRUPTED;
        }
        return sum.invalid() > 0 ? EXIT_INVALID : EXIT_VALID;
    }

    private static Path uniqueDir(Path p) {
        Path d = p;
        for (int k = 1; Files.exists(d); k++) {
            d = p.resolveSibling(p.getFileName() + "-" + k);
        }
        return d;
    }

    /** The healing phase: the operator's part played as written down, each action said and recorded. */
    private static Healer.Outcome converge(int n, Healer healer, History history, long boundMs,
            java.util.function.BooleanSupplier stop, java.util.function.Consumer<String> say) {
        Healer.Outcome conv = healer.converge(boundMs, stop, s -> {
            say.accept("  " + s);
            history.event(n, "operator", Map.of("action", s));
        });
        history.event(n, conv.converged() ? "converged" : "not-converged", Map.of("after_ms", conv.convergedAfterMs(),
                "wrong", conv.stillWrong(), "actions", conv.actions()));
        return conv;
    }

    /**
     * An injection that failed half-way may have left the cluster short of a node (a kill done, the second
     * refused: the node held out for flapping, say). The next fault must not meet that cluster: the operator's
     * part is played here as after any fault (bounded), and what it did is counted with this unknown iteration.
     */
    static IterationResult afterFailedInjection(int n, Fault f, String why, long start, Healer healer, History history,
            long boundMs, java.util.function.BooleanSupplier stop, java.util.function.Consumer<String> say) {
        Healer.Outcome conv = converge(n, healer, history, boundMs, stop, say);
        return IterationResult.skipped(n, f, why + (conv.converged() ? ""
                : "; the cluster did not converge afterwards: " + conv.stillWrong()), start, System.currentTimeMillis(),
                conv.actions(), conv.rebuilt());
    }

    private IterationResult iteration(int n, Fault f, Nemesis nemesis, Healer healer, Workload workload,
            History history, Random rng, Set<Long> reportedLost) {
        long start = System.currentTimeMillis();
        String unsupported = nemesis.unsupported(f);
        if (unsupported != null) {
            return IterationResult.skipped(n, f, unsupported, start);
        }
        Optional<Map.Entry<String, CrmMon>> seen = healer.view();
        if (seen.isEmpty() || seen.get().getValue().promoted().size() != 1) {
            return IterationResult.skipped(n, f, "no single promoted instance before the fault", start);
        }
        CrmMon before = seen.get().getValue();
        String primary = before.promoted().get(0);
        List<String> replicas = target.haNodes().stream().filter(x -> !x.equals(primary) && before.unpromoted().contains(x)).toList();
        if (replicas.isEmpty()) {
            return IterationResult.skipped(n, f, "no running replica before the fault", start);
        }
        workload.start(n);
        sleepUnlessStopped(WARMUP_MS);
        // A fault only means something against a cluster that takes writes: wait (bounded) for one.
        long warmEnd = System.currentTimeMillis() + WARMUP_BOUND_MS;
        boolean ackedBefore;
        while (!(ackedBefore = history.ops(start, System.currentTimeMillis()).stream().anyMatch(Op::isAckedWrite))
                && System.currentTimeMillis() < warmEnd && !stopRequested) {
            Workload.sleep(250);
        }
        if (!ackedBefore) {
            say("iteration " + n + ": no write acknowledged for " + (System.currentTimeMillis() - start) / 1000
                    + " s before the fault; injecting it anyway (failover time will be unknown)");
        }
        Nemesis.Injection inj;
        long faultMs;
        try {
            inj = nemesis.inject(f, primary, replicas, rng, cfg.holdFor(f), workload.table(), w -> history.add(
                    new Op(n, "fault", Op.Kind.WRITE, w.key(), w.type(), w.invokeMs(), w.completeMs(), w.server(), null)));
            faultMs = System.currentTimeMillis();
            current = inj;
        } catch (IllegalStateException e) {
            workload.stop();
            history.event(n, "inject-failed", Map.of("fault", f.id, "error", e.getMessage()));
            return afterFailedInjection(n, f, e.getMessage(), start, healer, history, cfg.convergeBound().toMillis(),
                    () -> stopRequested, this::say);
        }
        history.event(n, "fault", Map.of("fault", f.id, "nodes", inj.nodes, "what", inj.description));
        say("iteration " + n + ": " + inj.description + " (primary " + primary + ", hold " + cfg.holdFor(f).toSeconds() + " s)");
        if (f == Fault.SWITCHOVER) {
            waitPromotedOn(healer, inj.nodes.get(1), cfg.holdFor(f).toMillis());
        } else {
            sleepUnlessStopped(cfg.holdFor(f).toMillis());
        }
        List<String> healSteps = inj.heal();
        current = null;
        long healMs = System.currentTimeMillis();
        history.event(n, "healed", Map.of("fault", f.id, "steps", healSteps));
        if (!inj.commandOutput().isEmpty()) {
            history.event(n, "command", Map.of("fault", f.id, "output", inj.commandOutput()));
            inj.commandOutput().lines().filter(l -> l.startsWith("RESULT ") || l.startsWith("  - ")
                    || l.startsWith("switchover ")).forEach(l -> say("  " + l));
        }
        Healer.Outcome conv = converge(n, healer, history, cfg.convergeBound().toMillis(), () -> stopRequested, this::say);
        sleepUnlessStopped(conv.converged() ? AFTER_CONVERGED_MS : 0);
        workload.stop();
        if (stopRequested) {
            // Interrupted: the fault is healed, but the cluster was not given its time: no verdicts.
            return IterationResult.skipped(n, f, "interrupted (fault healed: " + String.join("; ", healSteps) + ")", start);
        }
        long end = System.currentTimeMillis();

        // Final reads: the application's view through the writer VIP, then every node's own view.
        Map<Long, Integer> present = null;
        try {
            present = workload.readBack(60_000);
        } catch (SQLException e) {
            history.event(n, "read-back-failed", Map.of("error", e.getMessage()));
        }
        List<String> writable = new ArrayList<>();
        Set<String> readable = new LinkedHashSet<>();
        for (String node : target.allNodes()) {
            Exec.Result r = target.exec(node, Duration.ofSeconds(10), "mariadb", "-N", "-B", "-e",
                    "SELECT @@read_only, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='SLAVE_RUNNING')");
            if (r.ok()) {
                String[] v = r.out().strip().split("\t");
                if (v[0].equals("0")) {
                    writable.add(node);
                } else if (v.length > 1 && v[1].equalsIgnoreCase("ON")) {
                    readable.add(node);
                }
            }
        }
        List<String> wHolders = new ArrayList<>();
        Optional<String> rHolder = Optional.empty();
        for (String node : target.allNodes()) {
            List<String> a = target.addresses(node).orElse(List.of());
            if (a.contains(target.writerVip())) {
                wHolders.add(node);
            }
            if (target.readerVip().isPresent() && a.contains(target.readerVip().get())) {
                rHolder = Optional.of(node);
            }
        }
        Map<String, String> checksums = checksums(workload.table());

        List<Op> all = history.allOps();
        List<Op> mine = all.stream().filter(o -> o.iteration() == n).toList();
        List<Sample> samples = history.samples(start, end);
        List<Sample.Server> servers = samples.stream().filter(s -> s instanceof Sample.Server).map(s -> (Sample.Server) s).toList();
        List<Sample.Vips> vips = samples.stream().filter(s -> s instanceof Sample.Vips).map(s -> (Sample.Vips) s).toList();
        long stale = 3 * cfg.sampleIntervalMs();

        List<Verdict> verdicts = new ArrayList<>();
        Verdict lost = Checkers.lostWrites(all, present);
        verdicts.add(lost);
        long newLost = 0;
        if (present != null) {
            for (Op o : all) {
                if (o.isAckedWrite() && !present.containsKey(o.key()) && reportedLost.add(o.key())) {
                    newLost++;
                }
            }
        }
        verdicts.add(Checkers.duplicates(all, present));
        Verdict sb = Checkers.splitBrain(servers, stale, start, end);
        verdicts.add(sb);
        verdicts.add(Checkers.writerVip(vips, conv.finalView(), writable, wHolders));
        if (target.readerVip().isPresent()) {
            verdicts.add(Checkers.readerVip(vips, servers, stale, cfg.readerVipGraceMs(), rHolder, readable));
        }
        verdicts.add(Checkers.dataConverges(checksums));
        verdicts.add(Checkers.clusterConverges(conv.convergedAfterMs(), cfg.convergeBound().toMillis(), conv.stillWrong(),
                conv.actions()));
        if (!cfg.operator()) {
            verdicts.add(Checkers.healsWithoutOperator(conv.actions(), conv.unrequested(), conv.refusals()));
        }
        String after = conv.finalView() == null || conv.finalView().promoted().isEmpty() ? null : conv.finalView().promoted().get(0);
        double failover = Checkers.failoverSeconds(mine, faultMs, after != null && !after.equals(primary) ? primary : null);
        verdicts.add(Checkers.failover(f, failover, cfg.failoverBound().toMillis(), ackedBefore));
        if (f == Fault.SWITCHOVER) {
            verdicts.add(Checkers.switchoverDone(primary, inj.nodes.size() > 1 ? inj.nodes.get(1) : null, after,
                    inj.measured(), inj.commandOutput()));
        }
        if (f == Fault.ARBITRATOR_LOST) {
            verdicts.add(Checkers.primaryKept(primary, after, Checkers.longestWriteGap(mine, faultMs, healMs),
                    KEPT_PRIMARY_MAX_GAP_MS));
        }
        int moments = sb.data().get("moments") instanceof Integer k ? k : 0;
        return new IterationResult(n, f, inj.description, inj.nodes, primary, after, start, faultMs, healMs, end,
                failover, Checkers.longestWriteGap(mine, faultMs, end),
                mine.stream().filter(Op::isAckedWrite).count(),
                mine.stream().filter(o -> o.f() == Op.Kind.WRITE && o.type() == Op.Type.FAIL).count(),
                mine.stream().filter(o -> o.f() == Op.Kind.WRITE && o.type() == Op.Type.INFO).count(),
                newLost, moments, Checkers.maxWritableAtOnce(servers, stale), conv.actions(), conv.rebuilt(), verdicts, null,
                conv.fullRedundancyAtMs() < 0 ? Double.NaN : Math.max(0, conv.fullRedundancyAtMs() - healMs) / 1000.0,
                conv.fullRedundancyAtMs() < 0 ? Double.NaN : (conv.fullRedundancyAtMs() - faultMs) / 1000.0,
                conv.refusals(), Checkers.writePause(mine, faultMs, after != null && !after.equals(primary) ? primary : null),
                inj.measured());
    }

    /** CHECKSUM TABLE on every node, repeated until they agree (replication catching up) or the bound passes. */
    private Map<String, String> checksums(String table) {
        long end = System.currentTimeMillis() + DATA_BOUND_MS;
        Map<String, String> m = new LinkedHashMap<>();
        while (true) {
            m.clear();
            for (String node : target.allNodes()) {
                Exec.Result r = target.exec(node, Duration.ofSeconds(15), "mariadb", "-N", "-B", "-e", "CHECKSUM TABLE " + table);
                String[] v = r.out().strip().split("\t");
                m.put(node, r.ok() && v.length == 2 && !v[1].equals("NULL") ? v[1] : null);
            }
            boolean agree = m.values().stream().noneMatch(java.util.Objects::isNull) && new HashSet<>(m.values()).size() == 1;
            if (agree || System.currentTimeMillis() > end || stopRequested) {
                return m;
            }
            Workload.sleep(1000);
        }
    }

    private void waitPromotedOn(Healer healer, String node, long boundMs) {
        long end = System.currentTimeMillis() + Math.max(boundMs, 30_000);
        while (System.currentTimeMillis() < end && !stopRequested) {
            Optional<Map.Entry<String, CrmMon>> v = healer.view();
            if (v.isPresent() && v.get().getValue().promoted().equals(List.of(node))) {
                return;
            }
            Workload.sleep(500);
        }
    }

    private void collectLogs(IterationResult r) {
        Path dir = runDir.resolve("iterations").resolve(String.format("%03d-%s", r.n(), r.fault().id));
        for (String node : target.allNodes()) {
            target.collectLogs(node, dir.resolve(node));
        }
        Optional<Map.Entry<String, CrmMon>> v = Optional.empty();
        for (String node : target.haNodes()) {
            Exec.Result x = target.exec(node, Duration.ofSeconds(10), "crm_mon", "-1", "-r", "-f");
            if (x.ok()) {
                RunFiles.note(dir, "crm_mon.txt", "seen from " + node + "\n" + x.out());
                break;
            }
        }
    }

    private void sleepUnlessStopped(long ms) {
        long end = System.currentTimeMillis() + ms;
        while (!stopRequested && System.currentTimeMillis() < end) {
            Workload.sleep(Math.min(200, Math.max(1, end - System.currentTimeMillis())));
        }
    }

    public Path runDir() {
        return runDir;
    }
}
