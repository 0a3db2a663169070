package io.mysqlha.ops;

import io.mysqlha.rt.CrmMon;
import io.mysqlha.rt.Exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuilds a refused replica from a healthy one: mariadb-backup streamed (xbstream) from the source into a
 * staging directory inside the node's datadir, prepared there, given the backup's GTID position as its
 * replication position, moved into place, accepted by {@code mysqlha rejoin}, and started again by
 * Pacemaker after a cleanup of its failed actions. The node's old data is moved aside first and kept until
 * the node replicates again (removed only when asked).
 *
 * <p>A half-made copy never starts: while the copy is made the datadir holds only the staging directory
 * (no system schema, which the agent refuses), and the clone is banned from the node until the copy is in
 * place; a copy that fails is deleted, leaving an empty datadir.
 */
public final class Reclone {
    /** The staging directory inside the datadir (same filesystem, so moving the copy into place is a rename). */
    static final String STAGING = ".mysqlha-reclone";
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * node: the one to rebuild; from: the source, or null for the first healthy replica; cloneResource: the
     * promotable clone (crm_mon's name, for bans and cleanups); agentResource: its primitive (the agent's
     * state, for mysqlha rejoin); keepOldIn: where the old datadir goes, null for beside the datadir.
     */
    public record Options(String node, String from, boolean allowPrimary, boolean force, boolean discardOld,
            String cloneResource, String agentResource, String datadir, String config, String keepOldIn,
            Duration waitReplicating) {}

