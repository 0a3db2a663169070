package io.mysqlha.rt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Real nodes over ssh (a staging cluster), described by a nodes file:
 * <pre>
 * # name  ssh destination   cluster address  [async]
 * node db1 root@192.0.2.11  192.0.2.11
 * node db2 root@192.0.2.12  192.0.2.12
 * node db3 root@192.0.2.13  192.0.2.13
 * writer_vip 192.0.2.50
 * reader_vip 192.0.2.51
 * app_cnf /etc/mysqlha/rt-app.cnf          # [client] user, password, database of the workload
 * ssh_options -o BatchMode=yes -o ConnectTimeout=5
 * power_off db1 ipmitool -I lanplus -H db1-bmc -U admin -E chassis power off   # optional, run here
 * power_on db1 ipmitool -I lanplus -H db1-bmc -U admin -E chassis power on
 * safety_heal_s 300                       # nodes undo network cuts and freezes by themselves after this
 * </pre>
 * Faults use the same verbs as the lab. A partition is nftables rules on the cut-off nodes (table
 * {@code inet mysqlha_rt}) that drop traffic with the other nodes and MySQL traffic from clients, but keep
 * ssh, so the harness can heal; a freeze stops the cluster daemons and the server, never sshd. Every cut and
 * freeze also schedules its own undo on the node after safety_heal_s, so a harness that dies mid-fault
 * cannot leave a node cut off. Power loss needs power_off/power_on commands (IPMI, a hypervisor); without
 * them the node-loss faults are skipped as unsupported.
 */
public final class SshTarget implements Target {
    static final String TABLE = "mysqlha_rt";
    private final String fileName;
    private final Map<String, Node> nodes;
    private final Map<String, String> settings;
    private final Map<String, String> powerOff;
    private final Map<String, String> powerOn;
    private final AppAccount app;

    record Node(String name, String ssh, String address, boolean async) {}

    private SshTarget(String fileName, Map<String, Node> nodes, Map<String, String> settings,
            Map<String, String> powerOff, Map<String, String> powerOn, AppAccount app) {
        this.fileName = fileName;
        this.nodes = nodes;
        this.settings = settings;
        this.powerOff = powerOff;
        this.powerOn = powerOn;
        this.app = app;
    }

    public static SshTarget open(Path nodesFile) {
        String text;
        try {
            text = Files.readString(nodesFile);
        } catch (IOException e) {
            throw new TargetException("cannot read the nodes file " + nodesFile + ": " + e.getMessage());
        }
        SshTarget t = parse(nodesFile.getFileName().toString(), text, cnf -> {
            try {
                return Files.readString(Path.of(cnf));
            } catch (IOException e) {
                throw new TargetException("cannot read app_cnf " + cnf + ": " + e.getMessage());
            }
        });
        return t;
    }

    static SshTarget parse(String fileName, String text, java.util.function.Function<String, String> readFile) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> off = new LinkedHashMap<>();
        Map<String, String> on = new LinkedHashMap<>();
        int no = 0;
        for (String raw : text.split("\n")) {
            no++;
            String line = raw.replaceAll("(^|\\s)#.*$", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+", 2);
            String rest = f.length > 1 ? f[1].strip() : "";
            switch (f[0]) {
                case "node" -> {
                    String[] n = rest.split("\\s+");
                    if (n.length < 3) {
                        throw new TargetException(fileName + ":" + no + ": node NAME SSH-DESTINATION ADDRESS [async]");
                    }
                    nodes.put(n[0], new Node(n[0], n[1], n[2], n.length > 3 && n[3].equals("async")));
                }
                case "power_off", "power_on" -> {
                    String[] n = rest.split("\\s+", 2);
                    if (n.length < 2) {
                        throw new TargetException(fileName + ":" + no + ": " + f[0] + " NODE COMMAND...");
                    }
                    (f[0].equals("power_off") ? off : on).put(n[0], n[1]);
                }
                case "writer_vip", "reader_vip", "app_cnf", "ssh_options", "safety_heal_s", "datadir" ->
                        settings.put(f[0], rest);
                default -> throw new TargetException(fileName + ":" + no + ": unknown setting " + f[0]);
            }
        }
        if (nodes.size() < 3) {
            throw new TargetException(fileName + ": at least 3 nodes are needed (found " + nodes.size() + ")");
        }
        if (!settings.containsKey("writer_vip")) {
            throw new TargetException(fileName + ": writer_vip is required");
        }
        if (!settings.containsKey("app_cnf")) {
            throw new TargetException(fileName + ": app_cnf is required (an option file with the workload's account)");
        }
        for (String n : off.keySet()) {
            if (!nodes.containsKey(n)) {
                throw new TargetException(fileName + ": power_off for unknown node " + n);
            }
        }
        AppAccount app = OptionFile.app(readFile.apply(settings.get("app_cnf")));
        return new SshTarget(fileName, nodes, settings, off, on, app);
    }

