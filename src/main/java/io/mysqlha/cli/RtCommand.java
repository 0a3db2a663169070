package io.mysqlha.cli;

import io.mysqlha.rt.Fault;
import io.mysqlha.rt.LabTarget;
import io.mysqlha.rt.RunConfig;
import io.mysqlha.rt.Runner;
import io.mysqlha.rt.SshTarget;
import io.mysqlha.rt.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code mysqlha rt}: the failover RT harness (faults in a loop against the lab or a staging cluster). */
@Command(name = "rt", sortOptions = false, description = {
    "Failover RT harness: runs a workload through the VIPs, injects faults in a loop, heals, lets the cluster "
            + "converge and checks: no acknowledged write lost, no duplicate, never two writable servers, VIPs where "
            + "they belong, identical data, convergence, failover time. Stores runs/<timestamp>/ and ends with a RESULT line.",
    "Exit status: 0 all valid, 1 an invalid result, 2 unusable target (not up, unreachable, half-healed) or bad "
            + "options, 130 interrupted (the fault in place is healed first)."})
public final class RtCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", defaultValue = "lab", description = "lab (test-harness/lab on this machine) or ssh (--nodes FILE)")
    String target;

    @Option(names = "--lab", description = "the lab script (default: test-harness/lab of this checkout, or $MYSQLHA_LAB)")
    Path lab;

    @Option(names = "--nodes", description = "nodes file for --target ssh (see the README, \"Failover RT harness\")")
    Path nodesFile;

    @Option(names = "--faults", defaultValue = "all", description = "comma-separated faults, or all (see --list-faults)")
    String faults;

    @Option(names = "--random", description = "pick each iteration's fault at random (replayable with --seed)")
    boolean random;

    @Option(names = "--seed", description = "random seed (default: the clock; printed in the results)")
    Long seed;

    @Option(names = "--iterations", description = "number of iterations (default 1 per listed fault unless --duration)")
    Integer iterations;

    @Option(names = "--duration", description = "run iterations until this much time has passed: 600s, 30m, 2h")
    String duration;

    @Option(names = "--hold", description = "seconds each fault stays before it is healed (default: per fault, 10-20)")
    Integer holdS;

    @Option(names = "--converge-bound", defaultValue = "180", description = "seconds the cluster has to converge after healing (default 180)")
    int convergeS;

    @Option(names = "--failover-bound", defaultValue = "60", description = "seconds within which a write must be acknowledged again (default 60)")
    int failoverS;

    @Option(names = "--writers", defaultValue = "2", description = "writer clients (default 2)")
    int writers;

    @Option(names = "--readers", defaultValue = "1", description = "reader clients (default 1)")
    int readers;

    @Option(names = "--op-interval-ms", defaultValue = "50", description = "pause between a client's operations (default 50)")
    long opIntervalMs;

    @Option(names = "--sample-ms", defaultValue = "200", description = "read_only sampling interval per server (default 200)")
    long sampleMs;

    @Option(names = "--runs-dir", defaultValue = "runs", description = "where runs are stored (default ./runs)")
    Path runsDir;

    @Option(names = "--keep-runs", defaultValue = "0", description = "keep only the newest N runs (default 0: keep all)")
    int keepRuns;

    @Option(names = "--db-resource", defaultValue = "db", description = "the promotable clone (default db)")
    String dbResource;

    @Option(names = "--agent-resource", defaultValue = "mysql", description = "its primitive, as the agent names its state (default mysql)")
    String agentResource;

    @Option(names = "--writer-vip-resource", defaultValue = "writer-vip")
    String writerVipResource;

    @Option(names = "--reader-vip-resource", defaultValue = "reader-vip")
    String readerVipResource;

    @Option(names = "--datadir", defaultValue = "/var/lib/mysql", description = "the servers' datadir (for rebuilds)")
    String datadir;

    @Option(names = "--no-rebuild", description = "never rebuild a node the agent refuses (report it instead)")
    boolean noRebuild;

    @Option(names = "--operator", description = "play the operator after every fault (crm_resource --cleanup when "
            + "failed actions are left, rebuild a node refused twice), as rounds did before the cluster healed itself; "
            + "default: act only where the agent refused a node with a reason, and count it")
    boolean operator;

    @Option(names = "--reader-vip-grace", defaultValue = "15", description = "seconds the reader VIP may stay on a server that is not a readable replica (default 15)")
    int readerGraceS;

    @Option(names = "--list-faults", description = "list the faults and exit")
    boolean listFaults;

    @Option(names = "--bench", description = "also print one RESULT line per fault type (median failover, lost writes, "
            + "most writable servers at once, writer VIP on the primary)")
    boolean bench;

    @Option(names = "--in-namespace", hidden = true)
    boolean inNamespace;

    @Override
    public Integer call() {
        if (listFaults) {
            for (Fault f : Fault.values()) {
                System.out.printf("%-34s %s%n", f.id, f.description);
            }
            return 0;
        }
        List<Fault> list;
        try {
            list = Fault.parseList(faults);
        } catch (IllegalArgumentException e) {
            System.err.println("rt: " + e.getMessage());
            return 2;
        }
        Duration dur = null;
        if (duration != null) {
            try {
                dur = parseDuration(duration);
            } catch (IllegalArgumentException e) {
                System.err.println("rt: --duration: " + e.getMessage());
                return 2;
            }
        }
        if (iterations != null && iterations < 1 || writers < 1 || readers < 0 || sampleMs < 50 || opIntervalMs < 0) {
            System.err.println("rt: --iterations and --writers must be at least 1, --readers at least 0, --sample-ms at least 50");
            return 2;
        }
        int its = iterations != null ? iterations : dur != null ? 0 : list.size();
        long s = seed != null ? seed : System.currentTimeMillis();
        Target t;
        try {
            if (target.equals("lab")) {
                LabTarget lt = LabTarget.open(labScript());
                if (!inNamespace && !inNetns(lt.clientNamespace())) {
                    return reexecIn(lt.clientNamespace());
                }
                t = lt;
            } else if (target.equals("ssh")) {
                if (nodesFile == null) {
                    System.err.println("rt: --target ssh needs --nodes FILE");
                    return 2;
                }
                t = SshTarget.open(nodesFile);
            } else {
                System.err.println("rt: --target must be lab or ssh");
                return 2;
            }
        } catch (Target.TargetException e) {
            System.out.println("rt: " + e.getMessage());
            return 2;
        }
        RunConfig cfg = new RunConfig(list, random, s, its, dur, holdS == null ? null : Duration.ofSeconds(holdS),
                Duration.ofSeconds(convergeS), Duration.ofSeconds(failoverS), writers, readers, opIntervalMs, sampleMs,
                runsDir, keepRuns, dbResource, agentResource, writerVipResource, readerVipResource, datadir, !noRebuild,
                readerGraceS * 1000L, operator);
        List<String> cmd = new ArrayList<>(List.of("mysqlha", "rt"));
        cmd.addAll(ownArgs());
        Runner r = new Runner(t, cfg, System.out, cmd).withBenchLines(bench);
        r.installInterruptHandler();
        return r.run();
    }

    static Duration parseDuration(String s) {
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh]?)").matcher(s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a number with s, m or h (600s, 30m, 2h), got '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private Path labScript() {
        if (lab != null) {
            return lab;
        }
        String env = System.getenv("MYSQLHA_LAB");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            // target/mysqlha.jar in a checkout: ../test-harness/lab
            Path jar = Path.of(RtCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = jar.getParent().getParent().resolve("test-harness/lab");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        } catch (Exception e) {
            // fall through to the working directory
        }
        return Path.of("test-harness/lab").toAbsolutePath();
    }

    /** Whether this process already runs in the named network namespace. */
    static boolean inNetns(String ns) {
        try {
            String self = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            Object ino = Files.getAttribute(Path.of("/run/netns", ns), "unix:ino");
            return self.equals("net:[" + ino + "]");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The workload must reach the VIPs, which exist only on the lab's segment: run the same command again
     * inside the lab's client namespace and pass its exit status on. On Ctrl-C or a SIGTERM this one passes
     * SIGTERM on and waits for the child, which heals its fault before it exits.
     */
    private int reexecIn(String ns) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "rt", "--in-namespace"));
        cmd.addAll(ownArgs());
        if (lab == null) {
            cmd.addAll(List.of("--lab", labScript().toString()));
        }
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    // a signal sent to this process alone (kill, systemd's main PID): pass it on as SIGTERM,
                    // which the child treats like Ctrl-C (heal, write the files, exit)
                    p.destroy();
                    p.waitFor(150, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "rt-wait-child"));
            return p.waitFor();
        } catch (IOException e) {
            System.err.println("rt: cannot enter the lab's client namespace " + ns + ": " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** This command's own arguments (the parse result starts at the top-level command). */
    private List<String> ownArgs() {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf("rt");
        return List.copyOf(at < 0 ? all : all.subList(at + 1, all.size()));
    }
}
