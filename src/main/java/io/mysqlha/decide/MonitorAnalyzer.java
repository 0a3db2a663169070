package io.mysqlha.decide;

import io.mysqlha.decide.MonitorVerdict.Outcome;
import io.mysqlha.decide.MonitorVerdict.Repair;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MasterInfo;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.SemiSync;

import java.util.Optional;
import java.util.Set;

/**
 * The monitor verdict: a pure function of what was observed. It never concludes "down" from one signal:
 * the process, the SQL answer and the datadir are weighed together.
 */
public final class MonitorAnalyzer {
    /** IO-thread errors that only say the primary cannot be reached (it may be dead): expected at failover. */
    private static final Set<Integer> CONNECT_ERRORS = Set.of(2003, 2005, 2006, 2013, 2026, 1129, 1158, 1159, 1160, 1161);

    private MonitorAnalyzer() {}

    public static MonitorVerdict analyze(MonitorFacts f) {
        if (f.sql() == SqlProbe.OK && f.state() != null) {
            if (!f.datadirPresent()) {
                // it still answers from memory and open files, but cannot survive: fail it over
                return failed(f, Analysis.DATADIR_GONE, f.state().datadir());
            }
            if (f.diskFull()) {
                // it answers queries, but no commit completes: a primary is failed over, a replica cannot take over
                if (f.promotedMarker()) {
                    return failed(f, Analysis.DISK_FULL, f.state().datadir());
                }
                MonitorVerdict r = running(f, f.state());
                return r.outcome() == Outcome.RUNNING ? MonitorVerdict.of(Analysis.DISK_FULL, Outcome.RUNNING,
                        f.state().datadir()).withRepair(r.repair()).withHealth(false, r.readable(), r.lagS()) : r;
            }
            return running(f, f.state());
        }
        if (f.sql() == SqlProbe.BUSY || f.sql() == SqlProbe.ACCESS_DENIED) {
            if (!f.datadirPresent()) {
                return failed(f, Analysis.DATADIR_GONE, null);
            }
            Analysis a = f.sql() == SqlProbe.BUSY ? Analysis.BUSY : Analysis.ACCESS_DENIED;
            if (a == Analysis.ACCESS_DENIED) {
                // alive, but we cannot verify its role: that is a failure of this instance's monitoring
                return failed(f, a, f.sqlError());
            }
            return MonitorVerdict.of(a, f.promotedMarker() ? Outcome.RUNNING_PROMOTED : Outcome.RUNNING, f.sqlError());
        }
        // SQL down
        if (f.processAlive()) {
            return failed(f, f.datadirPresent() ? Analysis.UNREACHABLE : Analysis.DATADIR_GONE, f.sqlError());
        }
        if (f.promotedMarker()) {
            return MonitorVerdict.of(Analysis.PRIMARY_CRASHED, Outcome.FAILED_PROMOTED, null);
        }
        return MonitorVerdict.of(Analysis.STOPPED, Outcome.NOT_RUNNING, null);
    }

    private static MonitorVerdict failed(MonitorFacts f, Analysis a, String detail) {
        return MonitorVerdict.of(a, f.promotedMarker() ? Outcome.FAILED_PROMOTED : Outcome.FAILED, detail);
    }

    private static MonitorVerdict running(MonitorFacts f, InstanceState s) {
        Optional<MasterInfo> mi = f.masterInfo();
        boolean namedPrimary = mi.isPresent() && mi.get().node().equals(f.localNode());
        if (f.promotedMarker()) {
            if (s.readOnly()) {
                return MonitorVerdict.of(Analysis.PRIMARY_READ_ONLY, Outcome.FAILED_PROMOTED, null);
            }
            if (mi.isPresent() && !namedPrimary) {
                // the cluster moved the primary elsewhere: this one must stop taking writes now
                return MonitorVerdict.of(Analysis.WRITABLE_NOT_PRIMARY, Outcome.FAILED_PROMOTED,
                        "master-info names " + mi.get().node() + " (epoch " + mi.get().epoch() + ")")
                        .withRepair(Repair.MAKE_READ_ONLY);
            }
            String degraded = f.semiSyncRequired() ? semiSyncProblem(s.semiSync()) : null;
            if (degraded != null) {
                return MonitorVerdict.of(Analysis.PRIMARY_SEMISYNC_DEGRADED, Outcome.DEGRADED_PROMOTED, degraded);
            }
            return MonitorVerdict.of(Analysis.PRIMARY_OK, Outcome.RUNNING_PROMOTED, null);
        }
        if (!s.readOnly()) {
            return MonitorVerdict.of(Analysis.WRITABLE_NOT_PRIMARY, Outcome.FAILED,
                    mi.map(m -> "master-info names " + m.node() + " (epoch " + m.epoch() + ")")
                            .orElse("the cluster has not promoted it")).withRepair(Repair.MAKE_READ_ONLY);
        }
        return replica(f, s, mi, namedPrimary);
    }