    /** A precondition failed: nothing was changed. Exit code 2. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    /** A step failed after changes began. Exit code 1. */
    public static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failed(String message) {
            super(message);
        }
    }

    /** What was done: the source, the GTID position the copy started at, where the old data is (or null). */
    public record Result(String source, String gtid, String oldDatadir, boolean replicating, long bytes) {}

    private final NodeShell shell;
    private Options o;
    private final PrintStream out;
    private final boolean tty;
    private String control;

    public Reclone(NodeShell shell, Options o, PrintStream out, boolean tty) {
        this.shell = shell;
        this.o = o;
        this.out = out;
        this.tty = tty;
    }

    /** Pacemaker's view, asked on the node itself, then on the source named: the first quorate answer. */
    CrmMon view() {
        List<String> ask = new ArrayList<>(List.of(o.node()));
        if (o.from() != null && !o.from().equals(o.node())) {
            ask.add(o.from());
        }
        List<String> why = new ArrayList<>();
        for (String n : ask) {
            Exec.Result r = shell.run(n, Duration.ofSeconds(15), "crm_mon", "-1", "--output-as=xml");
            if (!r.ok()) {
                why.add(n + ": " + r.brief());
                continue;
            }
            try {
                CrmMon v = CrmMon.parse(r.out(), o.cloneResource(), "", "");
                if (v.quorate()) {
                    control = n;
                    return v;
                }
                why.add(n + ": no quorum");
            } catch (IllegalArgumentException e) {
                why.add(n + ": " + e.getMessage());
            }
        }
        throw new Refused("cannot read the cluster's state (" + String.join("; ", why) + "); reclone needs a quorate "
                + "cluster reachable on " + String.join(" or ", ask) + " (check ssh as root, or name a reachable --from)");
    }

    /**
     * The datadir and option file the cluster's resource uses, where the options left them out (null): its
     * {@code datadir} and {@code config} parameters from the CIB (asked on the node that answered crm_mon),
     * else the agent's defaults.
     */
    Options withResourceSettings(Options opts, String on) {
        if (opts.datadir() != null && opts.config() != null) {
            return opts;
        }
        java.util.Map<String, String> params = java.util.Map.of();
        Exec.Result r = shell.run(on, Duration.ofSeconds(15), "cibadmin", "--query", "--scope", "resources");
        if (r.ok()) {
            params = io.mysqlha.status.ClusterStatus.resources(r.out(), opts.agentResource()).params();
        } else {
            step("the CIB's resources could not be read on " + on + " (" + r.brief() + "): the agent's defaults");
        }
        String dd = opts.datadir() != null ? opts.datadir() : params.getOrDefault("datadir", "").isEmpty()
                ? DEFAULT_DATADIR : params.get("datadir");
        String cnf = opts.config() != null ? opts.config() : params.getOrDefault("config", "").isEmpty()
                ? DEFAULT_CONFIG : params.get("config");
        return new Options(opts.node(), opts.from(), opts.allowPrimary(), opts.force(), opts.discardOld(),
                opts.cloneResource(), opts.agentResource(), dd, cnf, opts.keepOldIn(), opts.waitReplicating());
    }

    /** The mysql agent's defaults of its datadir and config parameters. */
    static final String DEFAULT_DATADIR = "/var/lib/mysql";
    static final String DEFAULT_CONFIG = "/etc/mysql/my.cnf";

    /** Whether Pacemaker runs node as a replica with no failed action on it. */
    static boolean healthyReplica(CrmMon v, String node) {
        return v.unpromoted().contains(node) && v.failures().stream().noneMatch(f -> node.equals(f.node()))
                && v.db().stream().noneMatch(i -> node.equals(i.node()) && i.failed());
    }

    /**
     * The refusal for rebuilding node from v, or empty. Pure: the checks that need no more than crm_mon.
     * The primary is never rebuilt (switch over first); a healthy replica only with force.
     */
    static Optional<String> refusal(CrmMon v, String node, String from, boolean allowPrimary, boolean force) {
        if (!v.online().contains(node)) {
            return Optional.of(node + " is not an online cluster node (online: " + String.join(" ", v.online())
                    + "); start its cluster stack (pcs cluster start " + node + ") and run reclone again");
        }
        if (v.promoted().contains(node)) {
            return Optional.of(node + " is the primary; reclone rebuilds replicas only. Move the primary first "
                    + "(pcs resource move --promoted db, or mysqlha switchover), then reclone " + node);
        }
        if (v.promoted().size() != 1) {
            return Optional.of("the cluster has " + (v.promoted().isEmpty() ? "no primary" : "several primaries "
                    + v.promoted()) + "; " + node + " can rejoin only once there is exactly one (see crm_mon)");
        }
        if (healthyReplica(v, node) && !force) {
            return Optional.of(node + " runs as a healthy replica (unpromoted, no failed actions); reclone replaces "
                    + "its data: add --force to rebuild it anyway");
        }
        if (from != null) {
            if (from.equals(node)) {
                return Optional.of("--from " + from + " is the node to rebuild; name another node");
            }
            if (v.promoted().contains(from) && !allowPrimary) {
                return Optional.of("--from " + from + " is the primary; copying from it loads the primary. Add "
                        + "--allow-primary to copy from it anyway, or name a healthy replica");
            }
            if (!v.promoted().contains(from) && !healthyReplica(v, from)) {
                return Optional.of("--from " + from + " is not running as a healthy replica or the primary; name "
                        + "a healthy replica (see crm_mon)");
            }
        }
        return Optional.empty();
    }

    /** Sessions waiting for a semi-sync ACK, connected semi-sync replicas, and whether semi-sync is on. */
    static final String ACK_WAIT_QUERY = "SELECT (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE "
            + "'Waiting for semi-sync ACK%'), (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE "
            + "VARIABLE_NAME='RPL_SEMI_SYNC_MASTER_CLIENTS'), (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
            + "WHERE VARIABLE_NAME='RPL_SEMI_SYNC_MASTER_STATUS')";

    /**
     * The refusal for copying from the primary when no semi-sync replica is connected to it, or empty. Pure:
     * {@code answer} is {@link #ACK_WAIT_QUERY}'s row. Semi-sync never degrades, so every commit there waits for an
     * ACK; mariadb-backup's commit lock (BACKUP STAGE BLOCK_COMMIT) waits for those commits, and with no other
     * replica the only one that could ACK is the node being rebuilt: the copy would wait forever (two HA nodes,
     * one of them lost its data). Nothing has changed when this refuses.
     */
    static Optional<String> ackDeadlock(String src, String node, String answer) {
        String[] f = answer.strip().split("\\s+");
        if (f.length < 3 || !f[2].equalsIgnoreCase("ON") || !f[1].equals("0")) {
            return Optional.empty();
        }
        return Optional.of(src + " (the primary) has semi-sync on and no semi-sync replica connected (" + f[0]
                + " session(s) waiting for an ACK): a consistent copy takes mariadb-backup's commit lock, which waits "
                + "for commits that wait for an ACK only a rebuilt " + node + " could give, so the copy would never "
                + "finish. Nothing was changed. Connect another semi-sync replica first, or restore " + node
                + " from a backup; copying now means letting the primary acknowledge writes that exist on it alone "
                + "(see the README, \"A node that lost its data on two HA nodes\")");
    }

    /** Both replication threads of node running, asked on node. */
    boolean replicating(String node) {
        Exec.Result r = shell.run(node, Duration.ofSeconds(10), "mariadb", "-e", "SHOW SLAVE STATUS\\G");
        return r.ok() && replicatingIn(r.out());
    }

    static boolean replicatingIn(String slaveStatus) {
        return slaveStatus.matches("(?s).*\\bSlave_IO_Running: Yes\\b.*")
                && slaveStatus.matches("(?s).*\\bSlave_SQL_Running: Yes\\b.*");
    }

    /** The source: --from, or the first healthy replica whose replication threads run. */
    String source(CrmMon v) {
        if (o.from() != null) {
            return o.from();
        }
        List<String> candidates = v.unpromoted().stream().filter(n -> !n.equals(o.node()) && healthyReplica(v, n)).toList();
        for (String n : candidates) {
            if (replicating(n)) {
                return n;
            }
        }
        throw new Refused("no healthy replica to copy " + o.node() + " from (checked: "
                + (candidates.isEmpty() ? "none running" : String.join(" ", candidates) + ", not replicating")
                + "); name one with --from NODE, or copy from the primary with --from " + v.promoted().get(0)
                + " --allow-primary");
    }

    private String oldBase() {
        String dd = o.datadir().replaceAll("/+$", "");
        if (o.keepOldIn() == null) {
            return dd + ".old-";
        }
        return o.keepOldIn().replaceAll("/+$", "") + "/" + dd.substring(dd.lastIndexOf('/') + 1) + ".old-";
    }

    private void step(String what) {
        out.println((tty ? "" : "reclone: ") + what);
        out.flush();
    }

    private Exec.Result must(String node, Duration t, String what, String script) {
        Exec.Result r = shell.sh(node, t, script);
        if (!r.ok()) {
            throw new Failed(what + " on " + node + " failed: " + r.brief());
        }
        return r;
    }

    /** The old datadirs of a node that replicates again: removes them. */
    List<String> discardOld(CrmMon v) {
        if (!healthyReplica(v, o.node()) || !replicating(o.node())) {
            throw new Refused(o.node() + " does not replicate (yet); the old datadirs are kept until it does. Check "
                    + "crm_mon and SHOW SLAVE STATUS on " + o.node());
        }
        Exec.Result r = must(o.node(), Duration.ofSeconds(10), "listing the old datadirs",
                "for d in " + NodeShell.quote(oldBase()) + "*; do [ -d \"$d\" ] && echo \"$d\"; done; true");
        List<String> dirs = r.out().lines().filter(s -> !s.isBlank()).toList();
        for (String d : dirs) {
            must(o.node(), Duration.ofSeconds(300), "removing " + d, "rm -rf -- " + NodeShell.quote(d));
            step("removed the old datadir " + o.node() + ":" + d);
        }
        if (dirs.isEmpty()) {
            step(o.node() + " has no old datadir (" + oldBase() + "*)");
        }
        return dirs;
    }

    public Result run() {
        CrmMon v = view();
        o = withResourceSettings(o, control);
        if (o.discardOld() && !o.force() && healthyReplica(v, o.node())) {
            // a node that replicates again, after a reclone that kept its old data: only remove that
            discardOld(v);
            return new Result(null, null, null, true, 0);
        }
        Optional<String> no = refusal(v, o.node(), o.from(), o.allowPrimary(), o.force());
        if (no.isPresent()) {
            throw new Refused(no.get());
        }
        String primary = v.promoted().get(0);
        String src = source(v);
        if (src.equals(primary)) {
            Exec.Result ss = shell.run(src, Duration.ofSeconds(15), "mariadb", "-N", "-B", "-e", ACK_WAIT_QUERY);
            Optional<String> stuck = ss.ok() ? ackDeadlock(src, o.node(), ss.out()) : Optional.empty();
            if (stuck.isPresent()) {
                throw new Refused(stuck.get());
            }
        }
        String dd = o.datadir().replaceAll("/+$", "");
        String stage = dd + "/" + STAGING;
        String old = oldBase() + LocalDateTime.now().format(STAMP);

        // Space: the copy is about the size of the source's datadir without its redo, temporary and binary
        // logs (mariadb-backup copies none of them whole), and it lands beside the old data.
        long size = number(must(src, Duration.ofSeconds(60), "measuring the datadir", "du -sb --exclude='ib_logfile*' "
                + "--exclude='ibtmp*' --exclude='*.[0-9][0-9][0-9][0-9][0-9][0-9]' " + NodeShell.quote(dd) + " | cut -f1").out());
        long free = number(must(o.node(), Duration.ofSeconds(10), "measuring the free space", "df --output=avail -B1 "
                + NodeShell.quote(dd) + " | tail -1").out());
        if (size > 0 && free >= 0 && free < size + size / 10) {
            throw new Refused(o.node() + ":" + dd + " has " + human(free) + " free, the copy of " + src + " needs about "
                    + human(size) + "; free space there (or use --keep-old-in on another filesystem) and run again");
        }
        step("rebuilding " + o.node() + " from " + src + (src.equals(primary) ? " (the primary)" : " (a replica)")
                + ", about " + human(size));

        // Pacemaker must not start the node while its data is replaced: a ban until the copy is in place.
        Exec.Result ban = shell.run(control, Duration.ofSeconds(30), "crm_resource", "--ban", "--resource",
                o.cloneResource(), "--node", o.node());
        if (!ban.ok() && !ban.err().contains("already")) {
            throw new Failed("crm_resource --ban --resource " + o.cloneResource() + " --node " + o.node()
                    + " failed: " + ban.brief());
        }
        step("banned " + o.cloneResource() + " from " + o.node() + " until the copy is in place");
        boolean aside = false;
        try {
            must(o.node(), Duration.ofSeconds(120), "waiting for the server to stop",
                    "for i in $(seq 1 110); do pgrep -x mariadbd >/dev/null || pgrep -x mysqld >/dev/null || exit 0; "
                            + "sleep 1; done; echo 'the server still runs' >&2; exit 1");
            must(o.node(), Duration.ofSeconds(600), "moving the old datadir aside",
                    "set -e; d=" + NodeShell.quote(dd) + "; o=" + NodeShell.quote(old) + "; [ ! -e \"$o\" ]; "
                            + "mkdir -p \"$o\" \"$d\"; chmod 0700 \"$o\"; "
                            + "find \"$d\" -mindepth 1 -maxdepth 1 ! -name lost+found -exec mv -t \"$o\" -- {} +; "
                            + "mkdir \"$d/" + STAGING + "\"; chown mysql:mysql \"$d\" \"$d/" + STAGING + "\"");
            aside = true;
            step("old datadir moved to " + o.node() + ":" + old);

            List<String> backup = new ArrayList<>(List.of("mariadb-backup", "--backup", "--stream=xbstream",
                    "--target-dir=/tmp", "--user=root"));
            long t0 = System.nanoTime();
            Exec.Result r = stream(shell.wrap(src, backup), shell.wrap(o.node(), List.of("mbstream", "-x", "-C", stage)),
                    size, Duration.ofHours(6));
            if (!r.ok()) {
                throw new Failed("the backup stream from " + src + " into " + o.node() + " failed: " + r.brief());
            }
            double s = (System.nanoTime() - t0) / 1e9;
            long bytes = Long.parseLong(r.out().strip());
            step(String.format(Locale.ROOT, "streamed %s from %s in %.1f s (%s/s)", human(bytes), src, s,
                    human((long) (bytes / Math.max(s, 0.001)))));

            must(o.node(), Duration.ofHours(2), "mariadb-backup --prepare",
                    "mariadb-backup --prepare --target-dir=" + NodeShell.quote(stage) + " >/tmp/mysqlha-reclone-prepare.log "
                            + "2>&1 || { tail -5 /tmp/mysqlha-reclone-prepare.log >&2; exit 1; }; chown -R mysql:mysql "
                            + NodeShell.quote(stage));
            step("prepared the copy");

            // The copy has no binary logs: it starts as a replica at the backup's GTID position.
            Exec.Result g = must(o.node(), Duration.ofSeconds(180), "setting gtid_slave_pos",
                    "set -e; s=" + NodeShell.quote(stage) + "; f=\"$s/mariadb_backup_binlog_info\"; "
                            + "[ -f \"$f\" ] || f=\"$s/xtrabackup_binlog_info\"; g=$(awk '{print $3}' \"$f\"); "
                            + "[ -n \"$g\" ] || { echo \"no GTID position in $f\" >&2; exit 1; }; "
                            + "k=/run/mysqld/mysqlha-reclone; mkdir -p /run/mysqld; chown mysql:mysql /run/mysqld; "
                            + "mariadbd --defaults-file=" + NodeShell.quote(o.config()) + " --datadir=\"$s\" "
                            + "--skip-networking --skip-slave-start --socket=$k.sock --pid-file=$k.pid --user=mysql "
                            + ">/tmp/mysqlha-reclone-start.log 2>&1 & "
                            + "for i in $(seq 1 120); do mariadb -S $k.sock -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done; "
                            + "mariadb -S $k.sock -e \"SET GLOBAL gtid_slave_pos='$g'\"; "
                            + "mariadb-admin -S $k.sock shutdown; wait; echo \"$g\"");
            String gtid = g.out().strip();
            must(o.node(), Duration.ofSeconds(600), "moving the copy into place",
                    "set -e; d=" + NodeShell.quote(dd) + "; find \"$d/" + STAGING + "\" -mindepth 1 -maxdepth 1 "
                            + "-exec mv -t \"$d\" -- {} +; rmdir \"$d/" + STAGING + "\"; chown mysql:mysql \"$d\"");
            step("the copy is in " + o.node() + ":" + dd + ", gtid_slave_pos=" + gtid);

            Exec.Result rj = shell.sh(o.node(), Duration.ofSeconds(90), "if command -v mysqlha >/dev/null; then "
                    + "mysqlha rejoin --resource " + NodeShell.quote(o.agentResource()) + "; else java -jar "
                    + "/usr/share/mysqlha/mysqlha.jar rejoin --resource " + NodeShell.quote(o.agentResource()) + "; fi");
            if (!rj.ok()) {
                throw new Failed("mysqlha rejoin on " + o.node() + " failed: " + rj.brief());
            }
            step("mysqlha rejoin: accepted");
            unban();
            Exec.Result c = shell.run(control, Duration.ofSeconds(60), "crm_resource", "--cleanup", "--resource",
                    o.cloneResource(), "--node", o.node());
            if (!c.ok()) {
                throw new Failed("crm_resource --cleanup --resource " + o.cloneResource() + " --node " + o.node()
                        + " failed: " + c.brief() + "; the copy is in place: run it again");
            }
            step("cleaned up " + o.cloneResource() + "'s failed actions on " + o.node() + "; waiting for it to replicate");
            boolean ok = waitReplicating();
            String kept = old;
            if (!ok) {
                step(o.node() + " does not replicate after " + o.waitReplicating().toSeconds() + " s; see crm_mon. Its "
                        + "old datadir is kept at " + o.node() + ":" + old);
            } else if (o.discardOld()) {
                must(o.node(), Duration.ofSeconds(600), "removing the old datadir", "rm -rf -- " + NodeShell.quote(old));
                step(o.node() + " replicates from " + primary + "; removed its old datadir " + old);
                kept = null;
            } else {
                step(o.node() + " replicates from " + primary + "; its old datadir is kept at " + o.node() + ":" + old
                        + " (remove it with: mysqlha reclone " + o.node() + " --discard-old)");
            }
            return new Result(src, gtid, kept, ok, bytes);
        } catch (RuntimeException e) {
            if (aside) {
                // A half-made copy must never start: an empty datadir, which the agent refuses.
                shell.sh(o.node(), Duration.ofSeconds(120), "pkill -9 -f mysqlha-reclone.sock; sleep 0.5; find "
                        + NodeShell.quote(dd) + " -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf -- {} +");
                unban();
                throw new Failed(e.getMessage() + ". " + o.node() + "'s datadir is left empty (the agent refuses it); its "
                        + "old data is at " + o.node() + ":" + old + ". Fix the cause and run reclone again");
            }
            unban();
            throw e;
        }
    }

    private void unban() {
        shell.run(control, Duration.ofSeconds(30), "crm_resource", "--clear", "--resource", o.cloneResource(), "--node",
                o.node());
    }

    private boolean waitReplicating() {
        long end = System.nanoTime() + o.waitReplicating().toNanos();
        while (System.nanoTime() < end) {
            try {
                if (healthyReplica(view(), o.node()) && replicating(o.node())) {
                    return true;
                }
            } catch (Refused e) {
                // no quorate answer this time: ask again
            }
            sleep(1000);
        }
        return false;
    }

    /**
     * Streams a's output into b's input through this process, counting bytes: progress on a terminal (bytes,
     * rate, estimated time left against expected). The result's out is the byte count.
     */
    Exec.Result stream(List<String> a, List<String> b, long expected, Duration timeout) {
        Process pa;
        Process pb;
        try {
            pa = new ProcessBuilder(a).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Exec.Result(127, "0", "cannot run " + a.get(0) + ": " + e.getMessage(), false);
        }
        try {
            pb = new ProcessBuilder(b).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            pa.destroyForcibly();
            return new Exec.Result(127, "0", "cannot run " + b.get(0) + ": " + e.getMessage(), false);
        }
        Tail errA = new Tail(pa.getErrorStream());
        Tail errB = new Tail(pb.getErrorStream());
        AtomicLong n = new AtomicLong();
        Thread copy = new Thread(() -> {
            byte[] buf = new byte[1 << 16];
            try (InputStream in = pa.getInputStream(); OutputStream os = pb.getOutputStream()) {
                int k;
                while ((k = in.read(buf)) > 0) {
                    os.write(buf, 0, k);
                    n.addAndGet(k);
                }
            } catch (IOException e) {
                // one side died; the exit codes tell which
            }
        }, "reclone-stream");
        copy.setDaemon(true);
        copy.start();
        long t0 = System.nanoTime();
        long end = t0 + timeout.toNanos();
        try {
            while (pa.isAlive() && System.nanoTime() < end) {
                pa.waitFor(tty ? 500 : 5000, TimeUnit.MILLISECONDS);
                if (tty) {
                    out.print("\r" + progress(n.get(), expected, (System.nanoTime() - t0) / 1e9) + "   ");
                    out.flush();
                }
            }
            boolean doneA = !pa.isAlive();
            copy.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            boolean doneB = doneA && pb.waitFor(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (tty) {
                out.println();
            }
            if (!doneA || !doneB) {
                pa.descendants().forEach(ProcessHandle::destroyForcibly);
                pa.destroyForcibly();
                pb.descendants().forEach(ProcessHandle::destroyForcibly);
                pb.destroyForcibly();
                return new Exec.Result(124, String.valueOf(n.get()), "timed out after " + timeout.toSeconds() + " s", true);
            }
            errA.join(2000);
            errB.join(2000);
            int rc = pa.exitValue() != 0 ? pa.exitValue() : pb.exitValue();
            String err = rc == 0 ? "" : (pa.exitValue() != 0 ? "mariadb-backup: " + errA.text() : "mbstream: " + errB.text());
            return new Exec.Result(rc, String.valueOf(n.get()), err, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pa.destroyForcibly();
            pb.destroyForcibly();
            return new Exec.Result(130, String.valueOf(n.get()), "interrupted", true);
        }
    }

    /** One progress line: "812.0 MiB of 1.4 GiB (57%), 95.3 MiB/s, about 7 s left". */
    static String progress(long done, long expected, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder(human(done));
        if (expected > 0) {
            sb.append(" of ~").append(human(expected)).append(" (").append(Math.min(99, done * 100 / expected)).append("%)");
        }
        sb.append(", ").append(human((long) rate)).append("/s");
        if (expected > done && rate > 0) {
            sb.append(", about ").append(Math.round((expected - done) / rate)).append(" s left");
        }
        return sb.toString();
    }

    static String human(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last 4 KiB of a stream (a command's stderr). */
    private static final class Tail extends Thread {
        private final InputStream in;
        private final StringBuilder buf = new StringBuilder();

        Tail(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] b = new byte[4096];
            try (in) {
                int k;
                while ((k = in.read(b)) > 0) {
                    synchronized (buf) {
                        buf.append(new String(b, 0, k, java.nio.charset.StandardCharsets.UTF_8));
                        if (buf.length() > 4096) {
                            buf.delete(0, buf.length() - 4096);
                        }
                    }
                }
            } catch (IOException e) {
                // killed
            }
        }

        String text() {
            synchronized (buf) {
                String s = buf.toString().strip();
                int nl = s.lastIndexOf('\n');
                return nl < 0 ? s : s.substring(nl + 1);
            }
        }
    }
}
