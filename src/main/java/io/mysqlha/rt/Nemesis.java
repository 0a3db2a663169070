package io.mysqlha.rt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Injects one fault and knows how to undo it. {@link Injection#heal()} is idempotent and is also what the
 * Ctrl-C handler calls, so a run never leaves its faults behind.
 */
public final class Nemesis {
    static final Duration VERB_TIMEOUT = Duration.ofSeconds(60);
    private final Target target;
    private final String dbResource;

    public Nemesis(Target target, String dbResource) {
        this.target = target;
        this.dbResource = dbResource;
    }

    /** Why a fault cannot run on this target, or null when it can. */
    public String unsupported(Fault f) {
        String unfit = f.unfitFor(target.haNodes().size());
        if (unfit != null) {
            return unfit;
        }
        return switch (f) {
            case PRIMARY_NODE_LOST -> target.supports(Target.Verb.KILL_NODE) ? null
                    : "no way to power nodes off on " + target.name();
            case DISK_FULL -> target.supports(Target.Verb.FILL_DISK) ? null
                    : "the datadirs are not on their own filesystems (lab up --disk-mb N)";
            case KILL_SERVICE_PRIMARY, SERVICE_DOWN_KILL_PRIMARY -> target.supports(Target.Verb.STOP_SERVICE) ? null
                    : "the nodes run no node service (lab up --no-service)";
            case ARBITRATOR_LOST -> target.supports(Target.Verb.QNETD_STOP) ? null
                    : "no quorum device's arbitrator to stop on " + target.name() + " (lab up --qnetd)";
            case HA_NODES_CUT -> target.supports(Target.Verb.CUT) ? null
                    : "no way to cut the link between two nodes on " + target.name();
            default -> null;
        };
    }

    /** A fault in place. */
    public final class Injection {
        public final Fault fault;
        public final List<String> nodes;
        public final String description;
        final List<Runnable> undo = new ArrayList<>();
        final AtomicBoolean healed = new AtomicBoolean();
        volatile Thread loop;

        Injection(Fault fault, List<String> nodes, String description) {
            this.fault = fault;
            this.nodes = nodes;
            this.description = description;
        }

        private final List<String> done = new ArrayList<>();
        /** What the fault's own command printed, and the key=value pairs of its RESULT line (switchover). */
        volatile String commandOutput = "";
        final java.util.Map<String, String> measured = new java.util.concurrent.ConcurrentHashMap<>();

        public java.util.Map<String, String> measured() {
            return new java.util.TreeMap<>(measured);
        }

        public String commandOutput() {
            return commandOutput;
        }

        /** Undoes the fault (idempotent, bounded). Returns what was done (the same list when called again). */
        public synchronized List<String> heal() {
            if (!healed.compareAndSet(false, true)) {
                return List.copyOf(done);
            }
            Thread l = loop;
            if (l != null) {
                l.interrupt();
                try {
                    l.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Runnable r : undo) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    done.add("heal step failed: " + e.getMessage());
                }
            }
            done.add("healed " + fault.id + " on " + nodes);
            return List.copyOf(done);
        }
    }

    /**
     * Injects fault. primary: the currently promoted node; replicas: the others (HA nodes first).
     * Throws IllegalStateException when the injection itself failed (nothing, or only part, was done: the
     * returned undo steps are still run by heal()). table: the run's table, for the faults that write to it
     * themselves; writes: told of each such write as soon as its outcome is known, even when the injection
     * fails afterwards (the row may be there).
     */
    public Injection inject(Fault fault, String primary, List<String> replicas, Random rng, Duration hold,
            String table, Consumer<Write> writes) {
        String replica = replicas.get(rng.nextInt(replicas.size()));
        return switch (fault) {
            case KILL_PRIMARY_MYSQLD -> simple(fault, primary, Target.Verb.KILL_MYSQLD, null);
            case KILL_REPLICA_MYSQLD -> simple(fault, replica, Target.Verb.KILL_MYSQLD, null);
            case PRIMARY_NODE_LOST -> simple(fault, primary, Target.Verb.KILL_NODE, Target.Verb.START_NODE);
            case PRIMARY_PARTITIONED -> {
                Injection i = new Injection(fault, List.of(primary), "partition " + primary);
                i.undo.add(() -> verb(Target.Verb.HEAL, List.of()));
                verbOrFail(i, Target.Verb.PARTITION, List.of(primary));
                yield i;
            }
            case PRIMARY_PARTITIONED_WITH_REPLICA -> {
                // The lone replica is what gets cut off: the side with the primary, one replica and the
                // clients holds the majority and must keep writing; the lone replica must not promote.
                List<String> lone = replicas.stream().filter(r -> !r.equals(replica)).limit(1).toList();
                Injection i = new Injection(fault, List.of(primary, replica), "partition {" + primary + ", " + replica
                        + ", clients} | " + lone);
                i.undo.add(() -> verb(Target.Verb.HEAL, List.of()));
                verbOrFail(i, Target.Verb.PARTITION, lone);
                yield i;
            }
            case NETWORK_FLAP -> {
                Injection i = new Injection(fault, List.of(primary), "link of " + primary + " down/up in a loop");
                i.undo.add(() -> verb(Target.Verb.LINK_UP, List.of(primary)));
                verbOrFail(i, Target.Verb.LINK_DOWN, List.of(primary));
                Thread t = new Thread(() -> {
                    boolean down = true;
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(1000 + rng.nextInt(2000));
                            verb(down ? Target.Verb.LINK_UP : Target.Verb.LINK_DOWN, List.of(primary));
                            down = !down;
                        }
                    } catch (InterruptedException e) {
                        // heal: the undo step brings the link up
                    }
                }, "rt-flap");
                t.setDaemon(true);
                i.loop = t;
                t.start();
                yield i;
            }
            case FREEZE_MYSQLD -> {
                Injection i = new Injection(fault, List.of(primary), "SIGSTOP mariadbd on " + primary);
                i.undo.add(() -> target.exec(primary, VERB_TIMEOUT, "sh", "-c", "pkill -CONT -x mariadbd; pkill -CONT -x mysqld; true"));
                check(target.exec(primary, VERB_TIMEOUT, "sh", "-c", "pkill -STOP -x mariadbd || pkill -STOP -x mysqld"), i, "freeze mariadbd");
                yield i;
            }
            case FREEZE_NODE -> simple(fault, primary, Target.Verb.FREEZE, Target.Verb.THAW);
            case CLUSTER_DAEMONS_KILLED -> simple(fault, primary, Target.Verb.STOP_CLUSTER_DAEMONS,
                    Target.Verb.START_CLUSTER_DAEMONS);
            case DATADIR_REMOVED -> {
                Injection i = new Injection(fault, List.of(primary), "rm -rf the datadir's contents on " + primary);
                // The server keeps its open files and goes on answering connections; the agent must notice.
                check(target.exec(primary, VERB_TIMEOUT, "sh", "-c",
                        "d=$(mariadb -N -B -e 'SELECT @@datadir') && [ -n \"$d\" ] && [ \"$d\" != / ] && find \"$d\" -mindepth 1 -delete"),
                        i, "remove datadir");
                yield i;
            }
            case REPLICA_LAG -> {
                Injection i = new Injection(fault, List.of(replica), "STOP SLAVE SQL_THREAD on " + replica);
                i.undo.add(() -> target.exec(replica, VERB_TIMEOUT, "mariadb", "-e", "START SLAVE SQL_THREAD"));
                check(target.exec(replica, VERB_TIMEOUT, "mariadb", "-e", "STOP SLAVE SQL_THREAD"), i, "stop SQL thread");
                yield i;
            }
            case DISK_FULL -> simple(fault, primary, Target.Verb.FILL_DISK, Target.Verb.FREE_DISK);
            case ARBITRATOR_LOST -> {
                Injection i = new Injection(fault, List.of(primary), "arbitrator (corosync-qnetd) down");
                i.undo.add(() -> {
                    verb(Target.Verb.QNETD_START, List.of());
                    // The next fault may need the device's vote (a node lost): heal means it is cast again.
                    if (!deviceVotes(primary, replicas, DEVICE_BACK_BOUND)) {
                        throw new IllegalStateException("the quorum device casts no vote " + DEVICE_BACK_BOUND.toSeconds()
                                + " s after the arbitrator was started again");
                    }
                });
                verbOrFail(i, Target.Verb.QNETD_STOP, List.of());
                yield i;
            }
            case HA_NODES_CUT -> {
                Injection i = new Injection(fault, List.of(primary, replica), "cut " + primary + " | " + replica
                        + " (both reach the arbitrator and the clients)");
                i.undo.add(() -> verb(Target.Verb.HEAL, List.of()));
                verbOrFail(i, Target.Verb.CUT, List.of(primary, replica));
                yield i;
            }
            case KILL_SERVICE_PRIMARY -> simple(fault, primary, Target.Verb.KILL_SERVICE, null);
            case SLOW_APPLY_AT_FAILOVER -> slowApplyThenKill(fault, primary, replicas, table, writes);
            case SERVICE_DOWN_KILL_PRIMARY -> {
                List<String> all = new ArrayList<>(replicas);
                all.add(0, primary);
                Injection i = new Injection(fault, List.of(primary), "node service stopped on " + all
                        + ", then kill -9 mariadbd on " + primary);
                i.undo.add(() -> all.forEach(n -> verb(Target.Verb.START_SERVICE, List.of(n))));
                for (String n : all) {
                    verbOrFail(i, Target.Verb.STOP_SERVICE, List.of(n));
                }
                verbOrFail(i, Target.Verb.KILL_MYSQLD, List.of(primary));
                yield i;
            }
            case KILL_NEW_PRIMARY_DURING_RECOVERY, KILL_LAST_REPLICA_DURING_RECOVERY -> {
                Injection i = simple(fault, primary, Target.Verb.KILL_MYSQLD, null);
                String next = promotedOtherThan(primary, replicas, CHAIN_BOUND);
                if (next == null) {
                    throw new IllegalStateException("could not inject the second fault of " + fault.id + ": no node was "
                            + "promoted within " + CHAIN_BOUND.toSeconds() + " s of killing " + primary);
                }
                String second = fault == Fault.KILL_NEW_PRIMARY_DURING_RECOVERY ? next
                        : replicas.stream().filter(r -> !r.equals(next)).findFirst().orElse(null);
                if (second == null) {
                    throw new IllegalStateException(fault.id + " needs two replicas");
                }
                verbOrFail(i, Target.Verb.KILL_MYSQLD, List.of(second));
                yield new Injection(fault, List.of(primary, second), "kill-mysqld " + primary + ", then kill-mysqld "
                        + second + " once " + next + " was promoted");
            }
            case KILL_REPLICA_MYSQLD_TWICE -> {
                Injection i = simple(fault, replica, Target.Verb.KILL_MYSQLD, null);
                Workload.sleep(1000);
                if (!runsAgain(replica, CHAIN_BOUND)) {
                    throw new IllegalStateException("could not inject the second kill of " + fault.id + ": mariadbd did "
                            + "not run again on " + replica + " within " + CHAIN_BOUND.toSeconds() + " s");
                }
                verbOrFail(i, Target.Verb.KILL_MYSQLD, List.of(replica));
                yield new Injection(fault, List.of(replica), "kill-mysqld " + replica + " twice (the second once it ran again)");
            }
            case SWITCHOVER -> {
                // What an operator types: mysqlha switchover --to <node>, the product's own checks, move and
                // clear. It runs beside the iteration (the fault's time is when it starts); healing waits for
                // it and keeps what it measured. The clear afterwards only guards against a command that died.
                Injection i = new Injection(fault, List.of(primary, replica), "mysqlha switchover " + primary + " -> " + replica);
                String args = "switchover --to " + replica + " --resource " + dbResource + " --timeout 60";
                Thread t = new Thread(() -> {
                    Exec.Result r = target.exec(replica, Duration.ofSeconds(120), "sh", "-c",
                            "if command -v mysqlha >/dev/null; then mysqlha " + args + "; "
                                    + "else java -jar /usr/share/mysqlha/mysqlha.jar " + args + "; fi");
                    i.commandOutput = r.out() + (r.ok() ? "" : "\n(exit: " + r.brief() + ")");
                    i.measured.putAll(resultLine(r.out()));
                }, "switchover-" + replica);
                t.setDaemon(true);
                t.start();
                i.undo.add(() -> {
                    try {
                        t.join(130_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                i.undo.add(() -> target.exec(replica, VERB_TIMEOUT, "crm_resource", "--clear", "--resource", dbResource));
                yield i;
            }
        };
    }

    /** How long the slow commit of slow-apply-at-failover takes, on the primary and again on every replica. */
    static final int SLOW_APPLY_S = 6;
    /** How long the replicas have to start applying the slow commit once it is acknowledged. */
    static final Duration APPLYING_BOUND = Duration.ofSeconds(10);
    /** APPLYING_BOUND, shorter in the unit tests. */
    Duration applyingBound = APPLYING_BOUND;
    private final AtomicLong faultKeys = new AtomicLong();

    /** A write a fault made itself (its key negative: never one of the writers'), with its outcome. */
    public record Write(long key, Op.Type type, long invokeMs, long completeMs, String server) {}

    /**
     * One commit logged as a statement that sleeps SLOW_APPLY_S before its row: the primary acknowledges it
     * once a replica has received it (semi-sync), and every replica's SQL thread then spends as long again
     * applying it, its executed position unmoved. The primary is killed while they are all in it: the promote
     * must wait for the transaction, not mistake it for a cut one or stop the SQL thread under it.
     */
    private Injection slowApplyThenKill(Fault fault, String primary, List<String> replicas, String table,
            Consumer<Write> writes) {
        if (table == null) {
            throw new IllegalStateException("could not inject " + fault.id + ": it writes to the run's table, and none was given");
        }
        long key = -faultKeys.incrementAndGet();
        Injection i = new Injection(fault, List.of(primary), "a commit of " + SLOW_APPLY_S + " s on " + primary
                + " (key " + key + "), then kill-mysqld " + primary + " while " + replicas + " apply it");
        long t0 = System.currentTimeMillis();
        Exec.Result r = target.exec(primary, Duration.ofSeconds(SLOW_APPLY_S + 30), "mariadb", "-e",
                slowCommit(table, key, primary, t0));
        // a failure after the statement was sent may still have committed: unknown, never "did not happen"
        writes.accept(new Write(key, r.ok() ? Op.Type.OK : Op.Type.INFO, t0, System.currentTimeMillis(), primary));
        check(r, i, "slow commit");
        long end = System.currentTimeMillis() + applyingBound.toMillis();
        List<String> waiting = new ArrayList<>(replicas);
        while (!waiting.isEmpty() && System.currentTimeMillis() < end) {
            waiting.removeIf(n -> "1".equals(target.exec(n, Duration.ofSeconds(5), "mariadb", "-N", "-B", "-e",
                    applyingQuery(key)).out().strip()));
            if (!waiting.isEmpty()) {
                Workload.sleep(100);
            }
        }
        if (!waiting.isEmpty()) {
            i.heal();
            throw new IllegalStateException("could not inject " + fault.id + ": the slow commit (key " + key + ") was not "
                    + "being applied on " + waiting + " within " + applyingBound.toMillis() + " ms of its acknowledgement");
        }
        verbOrFail(i, Target.Verb.KILL_MYSQLD, List.of(primary));
        return i;
    }

    /** The slow commit: forced to statement logging so that each replica runs the sleep again. */
    static String slowCommit(String table, long key, String primary, long atMs) {
        String at = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(atMs));
        // every value a literal but the sleep's: the row must be the same on every node (CHECKSUM TABLE)
        return "SET SESSION binlog_format=STATEMENT; INSERT INTO " + table + " (k, worker, at, server) VALUES (" + key
                + ", 'slow', '" + at + "', IF(SLEEP(" + SLOW_APPLY_S + ") = 0, '" + primary + "', 'interrupted'))";
    }

    /** 1 while a replication thread of the server runs the slow commit of key. */
    static String applyingQuery(long key) {
        return "SELECT COUNT(*) > 0 FROM information_schema.PROCESSLIST WHERE USER = 'system user' AND INFO LIKE "
                + "'INSERT INTO % VALUES (" + key + ", ''slow''%'";
    }

    /** The key=value pairs of the last line starting with "RESULT " in a command's output. */
    static java.util.Map<String, String> resultLine(String out) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        String last = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                last = line;
            }
        }
        if (last != null) {
            for (String kv : last.substring(7).trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return m;
    }

    /** How long a chained fault waits for the cluster to reach the moment of its second fault. */
    static final Duration CHAIN_BOUND = Duration.ofSeconds(45);

    /** The node promoted instead of old, as crm_resource --locate reports it, or null after bound. */
    private String promotedOtherThan(String old, List<String> candidates, Duration bound) {
        long end = System.currentTimeMillis() + bound.toMillis();
        while (System.currentTimeMillis() < end) {
            for (String n : candidates) {
                Exec.Result r = target.exec(n, Duration.ofSeconds(5), "crm_resource", "--locate", "--resource", dbResource);
                if (r.ok()) {
                    for (String line : r.out().split("\n")) {
                        String l = line.strip();
                        if (l.endsWith(" Promoted")) {
                            String[] w = l.split("\\s+");
                            String node = w[w.length - 2];
                            if (!node.equals(old)) {
                                return node;
                            }
                        }
                    }
                    break;
                }
            }
            Workload.sleep(200);
        }
        return null;
    }

    static final Duration DEVICE_BACK_BOUND = Duration.ofSeconds(60);
    private static final java.util.regex.Pattern DEVICE_ROW =
            java.util.regex.Pattern.compile("(?m)^\\s*0\\s+(\\d+)\\s+Qdevice\\b");

    /**
     * Whether corosync-quorumtool on one of the nodes (the first that answers) shows the quorum device
     * casting a vote, within bound: its row of the membership table, "0 <votes> Qdevice", with votes > 0.
     */
    private boolean deviceVotes(String primary, List<String> replicas, Duration bound) {
        List<String> nodes = new ArrayList<>(replicas);
        nodes.add(0, primary);
        long end = System.currentTimeMillis() + bound.toMillis();
        while (System.currentTimeMillis() < end) {
            for (String n : nodes) {
                Exec.Result r = target.exec(n, Duration.ofSeconds(5), "corosync-quorumtool", "-s");
                if (!r.timedOut() && !r.out().isEmpty()) {
                    if (devicesVote(r.out())) {
                        return true;
                    }
                    break;
                }
            }
            Workload.sleep(500);
        }
        return false;
    }

    /** corosync-quorumtool -s output: the device's row shows a vote cast. */
    static boolean devicesVote(String quorumtool) {
        java.util.regex.Matcher m = DEVICE_ROW.matcher(quorumtool);
        return m.find() && Integer.parseInt(m.group(1)) > 0;
    }

    /** Whether a server process runs on node again (Pacemaker restarted it) within bound, answering SQL. */
    private boolean runsAgain(String node, Duration bound) {
        long end = System.currentTimeMillis() + bound.toMillis();
        while (System.currentTimeMillis() < end) {
            if (target.exec(node, Duration.ofSeconds(5), "mariadb", "-N", "-B", "-e", "SELECT 1").ok()) {
                return true;
            }
            Workload.sleep(200);
        }
        return false;
    }

    private Injection simple(Fault fault, String node, Target.Verb verb, Target.Verb undo) {
        Injection i = new Injection(fault, List.of(node), verb.word + " " + node);
        if (undo != null) {
            i.undo.add(() -> verb(undo, List.of(node)));
        }
        verbOrFail(i, verb, List.of(node));
        return i;
    }

    private void verbOrFail(Injection i, Target.Verb verb, List<String> nodes) {
        check(target.fault(verb, nodes, VERB_TIMEOUT), i, verb.word + " " + nodes);
    }

    private void check(Exec.Result r, Injection i, String what) {
        if (!r.ok()) {
            i.heal();
            throw new IllegalStateException("could not inject " + i.fault.id + " (" + what + "): " + r.brief());
        }
    }

    void verb(Target.Verb verb, List<String> nodes) {
        Exec.Result r = target.fault(verb, nodes, VERB_TIMEOUT);
        if (!r.ok() && verb != Target.Verb.LINK_UP) {
            throw new IllegalStateException(verb.word + " " + nodes + ": " + r.brief());
        }
    }
}