    private List<String> sshOptions() {
        String o = settings.getOrDefault("ssh_options", "-o BatchMode=yes -o ConnectTimeout=5 -o ServerAliveInterval=2 -o ServerAliveCountMax=2");
        return List.of(o.split("\\s+"));
    }

    private int safetyHealSeconds() {
        return Integer.parseInt(settings.getOrDefault("safety_heal_s", "300"));
    }

    @Override
    public String name() {
        return "ssh:" + fileName;
    }

    @Override
    public List<String> haNodes() {
        return nodes.values().stream().filter(n -> !n.async()).map(Node::name).toList();
    }

    @Override
    public List<String> allNodes() {
        return List.copyOf(nodes.keySet());
    }

    @Override
    public String writerVip() {
        return settings.get("writer_vip");
    }

    @Override
    public Optional<String> readerVip() {
        return Optional.ofNullable(settings.get("reader_vip"));
    }

    @Override
    public AppAccount app() {
        return app;
    }

    @Override
    public void preflight() {
        List<String> bad = new ArrayList<>();
        for (String n : nodes.keySet()) {
            Exec.Result r = exec(n, Duration.ofSeconds(15), "crm_mon", "-1", "--output-as=xml");
            if (!r.ok()) {
                bad.add(n + " (" + r.brief() + ")");
            }
        }
        if (!bad.isEmpty()) {
            throw new TargetException("nodes not reachable over ssh or without a running cluster: " + String.join(", ", bad));
        }
    }

    @Override
    public List<String> wrap(String node, List<String> argv) {
        Node n = nodes.get(node);
        if (n == null) {
            throw new TargetException("no node " + node + " in " + fileName);
        }
        List<String> cmd = new ArrayList<>(List.of("ssh"));
        cmd.addAll(sshOptions());
        cmd.add(n.ssh());
        cmd.add("--");
        // ssh joins its arguments with spaces for the remote shell: quote each one
        for (String a : argv) {
            cmd.add(shellQuote(a));
        }
        return cmd;
    }