    private static MonitorVerdict replica(MonitorFacts f, InstanceState s, Optional<MasterInfo> mi,
                                          boolean namedPrimary) {
        ReplicaStatus r = s.replica();
        long lag = r.secondsBehind() == null ? -1 : r.secondsBehind();
        if (mi.isEmpty() || namedPrimary) {
            // fresh cluster, or this node was the primary and has been demoted: no source to follow yet
            if (!r.configured()) {
                return MonitorVerdict.of(Analysis.STANDBY, Outcome.RUNNING, null).withHealth(true, false, -1);
            }
            return replicaHealth(f, r, lag, Repair.NONE);
        }
        if (!r.configured()) {
            return MonitorVerdict.of(Analysis.REPLICA_NOT_REPLICATING, Outcome.RUNNING,
                    "primary is " + mi.get().node()).withRepair(Repair.REPOINT);
        }
        if (!f.primarySources().contains(r.sourceHost() + ":" + r.sourcePort())) {
            return MonitorVerdict.of(Analysis.REPLICA_WRONG_SOURCE, Outcome.RUNNING,
                    "source " + r.sourceHost() + ", primary is " + mi.get().node()).withRepair(Repair.REPOINT);
        }
        return replicaHealth(f, r, lag, Repair.NONE);
    }

    private static MonitorVerdict replicaHealth(MonitorFacts f, ReplicaStatus r, long lag, Repair repair) {
        java.util.List<String> errant = Lineage.errant(f.state());
        if (!errant.isEmpty()) {
            // never promoted: its data differs from the primary's
            return MonitorVerdict.of(Analysis.REPLICA_ERRANT, Outcome.RUNNING, String.join(",", errant))
                    .withRepair(repair).withHealth(false, false, lag);
        }
        boolean ioFine = r.ioRunning() && r.lastIoErrno() == 0;
        boolean ioOnlyUnreachable = !ioFine && (r.lastIoErrno() == 0 || CONNECT_ERRORS.contains(r.lastIoErrno()))
                && r.ioState() != ReplicaStatus.IoState.NO;
        boolean sqlFine = r.sqlRunning() && r.lastSqlErrno() == 0;
        boolean lagOk = lag < 0 || lag <= f.maxLagS();
        if (!sqlFine || !(ioFine || ioOnlyUnreachable)) {
            return MonitorVerdict.of(Analysis.REPLICA_BROKEN, Outcome.RUNNING, r.summary())
                    .withRepair(repair).withHealth(false, false, lag);
        }
        if (!lagOk) {
            return MonitorVerdict.of(Analysis.REPLICA_LAGGING, Outcome.RUNNING, r.summary())
                    .withRepair(repair).withHealth(false, false, lag);
        }
        // a NULL lag with the IO thread reconnecting is normal right after the primary died
        boolean readable = ioFine && lag >= 0;
        return MonitorVerdict.of(Analysis.REPLICA_OK, Outcome.RUNNING, ioFine ? null : r.summary())
                .withRepair(repair).withHealth(true, readable, lag);
    }

    /** Why a primary's semi-sync is not the never-degrading kind, or null when it is. */
    public static String semiSyncProblem(SemiSync ss) {
        if (!ss.available()) {
            return "semi-sync is not available on this server";
        }
        if (!ss.primaryEnabled()) {
            return "rpl_semi_sync_master_enabled is OFF";
        }
        if (!ss.primaryActive()) {
            return "Rpl_semi_sync_master_status is OFF: the primary fell back to async";
        }
        if (ss.timeoutMs() < SemiSync.MIN_SAFE_TIMEOUT_MS) {
            return "rpl_semi_sync_master_timeout=" + ss.timeoutMs() + " ms lets it fall back to async";
        }
        if (!"AFTER_SYNC".equals(ss.waitPoint())) {
            return "rpl_semi_sync_master_wait_point=" + ss.waitPoint() + " (AFTER_SYNC needed)";
        }
        return null;
    }
}
