package io.mysqlha.rt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lab on this machine, driven only through test-harness/lab: {@code lab exec NODE ...} is the shell on
 * a node and the fault verbs are lab verbs. The workload must run in the lab's client namespace (the only
 * place the VIPs are reachable from); {@link #clientNamespace()} names it.
 */
public final class LabTarget implements Target {
    private static final Duration ENV_TIMEOUT = Duration.ofSeconds(15);
    private final Path lab;
    private final Map<String, String> env;

    private LabTarget(Path lab, Map<String, String> env) {
        this.lab = lab;
        this.env = env;
    }

    /** Reads the running lab's settings ({@code lab env}); a lab that is not up is a {@link TargetException}. */
    public static LabTarget open(Path labScript) {
        if (!Files.isExecutable(labScript)) {
            throw new TargetException("no lab script at " + labScript + " (use --lab PATH)");
        }
        Exec.Result r = Exec.run(List.of(labScript.toString(), "env"), ENV_TIMEOUT);
        if (!r.ok()) {
            throw new TargetException("the lab is not up (" + r.brief() + "); start it with: "
                    + labScript + " up && " + labScript + " configure");
        }
        return new LabTarget(labScript, parseEnv(r.out()));
    }

    /** Parses what {@code lab env} prints: NAME=value lines, values optionally in double quotes. */
    public static Map<String, String> parseEnv(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                m.put(line.substring(0, eq).strip(), v);
            }
        }
        return m;
    }

    private String need(String key) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            throw new TargetException("lab env has no " + key + " (a lab from an older checkout? run lab down && lab up)");
        }
        return v;
    }

    /** The network namespace the workload runs in. */
    public String clientNamespace() {
        return need("LAB_CLIENT_NS");
    }

    public Path labDir() {
        return Path.of(need("LAB_DIR"));
    }

    @Override
    public String name() {
        return "lab";
    }

    @Override
    public List<String> haNodes() {
        return List.of(need("LAB_HA_NODES").split("\\s+"));
    }

    @Override
    public List<String> allNodes() {
        return List.of(need("LAB_ALL_NODES").split("\\s+"));
    }

    @Override
    public String writerVip() {
        return need("LAB_WRITER_VIP");
    }

    @Override
    public Optional<String> readerVip() {
        return Optional.ofNullable(env.get("LAB_READER_VIP")).filter(s -> !s.isBlank());
    }

    @Override
    public AppAccount app() {
        Path cnf = Path.of(need("LAB_APP_CNF"));
        try {
            return OptionFile.app(Files.readString(cnf));
        } catch (IOException e) {
            throw new TargetException("cannot read the lab's application account " + cnf + ": " + e.getMessage());
        }
    }

    @Override
    public void preflight() {
        List<String> bad = new ArrayList<>();
        for (String n : allNodes()) {
            Exec.Result r = exec(n, Duration.ofSeconds(10), "true");
            if (!r.ok()) {
                bad.add(n + " (" + r.brief() + ")");
            }
        }
        if (!bad.isEmpty()) {
            throw new TargetException("lab nodes not running: " + String.join(", ", bad)
                    + "; see: " + lab + " status (a node left powered off: " + lab + " start-node NODE)");
        }
        Exec.Result mon = exec(haNodes().get(0), Duration.ofSeconds(15), "crm_mon", "-1", "--output-as=xml");
        if (!mon.ok()) {
            throw new TargetException("crm_mon does not answer on " + haNodes().get(0) + " (" + mon.brief() + ")");
        }
    }

    @Override
    public Exec.Result exec(String node, Duration timeout, String... argv) {
        return Exec.run(wrap(node, List.of(argv)), timeout);
    }

    @Override
    public List<String> wrap(String node, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of(lab.toString(), "exec", node));
        cmd.addAll(argv);
        return cmd;
    }

    @Override
    public Process spawn(String node, String... argv) throws IOException {
        return new ProcessBuilder(wrap(node, List.of(argv))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Override
    public Optional<List<String>> addresses(String node) {
        // The node's network namespace outlives its processes; kill-node flushes its addresses as a power
        // loss would, so what is configured there is what the node holds.
        Exec.Result r = Exec.run(List.of("ip", "-n", env.getOrDefault("LAB_NS_PREFIX", "mhl") + "-" + node, "-o", "-4", "addr", "show"),
                Duration.ofSeconds(3));
        if (!r.ok()) {
            return Optional.empty();
        }
        return Optional.of(OptionFile.inetAddresses(r.out()));
    }

    @Override
    public boolean supports(Verb verb) {
        if (verb == Verb.FILL_DISK || verb == Verb.FREE_DISK) {
            return "1".equals(env.get("LAB_DISK_IMAGES"));
        }
        if (verb == Verb.KILL_SERVICE || verb == Verb.STOP_SERVICE || verb == Verb.START_SERVICE) {
            return !"0".equals(env.get("LAB_SERVICE"));
        }
        if (verb == Verb.QNETD_STOP || verb == Verb.QNETD_START) {
            return "1".equals(env.get("LAB_QNETD"));
        }
        return EnumSet.allOf(Verb.class).contains(verb);
    }

    @Override
    public Exec.Result fault(Verb verb, List<String> nodes, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of(lab.toString(), verb.word));
        if (verb != Verb.HEAL) {
            cmd.addAll(nodes);
        }
        return Exec.run(cmd, timeout);
    }

    @Override
    public void collectLogs(String node, Path dir) {
        // Read from the node's directories on this machine: a node that was powered off has no shell.
        Path nd = labDir().resolve("nodes").resolve(node);
        Map<String, Path> files = Map.of(
                "pacemaker.log", nd.resolve("log/pacemaker/pacemaker.log"),
                "corosync.log", nd.resolve("log/corosync/corosync.log"),
                "mysql-error.log", nd.resolve("log/mysql/error.log"));
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, Path> e : files.entrySet()) {
                if (Files.isReadable(e.getValue())) {
                    Files.writeString(dir.resolve(e.getKey()), RunFiles.tail(e.getValue(), 4000));
                }
            }
            Path state = nd.resolve("varlib/mysqlha");
            if (Files.isDirectory(state)) {
                try (var s = Files.walk(state)) {
                    for (Path f : s.filter(Files::isRegularFile).toList()) {
                        String rel = state.relativize(f).toString().replace('/', '_');
                        if (rel.contains("journal") || rel.endsWith("lifecycle") || rel.endsWith("master-info")
                                || rel.endsWith(".out")) {
                            Files.writeString(dir.resolve("mysqlha-" + rel), RunFiles.tail(f, 2000));
                        }
                    }
                }
            }
        } catch (IOException e) {
            RunFiles.note(dir, "collect-error.txt", node + ": " + e);
        }
    }
}