    static String shellQuote(String s) {
        if (s.matches("[A-Za-z0-9_./=:@,+-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public Exec.Result exec(String node, Duration timeout, String... argv) {
        return Exec.run(wrap(node, List.of(argv)), timeout);
    }

    @Override
    public Process spawn(String node, String... argv) throws IOException {
        return new ProcessBuilder(wrap(node, List.of(argv))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Override
    public Optional<List<String>> addresses(String node) {
        Exec.Result r = exec(node, Duration.ofSeconds(5), "ip", "-o", "-4", "addr", "show");
        return r.ok() ? Optional.of(OptionFile.inetAddresses(r.out())) : Optional.empty();
    }

    @Override
    public boolean supports(Verb verb) {
        return switch (verb) {
            case KILL_NODE, START_NODE -> !powerOff.isEmpty() && !powerOn.isEmpty();
            // no arbitrator or per-pair cut is described in a nodes file
            case CUT, QNETD_STOP, QNETD_START -> false;
            default -> true;
        };
    }

    @Override
    public Exec.Result fault(Verb verb, List<String> names, Duration timeout) {
        String datadir = settings.getOrDefault("datadir", "/var/lib/mysql");
        int safety = safetyHealSeconds();
        String undoLater = "(sleep " + safety + "; %s) >/dev/null 2>&1 </dev/null & ";
        return switch (verb) {
            case KILL_MYSQLD -> onEach(names, "pkill -9 -x mariadbd; pkill -9 -x mysqld; true", timeout);
            case STOP_CLUSTER_DAEMONS -> onEach(names,
                    "pkill -9 -x corosync; pkill -9 -x pacemakerd; pkill -9 '^pacemaker-'; true", timeout);
            case START_CLUSTER_DAEMONS -> onEach(names, "systemctl start corosync pacemaker", timeout);
            case FREEZE -> onEach(names, String.format(undoLater, "pkill -CONT -x corosync; pkill -CONT '^pacemaker'; pkill -CONT -x mariadbd; pkill -CONT -x mysqld")
                    + "pkill -STOP -x corosync; pkill -STOP '^pacemaker'; pkill -STOP -x mariadbd; pkill -STOP -x mysqld; true", timeout);
            case THAW -> onEach(names, "pkill -CONT -x corosync; pkill -CONT '^pacemaker'; pkill -CONT -x mariadbd; pkill -CONT -x mysqld; true", timeout);
            case PARTITION, LINK_DOWN -> cut(names, timeout, String.format(undoLater, "nft delete table inet " + TABLE));
            case HEAL, LINK_UP -> onEach(verb == Verb.HEAL ? allNodes() : names,
                    "nft delete table inet " + TABLE + " 2>/dev/null; true", timeout);
            case FILL_DISK -> onEach(names, "fallocate -l $(( $(df --output=avail -B1 " + datadir
                    + " | tail -1) - 65536 )) " + datadir + "/rt-disk-full.fill", timeout);
            case FREE_DISK -> onEach(names, "rm -f " + datadir + "/rt-disk-full.fill", timeout);
            case KILL_SERVICE -> onEach(names, "systemctl kill --signal=KILL mysqlhad", timeout);
            case STOP_SERVICE -> onEach(names, String.format(undoLater, "systemctl start mysqlhad")
                    + "systemctl stop mysqlhad", timeout);
            case START_SERVICE -> onEach(names, "systemctl start mysqlhad", timeout);
            case CUT, QNETD_STOP, QNETD_START -> new Exec.Result(2, "", verb.word + ": not available on " + name(), false);
            case KILL_NODE, START_NODE -> {
                Map<String, String> cmds = verb == Verb.KILL_NODE ? powerOff : powerOn;
                Exec.Result last = new Exec.Result(0, "", "", false);
                for (String n : names) {
                    String c = cmds.get(n);
                    if (c == null) {
                        yield new Exec.Result(2, "", "no " + (verb == Verb.KILL_NODE ? "power_off" : "power_on")
                                + " command for " + n + " in " + fileName, false);
                    }
                    last = Exec.run(List.of("sh", "-c", c), timeout);
                    if (!last.ok()) {
                        yield last;
                    }
                }
                yield last;
            }
        };
    }

    /** nftables on each cut-off node: drop the other nodes, and MySQL from anyone outside the set. */
    private Exec.Result cut(List<String> names, Duration timeout, String undo) {
        List<String> others = nodes.values().stream().filter(n -> !names.contains(n.name())).map(Node::address).toList();
        String set = String.join(", ", others);
        String inside = String.join(", ", names.stream().map(n -> nodes.get(n).address()).toList());
        String rules = "table inet " + TABLE + " {\n"
                + " chain in { type filter hook input priority -10; policy accept;\n"
                + "  ip saddr { " + set + " } drop\n"
                + "  tcp dport 3306 ip saddr != { " + inside + " } drop\n }\n"
                + " chain out { type filter hook output priority -10; policy accept;\n"
                + "  ip daddr { " + set + " } drop\n }\n}\n";
        return onEach(names, undo + "printf '%s' '" + rules.replace("'", "") + "' | nft -f -", timeout);
    }

    private Exec.Result onEach(List<String> names, String script, Duration timeout) {
        Exec.Result last = new Exec.Result(0, "", "", false);
        for (String n : names) {
            last = exec(n, timeout, "sh", "-c", script);
            if (!last.ok()) {
                return last;
            }
        }
        return last;
    }

    @Override
    public void collectLogs(String node, Path dir) {
        Map<String, String> cmds = new LinkedHashMap<>();
        cmds.put("pacemaker.log", "tail -n 4000 /var/log/pacemaker/pacemaker.log");
        cmds.put("corosync.log", "tail -n 2000 /var/log/corosync/corosync.log");
        cmds.put("journal.txt", "journalctl --no-pager -n 4000 -u corosync -u pacemaker -u mariadb 2>/dev/null");
        cmds.put("mysqlha-journal.txt", "tail -n 2000 /var/lib/mysqlha/*/journal* 2>/dev/null");
        for (Map.Entry<String, String> e : cmds.entrySet()) {
            Exec.Result r = exec(node, Duration.ofSeconds(20), "sh", "-c", e.getValue());
            RunFiles.note(dir, e.getKey(), r.out().isEmpty() ? "(" + r.brief() + ")" : r.out());
        }
    }
}
