package io.mysqlha.failover;

import io.mysqlha.binlog.BinlogEvent;
import io.mysqlha.binlog.BinlogFormatException;
import io.mysqlha.binlog.BinlogPosition;
import io.mysqlha.binlog.BinlogReader;
import io.mysqlha.binlog.MariadbGtid;
import io.mysqlha.binlog.DiffResult;
import io.mysqlha.binlog.PositionNotFoundException;
import io.mysqlha.binlog.RelayLogDiff;
import io.mysqlha.binlog.RelayLogs;
import io.mysqlha.decide.CompensationPlan;
import io.mysqlha.decide.RelayDrain;
import io.mysqlha.dialect.Dialect;
import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.Position;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.ocf.Notify;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.ocf.Params;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Credentials;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.LocalState;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MHA-style log compensation, run by the agent of the node being promoted ({@link #beforePromote}) and by the
 * agent of every other node when it repoints to the new primary ({@link #beforeRepoint}, {@link #afterRepoint}).
 *
 * <p>Every node is reached over SQL with the admin account (the one channel every node already opens to every
 * other). In GTID mode the new primary catches up by replicating, with GTID positioning, from whichever replica
 * received more; in file/position mode the promoting node builds the differential relay logs from the most
 * advanced replica's relay logs, which it must be able to read (its own, or a peer's on the same host or shared
 * storage), and applies them to itself and, through their SQL port, to every lagging replica: relay logs never
 * leave the node that reads them, and no agent needs to talk to another. When the most advanced replica's relay
 * logs cannot be read here, promotion is refused with the name of the node to promote instead.
 */
public final class Compensator {
    /** Where things are. */
    public record Settings(String resource, String localNode, int localPort, Map<String, Node> nodes,
                           String oldPrimary, String mode, String salvage, boolean semisync, long drainMs,
                           String clientBinary, int parallelThreads, boolean relaxDurability) {
    }

    /** The ports compensation uses. */
    public record Io(SqlConnector sql, CommandRunner runner, LocalState state, Cluster cluster, Clock clock,
                     Credentials credentials) {
    }

    private final Settings cfg;
    private final Io io;
    private final OcfLog log;
    /** GTID positions each server had received when compensation first looked at it. */
    private final Map<String, Position> received = new LinkedHashMap<>();
    /** Servers whose received-but-unapplied transactions cannot be applied (see drainPeer). */
    private final java.util.Set<String> unusable = new java.util.HashSet<>();
    /** The target's apply settings while it applies (set in beforePromote). */
    private ApplyTuning tuning;

    public Compensator(Settings cfg, Io io, OcfLog log) {
        this.cfg = cfg;
        this.io = io;
        this.log = log;
    }

    /** Wires a compensator from the mysql agent's parameters. */
    public static Compensator of(Params p, String resource, String localNode, String oldPrimary, Io io, OcfLog log) {
        int port = (int) p.integer("port");
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (String pair : Notify.split(p.str("node_addresses"))) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq);
            String addr = pair.substring(eq + 1);
            int colon = addr.lastIndexOf(':');
            if (colon > 0 && addr.indexOf(':') == colon) {
                nodes.put(name, new Node(name, addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))));
            } else {
                nodes.put(name, new Node(name, addr, port));
            }
        }
        for (String n : Notify.split(p.str("ha_nodes"))) {
            nodes.putIfAbsent(n, new Node(n, n, port));
        }
        if (oldPrimary != null) {
            nodes.putIfAbsent(oldPrimary, new Node(oldPrimary, oldPrimary, port));
        }
        return new Compensator(new Settings(resource, localNode, port, nodes, oldPrimary,
                p.str("compensation_mode"), p.str("salvage_binlog"), p.bool("semisync"),
                p.integer("promote_drain_s") * 1000, p.str("client_binary"),
                (int) p.integer("compensation_parallel_threads"), p.bool("compensation_relax_durability")), io, log);
    }

    // ------------------------------------------------------------------ promote

    /**
     * Brings this node (being promoted; its own relay log already drained, its IO thread stopped) to the most
     * advanced position any reachable replica received, brings lagging replicas there too in file/position mode,
     * salvages the dead primary's binlog tail when asked to, and publishes the {@link PromotionRecord}. Throws
     * {@link OcfException} when a received transaction would be lost: promotion must not go on.
     */
    public void beforePromote(SqlSession local, Dialect d, Deadline deadline) {
        if ("none".equalsIgnoreCase(cfg.mode().trim())) {
            log.info("promote: log compensation off (compensation_mode=none)");
            return;
        }
        local.bound(deadline);
        Journal j = new Journal(io.state(), io.clock(), cfg.localNode() + "@" + io.clock().wallMillis());
        Server me = new Server(cfg.localNode(), new Node(cfg.localNode(), "127.0.0.1", cfg.localPort()), local, d);
        ApplyTuning.restoreLeftover(local, io.state()).ifPresent(t -> j.step("apply-settings-restored", cfg.localNode())
                .put("detail", "left by an earlier promote: " + t).write());
        tuning = new ApplyTuning(local, d, io.state(), j, cfg.localNode());
        InstanceState st = me.state();
        boolean gtidAvailable = d.version().isMariaDb() || !st.binlogPos().isEmpty();
        CompensationPlan.Mode mode = CompensationPlan.mode(cfg.mode(), st.replica().gtidPositioned(),
                st.replica().configured(), gtidAvailable);
        Journal.Step all = j.step("compensate", cfg.localNode()).put("mode", mode.name().toLowerCase())
                .put("before", positionText(st, mode));
        log.info("promote: log compensation in " + mode.name().toLowerCase() + " mode (failover " + j.failoverId() + ")");
        Map<String, Server> peers = new LinkedHashMap<>();
        List<Runnable> restore = new ArrayList<>();
        String failure = null;
        try {
            restore.add(suspendSemiSync(me, j));
            if (mode == CompensationPlan.Mode.FILEPOS) {
                restore.add(keepRelayLogs(me));
            }
            for (Node n : cfg.nodes().values()) {
                if (n.name().equals(cfg.localNode()) || n.name().equals(cfg.oldPrimary())) {
                    continue;
                }
                Server s = connect(n, deadline);
                if (s == null) {
                    j.step("peer-unreachable", n.name()).put("detail", n.text()).write();
                    continue;
                }
                peers.put(n.name(), s);
                if (mode == CompensationPlan.Mode.FILEPOS) {
                    restore.add(keepRelayLogs(s));
                }
                drainPeer(s, j, deadline, mode, st);
            }
            st = me.state();
            CompensationPlan.Facts target = facts(me, st);
            List<CompensationPlan.Facts> others = new ArrayList<>();
            for (Server s : peers.values()) {
                others.add(facts(s, s.state()));
            }
            CompensationPlan.Plan plan = CompensationPlan.plan(mode, target, others);
            j.step("plan", cfg.localNode()).put("latest", plan.latest())
                    .put("sources", String.join(",", plan.catchUpSources()))
                    .put("diff_targets", String.join(",", plan.diffTargets()))
                    .put("refusals", String.join("; ", plan.refusals())).write();
            if (plan.refused()) {
                String why = "log compensation cannot keep every received transaction: "
                        + String.join("; ", plan.refusals());
                if (mode == CompensationPlan.Mode.FILEPOS) {
                    throw new CompensationRefused("promotion refused, " + why);
                }
                // GTID mode: catch up from whoever can serve; the agent's own check then yields to a better
                // candidate if this node still lacks something
                log.error("promote: " + why);
            }
            boolean applies = mode == CompensationPlan.Mode.GTID ? !plan.catchUpSources().isEmpty()
                    : plan.diffTargets().contains(cfg.localNode());
            if (cfg.relaxDurability() && (applies || salvageWanted())) {
                tuning.relaxDurability();
            }
            PromotionRecord rec;
            if (mode == CompensationPlan.Mode.GTID) {
                for (String src : plan.catchUpSources()) {
                    catchUp(me, peers.get(src), "catch-up", j, deadline);
                }
                salvageGtid(me, j, deadline);
                rec = new PromotionRecord(j.failoverId(), cfg.localNode(), "gtid", null, null,
                        me.state().appliedPosition().text());
            } else {
                rec = filePos(me, peers, plan, j, deadline);
            }
            io.cluster().setClusterProperty(PromotionRecord.property(cfg.resource()), rec.format(), deadline);
            publishBinlogIndex(me, deadline);
            all.put("after", positionText(me.state(), mode)).put("latest", plan.latest()).write();
            log.info("promote: compensation done in " + all.elapsedMs() + " ms: " + rec.format());
        } catch (OcfException | SqlException e) {
            failure = e.getMessage();
            all.put("error", e.getMessage()).write();
            if (mode == CompensationPlan.Mode.FILEPOS) {
                throw e;
            }
            // GTID mode: what this node holds is exact; the agent's check compares it with every peer and yields
            log.error("promote: log compensation incomplete: " + e.getMessage());
        } finally {
            RuntimeException tuned = null;
            try {
                tuning.restore();
            } catch (RuntimeException e) {
                tuned = e;
            }
            for (int i = restore.size() - 1; i >= 0; i--) {
                try {
                    restore.get(i).run();
                } catch (RuntimeException e) {
                    log.warn("compensation: restoring a setting failed: " + e.getMessage());
                }
            }
            for (Server s : peers.values()) {
                s.session().close();
            }
            if (tuned != null) {
                all.put("error", tuned.getMessage()).write();
                // the cause first (crm_mon shows the start of a reason), then why writes stay closed
                throw OcfException.generic("promotion stopped: " + (failure == null ? "" : "log compensation failed ("
                        + failure + "); ") + "its apply settings are not restored: " + tuned.getMessage());
            }
        }
    }

    /** Stops the peer's IO thread (its source is gone) and lets its SQL thread apply what it received. */
    private void drainPeer(Server s, Journal j, Deadline deadline, CompensationPlan.Mode mode, InstanceState target) {
        InstanceState first = s.state();
        // Gtid_IO_Pos as first seen: restarting the SQL thread with the IO thread stopped can reset what
        // SHOW SLAVE STATUS reports as received, while the relay log still holds it
        received.put(s.name(), first.receivedPosition());
        ReplicaStatus r = first.replica();
        if (!r.configured()) {
            return;
        }
        if (mode == CompensationPlan.Mode.GTID
                && CompensationPlan.covers(target.appliedPosition(), first.receivedPosition())) {
            // nothing this node lacks: no need to wait for it (a delayed replica would hold the promotion up)
            if (r.ioState() != ReplicaStatus.IoState.NO) {
                s.session().execute(s.dialect().stopReplicaIo());
            }
            j.step("drain", s.name()).put("detail", "holds nothing the new primary lacks; IO thread stopped")
                    .put("received", first.receivedPosition().text()).write();
            return;
        }
        Journal.Step step = j.step("drain", s.name()).put("before", r.executed() == null ? null : r.executed().text())
                .put("received", r.received() == null ? null : r.received().text());
        boolean ioAlive = r.ioState() != ReplicaStatus.IoState.NO;
        if (!r.sqlRunning() && r.lastSqlErrno() == 0) {
            if (ioAlive || !r.gtidPositioned()) {
                // Start the SQL thread while the IO thread still runs: in GTID mode MariaDB discards the relay
                // log when a thread starts after both were stopped, and these transactions exist nowhere else.
                s.session().execute(s.dialect().startReplica().replace("START SLAVE", "START SLAVE SQL_THREAD")
                        .replace("START REPLICA", "START REPLICA SQL_THREAD"));
                step.put("detail", "started the SQL thread to apply its relay log");
            } else {
                unusable.add(s.name());
                step.put("detail", "both replication threads stopped: in GTID mode starting one would discard "
                        + "its relay log, so what it received but did not apply cannot be served");
            }
        }
        if (ioAlive) {
            s.session().execute(s.dialect().stopReplicaIo());
        }
        r = mode == CompensationPlan.Mode.GTID ? waitAppliedGtid(s, deadline.atMost(cfg.drainMs())).replica()
                : waitApplied(s, deadline.atMost(cfg.drainMs()));
        step.put("after", r.executed() == null ? null : r.executed().text()).put("sql_errno", r.lastSqlErrno()).write();
    }

    /**
     * GTID mode: waits until the server applied every transaction it received. Exact, unlike watching
     * coordinates: a large transaction can take longer than any "no progress" window to apply.
     */
    private InstanceState waitAppliedGtid(Server s, Deadline bound) {
        while (true) {
            InstanceState st = s.state();
            ReplicaStatus r = st.replica();
            if (!r.configured() || !r.sqlRunning()
                    || CompensationPlan.covers(st.appliedPosition(), receivedBy(s, st)) || bound.expired()) {
                return st;
            }
            sleep(100);
        }
    }

    /**
     * File/position mode: until the SQL thread reached the IO thread, or made no progress for 2 s while it
     * waits for events (an incomplete last transaction: nothing more will come). A thread still applying a
     * long transaction is waited for ({@link RelayDrain}).
     */
    private ReplicaStatus waitApplied(Server s, Deadline bound) {
        String last = null;
        long stable = io.clock().nanoTime();
        while (true) {
            Map<String, String> row = s.session().queryRow(s.dialect().replicaStatusQuery());
            ReplicaStatus r = s.dialect().parseReplicaStatus(row);
            if (!r.configured() || !r.sqlRunning()) {
                return r;
            }
            String exec = String.valueOf(r.executed());
            if (!exec.equals(last)) {
                last = exec;
                stable = io.clock().nanoTime();
            }
            boolean met = r.received() != null && r.received().equals(r.executed());
            if (RelayDrain.next(met, null, s.dialect().sqlThreadState(row),
                    (io.clock().nanoTime() - stable) / 1_000_000) != RelayDrain.Next.WAIT) {
                return r;
            }
            if (bound.expired()) {
                return r;
            }
            sleep(100);
        }
    }

    /** GTID mode: this node replicates from {@code src} until it holds everything {@code src} applied. */
    private void catchUp(Server me, Server src, String stepName, Journal j, Deadline deadline) {
        Dialect d = me.dialect();
        InstanceState before = me.state();
        InstanceState srcState = src.state();
        if (srcState.replica().configured() && !CompensationPlan.covers(srcState.appliedPosition(),
                receivedBy(src, srcState))) {
            srcState = waitAppliedGtid(src, deadline.atMost(cfg.drainMs()));
            if (!CompensationPlan.covers(srcState.appliedPosition(), receivedBy(src, srcState))) {
                throw OcfException.generic(src.name() + " received " + receivedBy(src, srcState).text()
                        + " but applied only " + srcState.appliedPosition().text() + " within promote_drain_s ("
                        + srcState.replica().summary() + "): catching up from it would lose transactions");
            }
        }
        Position want = srcState.appliedPosition();
        Journal.Step step = j.step(stepName, cfg.localNode()).put("source", src.name())
                .put("before", before.appliedPosition().text()).put("want", want.text());
        log.info("promote: " + stepName + " from " + src.name() + " up to " + want.text());
        if (before.replica().configured()) {
            me.session().execute(d.stopReplica());
        }
        // parallel workers are settable only while replication is stopped; restored with the durability
        tuning.parallel(cfg.parallelThreads());
        var repl = io.credentials().replication();
        me.session().executeSecret(d.changeSourceGtid(src.node().host(), src.node().port(), repl.user(),
                repl.password(), 1, io.credentials().tls()), "CHANGE MASTER TO " + src.node().text() + " with GTID");
        me.session().execute(d.startReplica());
        Deadline bound = deadline.reserve(10_000);
        InstanceState now = before;
        try {
            while (true) {
                now = me.state();
                if (CompensationPlan.covers(now.appliedPosition(), want)) {
                    break;
                }
                ReplicaStatus r = now.replica();
                if (r.lastIoErrno() != 0 || r.lastSqlErrno() != 0) {
                    throw OcfException.generic("catching up from " + src.name() + " failed: " + r.summary());
                }
                if (bound.expired()) {
                    throw OcfException.generic("catching up from " + src.name() + " did not finish in time: at "
                            + now.appliedPosition().text() + ", want " + want.text());
                }
                sleep(50);
            }
        } finally {
            me.session().execute(d.stopReplica());
        }
        long n = transactionsBetween(before.appliedPosition(), now.appliedPosition());
        step.put("after", now.appliedPosition().text()).put("transactions", n).write();
    }

    private void salvageGtid(Server me, Journal j, Deadline deadline) {
        Server old = salvageSource(j, deadline);
        if (old == null) {
            if (salvageWanted()) {
                salvageFromFiles(me, null, j, deadline);
            }
            return;
        }
        try {
            Position tail = old.state().binlogPos();
            if (CompensationPlan.covers(me.state().appliedPosition(), tail)) {
                j.step("salvage", cfg.oldPrimary()).put("detail", "nothing to salvage: this node holds "
                        + tail.text()).write();
                return;
            }
            catchUp(me, old, "salvage", j, deadline);
        } finally {
            old.session().close();
        }
    }

    private boolean salvageWanted() {
        return cfg.oldPrimary() != null && !cfg.oldPrimary().equals(cfg.localNode())
                && CompensationPlan.salvage(cfg.salvage(), cfg.semisync());
    }

    static String binlogIndexProperty(String resource, String node) {
        return "mysqlha_" + resource + "_binlog_index_" + node;
    }

    /** Where this node's binlog index is, for a later promotion that salvages from its files if it dies. */
    private void publishBinlogIndex(Server me, Deadline deadline) {
        try {
            Map<String, String> row = me.session().queryRow("SELECT @@log_bin_index AS idx");
            String idx = row == null ? null : row.get("idx");
            String name = binlogIndexProperty(cfg.resource(), cfg.localNode());
            // a read costs far less than a CIB write, which every node must take in before writes open; the
            // location rarely changes between promotions
            if (idx != null && !idx.isBlank() && !io.cluster().clusterProperty(name, deadline).filter(idx::equals).isPresent()) {
                io.cluster().setClusterProperty(name, idx, deadline);
            }
        } catch (SqlException | OcfException e) {
            log.warn("promote: cannot record this node's binlog index: " + e.getMessage());
        }
    }

    /**
     * The old primary's server is down but its binlog files may be readable here (same host, shared storage): the
     * tail after what this node holds is applied from them. GTID mode ({@code from} null): from the first
     * transaction whose GTID this node lacks; file/position mode: from {@code from}.
     */
    private void salvageFromFiles(Server me, BinlogCoordinates from, Journal j, Deadline deadline) {
        Journal.Step step = j.step("salvage", cfg.oldPrimary()).put("source", "binlog files");
        Optional<String> idx = io.cluster().clusterProperty(binlogIndexProperty(cfg.resource(), cfg.oldPrimary()),
                deadline);
        if (idx.isEmpty()) {
            step.put("detail", "its binlog location is unknown (it was never promoted by this agent)").write();
            return;
        }
        List<Path> files;
        try {
            files = RelayLogs.fromIndex(Path.of(idx.get()));
            for (Path f : files) {
                if (!Files.isReadable(f)) {
                    throw new IOException(f + " is not readable");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            step.put("detail", "its binlog files are not readable here: " + e.getMessage()).write();
            return;
        }
        Path firstFile;
        long start;
        List<Path> tail = new ArrayList<>();
        try {
            if (from != null) {
                firstFile = files.stream().filter(f -> f.getFileName().toString().equals(from.file())).findFirst()
                        .orElseThrow(() -> new IOException(from.file() + " is not in " + idx.get()));
                start = from.pos();
            } else {
                long[] at = {-1};
                Path[] in = {null};
                Position have = me.state().appliedPosition();
                MariaGtidPos mine = have instanceof MariaGtidPos m ? m : MariaGtidPos.EMPTY;
                for (Path f : files) {
                    try (BinlogReader r = BinlogReader.open(f)) {
                        for (BinlogEvent e = r.next(); e != null && in[0] == null; e = r.next()) {
                            if (e.data() instanceof MariadbGtid g && g.seqNo() > mine.seq(g.domainId())) {
                                in[0] = f;
                                at[0] = e.offset();
                            }
                        }
                    } catch (BinlogFormatException e) {
                        // a crash can leave the last event cut: what precedes it was read
                    }
                    if (in[0] != null) {
                        break;
                    }
                }
                if (in[0] == null) {
                    step.put("detail", "nothing to salvage: this node holds every transaction in " + idx.get()).write();
                    return;
                }
                firstFile = in[0];
                start = at[0];
            }
        } catch (IOException e) {
            step.put("error", e.getMessage()).write();
            log.error("promote: cannot read the old primary's binlog: " + e.getMessage());
            return;
        }
        tail.addAll(files.subList(files.indexOf(firstFile), files.size()));
        Position before = me.state().appliedPosition();
        step.put("before", before.text()).put("from", firstFile.getFileName() + ":" + start);
        log.info("promote: salvaging the old primary's binlog from its files, " + firstFile + " at " + start);
        CommandRunner.Result r = applier(me).applyFiles(tail, start, me.node(), io.credentials().admin(), deadline);
        if (!r.ok()) {
            step.put("error", r.message()).write();
            throw OcfException.generic("salvaging the binlog files of " + cfg.oldPrimary() + " failed: " + r.message());
        }
        setGtidSlavePos(me, "");
        InstanceState after = me.state();
        step.put("after", after.appliedPosition().text())
                .put("transactions", transactionsBetween(before, after.appliedPosition())).write();
    }

    /** The old primary's server if salvage is wanted and it answers, else null (journaled either way). */
    private Server salvageSource(Journal j, Deadline deadline) {
        if (cfg.oldPrimary() == null || cfg.oldPrimary().equals(cfg.localNode())) {
            return null;
        }
        if (!CompensationPlan.salvage(cfg.salvage(), cfg.semisync())) {
            j.step("salvage", cfg.oldPrimary()).put("detail", "off (salvage_binlog=" + cfg.salvage()
                    + (cfg.semisync() ? ", semi-sync: every acknowledged write is on a replica" : "") + ")").write();
            return null;
        }
        Node n = cfg.nodes().get(cfg.oldPrimary());
        Server s = connect(n, deadline);
        if (s == null) {
            j.step("salvage", cfg.oldPrimary()).put("detail", "old primary does not answer at " + n.text()).write();
            log.info("promote: old primary " + n.name() + " does not answer: no binlog tail to salvage");
        }
        return s;
    }

    // ------------------------------------------------------------------ file/position mode

    private PromotionRecord filePos(Server me, Map<String, Server> peers, CompensationPlan.Plan plan, Journal j,
                                    Deadline deadline) {
        Server latest = plan.latest().equals(cfg.localNode()) ? me : peers.get(plan.latest());
        List<Path> relay = relayLogs(latest);
        BinlogApplier applier = applier(me);
        BinlogCoordinates common = latest.replica().received();
        // the promoted node first: the others are brought to the same point, then start at its binlog coordinates
        List<String> order = new ArrayList<>(plan.diffTargets());
        if (order.remove(cfg.localNode())) {
            common = applyDiff(me, relay, plan.latest(), applier, j, deadline, true);
        } else if (latest == me) {
            common = me.replica().executed();
        }
        BinlogCoordinates newEnd = me.primaryCoordinates();
        for (String n : order) {
            try {
                BinlogCoordinates end = applyDiff(peers.get(n), relay, plan.latest(), applier, j, deadline, false);
                if (!end.equals(common)) {
                    log.warn("promote: " + n + " was brought to " + end + ", not " + common);
                }
            } catch (OcfException | SqlException e) {
                // one replica that cannot be compensated does not stop the failover: it refuses to repoint later
                log.error("promote: compensating " + n + " failed: " + e.getMessage());
            }
        }
        j.step("coordinates", cfg.localNode()).put("old", common.text()).put("new", newEnd.text()).write();
        PromotionRecord rec = new PromotionRecord(j.failoverId(), cfg.localNode(), "filepos", common, newEnd,
                me.state().appliedPosition().text());
        BinlogCoordinates tail = salvageFilePos(me, common, applier, j, deadline);
        if (tail != null) {
            BinlogCoordinates newTail = me.primaryCoordinates();
            j.step("coordinates", cfg.localNode()).put("old", tail.text()).put("new", newTail.text())
                    .put("detail", "end of the salvaged tail").write();
            rec = rec.withSalvage(tail, newTail);
        }
        return rec;
    }

    /** Builds the diff for one server from the latest relay logs and applies it; returns where it now stands. */
    private BinlogCoordinates applyDiff(Server s, List<Path> relay, String latestName, BinlogApplier applier,
                                        Journal j, Deadline deadline, boolean target) {
        s.session().execute(s.dialect().stopReplica());
        ReplicaStatus r = s.replica();
        BinlogCoordinates from = r.executed();
        Journal.Step step = j.step("diff", s.name()).put("source", latestName).put("before", from.text());
        Path out = workFile("diff-" + s.name() + ".binlog");
        DiffResult diff;
        try {
            diff = RelayLogDiff.write(relay, new BinlogPosition(from.file(), from.pos()), out);
        } catch (PositionNotFoundException e) {
            step.put("error", e.getMessage()).write();
            throw OcfException.generic("the differential relay log for " + s.name() + " cannot be built: "
                    + e.getMessage() + " (relay logs of " + latestName + " purged? keep relay_log_purge=0)");
        } catch (IOException e) {
            step.put("error", e.getMessage()).write();
            throw OcfException.generic("reading the relay logs of " + latestName + ": " + e.getMessage());
        }
        try {
            CommandRunner.Result res = applier.applyFile(out, s.node(), io.credentials().admin(), deadline);
            if (!res.ok()) {
                step.put("error", res.message()).write();
                throw OcfException.generic("applying the differential relay log to " + s.name() + " failed"
                        + (res.timedOut() ? " (timed out)" : "") + ": " + res.message());
            }
        } finally {
            deleteQuietly(out);
        }
        setGtidSlavePos(s, diff.gtidPosition());
        BinlogPosition end = diff.lastTransactionEnd();
        if (!target) {
            // The client apply does not move Exec_Master_Log_Pos: record the new position in the replica itself.
            // This also drops its relay log, whose unapplied part the diff already applied: a restarted SQL
            // thread can never apply those events twice.
            s.session().execute(moveCoordinates(s.dialect(), end));
        }
        step.put("after", end.toString()).put("transactions", diff.transactions()).put("events", diff.events())
                .put("bytes", diff.bytes()).put("incomplete_tail", diff.endsInsideTransaction()).write();
        log.info("promote: applied " + diff.transactions() + " transaction(s), " + diff.bytes() + " bytes to "
                + s.name() + (target ? " (this node)" : "") + "; it stands at " + end);
        return new BinlogCoordinates(end.file(), end.position());
    }

    /** CHANGE MASTER that keeps the source and sets only the coordinates. */
    static String moveCoordinates(Dialect d, BinlogPosition at) {
        boolean newSyntax = d.stopReplica().contains("REPLICA") && !d.version().isMariaDb();
        return newSyntax
                ? "CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE=" + Dialect.quote(at.file()) + ", SOURCE_LOG_POS="
                        + at.position()
                : "CHANGE MASTER TO MASTER_LOG_FILE=" + Dialect.quote(at.file()) + ", MASTER_LOG_POS=" + at.position();
    }

    /** Applies the old primary's binlog after {@code from}; returns where that binlog ended, or null if nothing. */
    private BinlogCoordinates salvageFilePos(Server me, BinlogCoordinates from, BinlogApplier applier, Journal j,
                                             Deadline deadline) {
        Server old = salvageSource(j, deadline);
        if (old == null) {
            if (salvageWanted()) {
                // no coordinate mapping is recorded for it: the old primary must then be rebuilt, never rejoin
                salvageFromFiles(me, from, j, deadline);
            }
            return null;
        }
        try {
            BinlogCoordinates end = old.primaryCoordinates();
            Journal.Step step = j.step("salvage", cfg.oldPrimary()).put("before", from.text()).put("end", end.text());
            if (end.compareTo(from) <= 0) {
                step.put("detail", "nothing to salvage").write();
                return null;
            }
            log.info("promote: salvaging the old primary's binlog from " + from + " to " + end);
            CommandRunner.Result r = applier.applyRemoteTail(old.node(), from, me.node(), io.credentials().admin(),
                    deadline);
            if (!r.ok()) {
                step.put("error", r.message()).write();
                throw OcfException.generic("salvaging the binlog tail of " + cfg.oldPrimary() + " failed: " + r.message());
            }
            setGtidSlavePos(me, "");
            step.put("bytes", end.file().equals(from.file()) ? end.pos() - from.pos() : null)
                    .put("after", me.primaryCoordinates().text()).write();
            return end;
        } finally {
            old.session().close();
        }
    }

    /** The relay-log files of {@code s}, readable on this node, or a refusal naming the node to promote. */
    private List<Path> relayLogs(Server s) {
        Map<String, String> v = s.session().queryRow("SELECT @@relay_log_index AS idx, @@datadir AS datadir");
        String idx = v == null ? null : v.get("idx");
        if (idx == null || idx.isBlank()) {
            throw OcfException.generic("cannot find the relay-log index of " + s.name());
        }
        Path index = Path.of(idx);
        if (!index.isAbsolute()) {
            index = Path.of(v.get("datadir")).resolve(idx);
        }
        try {
            List<Path> files = RelayLogs.fromIndex(index);
            for (Path f : files) {
                if (!Files.isReadable(f)) {
                    throw new IOException(f + " is not readable");
                }
            }
            return files;
        } catch (IOException | UncheckedIOException e) {
            throw OcfException.generic("the relay logs of " + s.name() + " (" + index + ") are not readable on "
                    + cfg.localNode() + ": " + e.getMessage() + "; promote " + s.name() + " instead, it is the most "
                    + "advanced replica");
        }
    }

    private BinlogApplier applier(Server me) {
        boolean maria = me.dialect().version().isMariaDb();
        return new BinlogApplier(io.runner(), io.state(), cfg.clientBinary(),
                BinlogApplier.binlogToolFor(cfg.clientBinary(), maria), maria, io.credentials().tls());
    }

    // ------------------------------------------------------------------ repoint (every other node)

    /**
     * Called on a node about to replicate from {@code primary}. GTID mode: checks that the new primary holds every
     * transaction this node applied (else this node has errant transactions and must not rejoin) and returns
     * empty: GTID positioning does the rest. File/position mode: returns the new primary's binlog coordinates
     * that match this node's position, or throws when this node was not brought to the common point.
     */
    public Optional<BinlogCoordinates> beforeRepoint(SqlSession local, Dialect d, InstanceState st, String primary,
                                                     Deadline deadline) {
        PromotionRecord rec = record(deadline);
        if (rec == null || !rec.node().equals(primary)) {
            return Optional.empty();
        }
        local.bound(deadline);
        // the caller's snapshot predates its STOP SLAVE: positions may have moved since
        st = new Server(cfg.localNode(), null, local, d).state();
        Journal j = new Journal(io.state(), io.clock(), rec.id());
        Journal.Step step = j.step("repoint-check", cfg.localNode()).put("primary", primary).put("mode", rec.mode());
        Node pn = cfg.nodes().getOrDefault(primary, new Node(primary, primary, cfg.localPort()));
        if (!rec.filePos()) {
            Server p = connect(pn, deadline);
            if (p == null) {
                step.put("detail", "primary does not answer; GTID positioning decides").write();
                return Optional.empty();
            }
            try {
                Position theirs = p.state().binlogPos();
                Position mine = st.appliedPosition();
                step.put("before", mine.text()).put("primary_pos", theirs.text());
                if (!CompensationPlan.covers(CompensationPlan.union(theirs, p.state().currentPos()), mine)) {
                    step.put("error", "errant transactions").write();
                    throw new Diverged("this node applied transactions the new primary " + primary
                            + " lacks (" + mine.text() + " against " + theirs.text() + "): it must be rebuilt or its "
                            + "extra transactions reconciled by hand; refusing to replicate from " + primary);
                }
                step.write();
                return Optional.empty();
            } finally {
                p.session().close();
            }
        }
        ReplicaStatus r = st.replica();
        if (r.configured() && r.sourcePort() == pn.port()
                && (r.sourceHost().equals(pn.host()) || r.sourceHost().equals(primary)) && r.executed() != null) {
            step.put("detail", "already replicating from the new primary").put("after", r.executed().text()).write();
            return Optional.of(r.executed());
        }
        BinlogCoordinates at;
        boolean ownBinlog = !(r.configured() && r.executed() != null);
        if (!ownBinlog) {
            at = r.executed();
        } else {
            at = new Server(cfg.localNode(), null, local, d).primaryCoordinates();
        }
        step.put("before", at.text()).put("old", rec.oldEnd().text()).put("new", rec.newEnd().text());
        // the old primary itself, whose tail the promotion salvaged (a restart adds an empty binlog file)
        if (rec.oldTail() != null && (at.equals(rec.oldTail())
                || (ownBinlog && sameOrLaterEmpty(local, at, rec.oldTail())))) {
            step.put("after", rec.newTail().text()).put("detail", "salvaged tail").write();
            return Optional.of(rec.newTail());
        }
        if (ownBinlog && sameOrLaterEmpty(local, at, rec.oldEnd())) {
            at = rec.oldEnd(); // a restarted old primary: nothing written after the common point
        }
        if (!at.equals(rec.oldEnd())) {
            step.put("error", "not at the common point").write();
            throw OcfException.generic("this node stands at " + at + " of the old primary's binlog, but the promotion "
                    + rec.id() + " brought replicas to " + rec.oldEnd() + " (= " + rec.newEnd() + " on " + primary
                    + "); it was not compensated: rebuild it, or apply the missing events and use mysqlha coords");
        }
        step.put("after", rec.newEnd().text()).write();
        return Optional.of(rec.newEnd());
    }

    /** After START SLAVE on a repointed node: waits, bounded, until it holds what the new primary had. */
    public void afterRepoint(SqlSession local, Dialect d, String primary, Deadline deadline) {
        PromotionRecord rec = record(deadline);
        if (rec == null || !rec.node().equals(primary) || rec.gtid().isEmpty()) {
            return;
        }
        local.bound(deadline);
        Journal j = new Journal(io.state(), io.clock(), rec.id());
        Position want = d.parsePosition(rec.gtid());
        Journal.Step step = j.step("repoint", cfg.localNode()).put("primary", primary).put("want", want.text());
        Server me = new Server(cfg.localNode(), null, local, d);
        Deadline bound = deadline.atMost(Math.max(1_000, cfg.drainMs()));
        InstanceState st = me.state();
        while (!CompensationPlan.covers(st.appliedPosition(), want) && !bound.expired()
                && st.replica().lastSqlErrno() == 0 && st.replica().lastIoErrno() == 0) {
            sleep(100);
            st = me.state();
        }
        boolean ok = CompensationPlan.covers(st.appliedPosition(), want);
        step.put("after", st.appliedPosition().text()).put("caught_up", ok).write();
        if (!ok) {
            log.warn("repoint: not caught up with " + primary + " yet (" + st.replica().summary() + ")");
        }
    }

    // ------------------------------------------------------------------ helpers

    private PromotionRecord record(Deadline deadline) {
        try {
            return io.cluster().clusterProperty(PromotionRecord.property(cfg.resource()), deadline)
                    .map(PromotionRecord::parse).orElse(null);
        } catch (IllegalArgumentException e) {
            log.warn("ignoring an unreadable promotion record: " + e.getMessage());
            return null;
        }
    }

    /** {@code at} is past {@code point} in the same binlog sequence, with no transaction in between. */
    private boolean sameOrLaterEmpty(SqlSession s, BinlogCoordinates at, BinlogCoordinates point) {
        return at.baseName().equals(point.baseName()) && at.compareTo(point) > 0 && !hasTransactionsAfter(s, point);
    }

    /** Whether this server's binlog holds a transaction after {@code from}; true when that cannot be told. */
    private boolean hasTransactionsAfter(SqlSession s, BinlogCoordinates from) {
        boolean started = false;
        for (Map<String, String> row : s.query("SHOW BINARY LOGS")) {
            String f = row.get("Log_name");
            if (f.equals(from.file())) {
                started = true;
            }
            if (!started) {
                continue;
            }
            String sql = "SHOW BINLOG EVENTS IN " + Dialect.quote(f)
                    + (f.equals(from.file()) ? " FROM " + from.pos() : "");
            for (Map<String, String> e : s.query(sql)) {
                String type = e.get("Event_type");
                if (type != null && (type.equals("Gtid") || type.equals("Xid") || type.startsWith("Write_rows")
                        || type.startsWith("Update_rows") || type.startsWith("Delete_rows")
                        || (type.equals("Query") && !String.valueOf(e.get("Info")).startsWith("BEGIN")))) {
                    return true;
                }
            }
        }
        return !started; // the file is gone: nothing proves the binlog holds no transaction after it
    }

    /** After events were applied with the client, gtid_slave_pos must include them (MariaDB does not advance it). */
    private void setGtidSlavePos(Server s, String diffGtids) {
        if (!s.dialect().version().isMariaDb()) {
            return;
        }
        InstanceState st = s.state();
        if (st.replica().configured() && (st.replica().sqlRunning() || st.replica().ioState() != ReplicaStatus.IoState.NO)) {
            s.session().execute(s.dialect().stopReplica()); // gtid_slave_pos can only be set with replication stopped
        }
        MariaGtidPos pos = st.slavePos() instanceof MariaGtidPos m ? m : MariaGtidPos.EMPTY;
        pos = pos.max(MariaGtidPos.parse(diffGtids));
        if (st.logBin() && st.binlogPos() instanceof MariaGtidPos b) {
            pos = pos.max(b);
        }
        s.session().execute("SET GLOBAL gtid_slave_pos = " + Dialect.quote(pos.text()));
    }

    /**
     * Turns off the semi-sync primary waits of {@code s} while it applies; returns what restores them: exactly the
     * switch that was turned off (timeout, wait point and wait_no_slave are never touched).
     */
    private Runnable suspendSemiSync(Server s, Journal j) {
        InstanceState st = s.state();
        if (!st.semiSync().available() || !st.semiSync().primaryEnabled()) {
            return () -> { };
        }
        List<String> off = s.dialect().disablePrimarySemiSync();
        for (String sql : off) {
            s.session().execute(sql);
        }
        j.step("semisync-off", s.name()).put("detail", "primary waits off while compensating").write();
        return () -> {
            for (String sql : off) {
                s.session().execute(sql.replace("=OFF", "=ON"));
            }
            j.step("semisync-restored", s.name()).put("detail", "rpl_semi_sync primary waits on again, timeout "
                    + st.semiSync().timeoutMs() + " ms").write();
        };
    }

    /** relay_log_purge=0 while the relay logs may be read; returns what restores it. */
    private Runnable keepRelayLogs(Server s) {
        String v = s.session().queryRow("SELECT @@relay_log_purge AS v").get("v");
        if ("0".equals(v)) {
            return () -> { };
        }
        s.session().execute("SET GLOBAL relay_log_purge=0");
        return () -> s.session().execute("SET GLOBAL relay_log_purge=" + v);
    }

    /** What a server received: as first seen, joined with what it reports now. */
    private Position receivedBy(Server s, InstanceState now) {
        return CompensationPlan.union(received.get(s.name()), now.receivedPosition());
    }

    private CompensationPlan.Facts facts(Server s, InstanceState st) {
        ReplicaStatus r = st.replica();
        boolean canServe = st.logBin() && s.logReplicaUpdates();
        return new CompensationPlan.Facts(s.name(), receivedBy(s, st), st.appliedPosition(), r.received(),
                r.executed(), canServe, r.lastSqlErrno() != 0 || unusable.contains(s.name()));
    }

    /** Connects within 5 s; later calls are bounded by {@code d}. */
    private Server connect(Node n, Deadline d) {
        try {
            SqlSession s = io.sql().connect(n.host(), n.port(), io.credentials().admin(), d.atMost(5_000));
            s.bound(d);
            return new Server(n.name(), n, s, Dialect.forVersion(ServerVersion.parse(s.serverVersion(), "")));
        } catch (SqlException e) {
            log.info("compensation: " + n.name() + " (" + n.text() + ") does not answer: " + e.getMessage());
            return null;
        }
    }

    private Path workFile(String name) {
        io.state().write(".compensation", "");
        return Path.of(io.state().path(name));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover work file is harmless
        }
    }

    private static String positionText(InstanceState st, CompensationPlan.Mode mode) {
        if (mode == CompensationPlan.Mode.FILEPOS && st.replica().executed() != null) {
            return st.replica().executed().text();
        }
        return st.appliedPosition().text();
    }

    private static long transactionsBetween(Position a, Position b) {
        if (a instanceof MariaGtidPos x && b instanceof MariaGtidPos y) {
            return y.distanceAhead(x);
        }
        return -1;
    }

    private void sleep(long ms) {
        try {
            io.clock().sleepMillis(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OcfException.generic("interrupted");
        }
    }

    /** A server taking part: its node, session and dialect. */
    record Server(String name, Node node, SqlSession session, Dialect dialect) {
        InstanceState state() {
            Map<String, String> vars = session.queryRow(dialect.variablesQuery());
            List<Map<String, String>> semi = session.query(dialect.semiSyncQuery());
            Map<String, String> repl = session.queryRow(dialect.replicaStatusQuery());
            return dialect.parseState(vars == null ? Map.of() : vars, semi, repl);
        }

        ReplicaStatus replica() {
            return dialect.parseReplicaStatus(session.queryRow(dialect.replicaStatusQuery()));
        }

        boolean logReplicaUpdates() {
            ServerVersion v = dialect.version();
            String var = !v.isMariaDb() && (v.atLeast(8, 1) || (v.atLeast(8, 0) && v.patch() >= 26))
                    ? "@@log_replica_updates" : "@@log_slave_updates";
            Map<String, String> row = session.queryRow("SELECT " + var + " AS v");
            return row != null && ("1".equals(row.get("v")) || "ON".equalsIgnoreCase(row.get("v")));
        }

        BinlogCoordinates primaryCoordinates() {
            Map<String, String> row = session.queryRow(dialect.primaryStatusQuery());
            if (row == null || row.get("File") == null) {
                throw OcfException.generic(name + " has no binary log (log_bin is off): it cannot serve replicas");
            }
            return new BinlogCoordinates(row.get("File"), Long.parseLong(row.get("Position")));
        }
    }
}
