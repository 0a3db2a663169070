package io.mysqlha.decide;

import io.mysqlha.decide.MonitorVerdict.Outcome;
import io.mysqlha.decide.MonitorVerdict.Repair;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.MasterInfo;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.ReplicaStatus.IoState;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.ServerVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MonitorAnalyzerTest {
    static final ServerVersion V = ServerVersion.parse("10.11.19-MariaDB", "");
    static final SemiSync SAFE = new SemiSync(true, true, true, SemiSync.NEVER_DEGRADE_TIMEOUT_MS, "AFTER_SYNC", true, true, 2);
    static final MasterInfo MI_OTHER = new MasterInfo("db1", 3, "0-1-10", 1);
    static final MasterInfo MI_ME = new MasterInfo("db2", 3, "0-2-10", 1);

    static ReplicaStatus replica(String host, IoState io, boolean sql, int ioErr, int sqlErr, Long lag) {
        return new ReplicaStatus(true, host, 3306, io, sql, ioErr, ioErr == 0 ? "" : "io", sqlErr,
                sqlErr == 0 ? "" : "sql", lag, null, null, "Slave_Pos", "0-1-10", 0);
    }

    static InstanceState state(boolean readOnly, ReplicaStatus r, SemiSync ss) {
        MariaGtidPos p = MariaGtidPos.parse("0-1-10");
        return new InstanceState(V, 2, readOnly, "/var/lib/mysql/", r, p, p, p, ss, true);
    }

    static MonitorFacts facts(InstanceState s, boolean marker, MasterInfo mi) {
        return new MonitorFacts(true, true, SqlProbe.OK, null, s, marker, Optional.ofNullable(mi), "db2",
                mi == null ? Set.of() : Set.of("db1:3306", "10.0.0.1:3306"), 60, true, false);
    }

    static MonitorFacts diskFull(MonitorFacts f) {
        return new MonitorFacts(f.processAlive(), f.datadirPresent(), f.sql(), f.sqlError(), f.state(), f.promotedMarker(),
                f.masterInfo(), f.localNode(), f.primarySources(), f.maxLagS(), f.semiSyncRequired(), true);
    }

    static MonitorFacts down(boolean process, boolean datadir, SqlProbe probe, boolean marker) {
        return new MonitorFacts(process, datadir, probe, "err", null, marker, Optional.empty(), "db2", Set.of(), 60, true, false);
    }

    static MonitorVerdict healthyReplica() {
        return MonitorAnalyzer.analyze(facts(state(true, replica("db1", IoState.YES, true, 0, 0, 0L), SAFE), false, MI_OTHER));
    }

    @Test
    void stoppedCleanly() {
        MonitorVerdict v = MonitorAnalyzer.analyze(down(false, true, SqlProbe.DOWN, false));
        assertEquals(Outcome.NOT_RUNNING, v.outcome());
        assertEquals(Analysis.STOPPED, v.analysis());
        assertFalse(v.candidate());
    }

    @Test
    void crashedPrimaryIsFailedPromoted() {
        assertEquals(Outcome.FAILED_PROMOTED, MonitorAnalyzer.analyze(down(false, true, SqlProbe.DOWN, true)).outcome());
    }

    @Test
    void processWithoutSqlIsNeverStopped() {
        MonitorVerdict v = MonitorAnalyzer.analyze(down(true, true, SqlProbe.DOWN, false));
        assertEquals(Outcome.FAILED, v.outcome());
        assertEquals(Analysis.UNREACHABLE, v.analysis());
        assertEquals(Outcome.FAILED_PROMOTED, MonitorAnalyzer.analyze(down(true, true, SqlProbe.DOWN, true)).outcome());
    }

    @Test
    void busyServerIsAlive() {
        assertEquals(Outcome.RUNNING, MonitorAnalyzer.analyze(down(true, true, SqlProbe.BUSY, false)).outcome());
        assertEquals(Outcome.RUNNING_PROMOTED, MonitorAnalyzer.analyze(down(true, true, SqlProbe.BUSY, true)).outcome());
        assertEquals(Outcome.RUNNING, MonitorAnalyzer.analyze(down(false, true, SqlProbe.BUSY, false)).outcome(),
                "an answering server is running even when its process was not found");
    }

    @Test
    void rejectedMonitorAccountIsAFailureNotAStop() {
        MonitorVerdict v = MonitorAnalyzer.analyze(down(true, true, SqlProbe.ACCESS_DENIED, false));
        assertEquals(Outcome.FAILED, v.outcome());
        assertEquals(Analysis.ACCESS_DENIED, v.analysis());
    }

    @Test
    void datadirGoneUnderARunningPrimaryFailsItOver() {
        MonitorFacts f = facts(state(false, ReplicaStatus.NONE, SAFE), true, MI_ME);
        MonitorFacts gone = new MonitorFacts(true, false, SqlProbe.OK, null, f.state(), true, f.masterInfo(), "db2",
                f.primarySources(), 60, true, false);
        MonitorVerdict v = MonitorAnalyzer.analyze(gone);
        assertEquals(Analysis.DATADIR_GONE, v.analysis());
        assertEquals(Outcome.FAILED_PROMOTED, v.outcome());
        assertEquals(Analysis.DATADIR_GONE, MonitorAnalyzer.analyze(down(true, false, SqlProbe.DOWN, false)).analysis());
        assertEquals(Analysis.DATADIR_GONE, MonitorAnalyzer.analyze(down(true, false, SqlProbe.BUSY, true)).analysis());
    }

    @Test
    void aFullDiskFailsThePrimaryOverAndTakesTheReplicasScore() {
        MonitorVerdict primary = MonitorAnalyzer.analyze(diskFull(facts(state(false, ReplicaStatus.NONE, SAFE), true, MI_ME)));
        assertEquals(Analysis.DISK_FULL, primary.analysis());
        assertEquals(Outcome.FAILED_PROMOTED, primary.outcome());
        MonitorVerdict replica = MonitorAnalyzer.analyze(diskFull(facts(state(true, replica("db1", IoState.YES, true, 0, 0, 0L), SAFE), false, MI_OTHER)));
        assertEquals(Analysis.DISK_FULL, replica.analysis());
        assertEquals(Outcome.RUNNING, replica.outcome());
        assertFalse(replica.candidate());
        MonitorVerdict stray = MonitorAnalyzer.analyze(diskFull(facts(state(false, ReplicaStatus.NONE, SAFE), false, MI_OTHER)));
        assertEquals(Repair.MAKE_READ_ONLY, stray.repair(), "a full disk never hides a writable stray");
    }

    @Test
    void healthyPrimary() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(false, ReplicaStatus.NONE, SAFE), true, MI_ME));
        assertEquals(Outcome.RUNNING_PROMOTED, v.outcome());
        assertEquals(Analysis.PRIMARY_OK, v.analysis());
        assertFalse(v.readable());
    }

    @Test
    void primaryOnFreshClusterWithoutMasterInfoRecordIsStillPrimary() {
        assertEquals(Outcome.RUNNING_PROMOTED,
                MonitorAnalyzer.analyze(facts(state(false, ReplicaStatus.NONE, SAFE), true, null)).outcome());
    }

    @Test
    void degradedSemiSyncIsReported() {
        SemiSync off = new SemiSync(true, true, false, SemiSync.NEVER_DEGRADE_TIMEOUT_MS, "AFTER_SYNC", true, false, 0);
        SemiSync shortTimeout = new SemiSync(true, true, true, 10_000, "AFTER_SYNC", true, false, 1);
        SemiSync afterCommit = new SemiSync(true, true, true, SemiSync.NEVER_DEGRADE_TIMEOUT_MS, "AFTER_COMMIT", true, false, 1);
        SemiSync disabled = new SemiSync(true, false, false, 0, "AFTER_SYNC", true, false, 0);
        for (SemiSync ss : new SemiSync[] {off, shortTimeout, afterCommit, disabled, SemiSync.UNAVAILABLE}) {
            MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(false, ReplicaStatus.NONE, ss), true, MI_ME));
            assertEquals(Outcome.DEGRADED_PROMOTED, v.outcome(), ss.toString());
            assertEquals(Analysis.PRIMARY_SEMISYNC_DEGRADED, v.analysis());
        }
        MonitorFacts notRequired = new MonitorFacts(true, true, SqlProbe.OK, null, state(false, ReplicaStatus.NONE, off),
                true, Optional.of(MI_ME), "db2", Set.of(), 60, false, false);
        assertEquals(Outcome.RUNNING_PROMOTED, MonitorAnalyzer.analyze(notRequired).outcome());
    }

    @Test
    void readOnlyPromotedInstanceHasFailed() {
        assertEquals(Outcome.FAILED_PROMOTED,
                MonitorAnalyzer.analyze(facts(state(true, ReplicaStatus.NONE, SAFE), true, MI_ME)).outcome());
    }

    @Test
    void writableInstanceNotConsideredPrimaryIsReportedAndMadeReadOnly() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(false, ReplicaStatus.NONE, SAFE), false, MI_OTHER));
        assertEquals(Analysis.WRITABLE_NOT_PRIMARY, v.analysis());
        assertEquals(Outcome.FAILED, v.outcome());
        assertEquals(Repair.MAKE_READ_ONLY, v.repair());
        assertTrue(v.reason().contains("db1"));
        MonitorVerdict fresh = MonitorAnalyzer.analyze(facts(state(false, ReplicaStatus.NONE, SAFE), false, null));
        assertEquals(Analysis.WRITABLE_NOT_PRIMARY, fresh.analysis());
    }

    @Test
    void promotedMarkerButClusterMovedThePrimary() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(false, ReplicaStatus.NONE, SAFE), true, MI_OTHER));
        assertEquals(Outcome.FAILED_PROMOTED, v.outcome());
        assertEquals(Repair.MAKE_READ_ONLY, v.repair());
    }

    @Test
    void healthyReplicaIsCandidateAndReadable() {
        MonitorVerdict v = healthyReplica();
        assertEquals(Outcome.RUNNING, v.outcome());
        assertEquals(Analysis.REPLICA_OK, v.analysis());
        assertTrue(v.candidate());
        assertTrue(v.readable());
        assertEquals(0, v.lagS());
        assertEquals(Repair.NONE, v.repair());
    }

    @Test
    void nullLagRightAfterThePrimaryDiedKeepsTheCandidate() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, replica("db1", IoState.CONNECTING, true, 2003, 0, null), SAFE), false, MI_OTHER));
        assertEquals(Analysis.REPLICA_OK, v.analysis());
        assertTrue(v.candidate(), "must stay promotable, or nobody could take over");
        assertFalse(v.readable());
        assertEquals(-1, v.lagS());
    }

    @ParameterizedTest
    @ValueSource(ints = {1236, 1045, 1593})
    void ioErrorsOtherThanUnreachablePrimaryRemoveTheCandidate(int errno) {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, replica("db1", IoState.NO, true, errno, 0, null), SAFE), false, MI_OTHER));
        assertEquals(Analysis.REPLICA_BROKEN, v.analysis());
        assertFalse(v.candidate());
        assertFalse(v.readable());
    }

    @Test
    void stoppedOrFailingSqlThreadIsNeverACandidate() {
        for (ReplicaStatus r : new ReplicaStatus[] {replica("db1", IoState.YES, false, 0, 0, null),
            replica("db1", IoState.YES, false, 0, 1062, null), replica("db1", IoState.NO, true, 0, 0, null)}) {
            MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, r, SAFE), false, MI_OTHER));
            assertEquals(Analysis.REPLICA_BROKEN, v.analysis(), r.summary());
            assertFalse(v.candidate());
            assertEquals(Outcome.RUNNING, v.outcome());
        }
    }

    @Test
    void lagPastMaxLag() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, replica("db1", IoState.YES, true, 0, 0, 61L), SAFE), false, MI_OTHER));
        assertEquals(Analysis.REPLICA_LAGGING, v.analysis());
        assertFalse(v.candidate());
        assertFalse(v.readable());
        assertEquals(61, v.lagS());
        assertTrue(MonitorAnalyzer.analyze(facts(state(true, replica("db1", IoState.YES, true, 0, 0, 60L), SAFE), false, MI_OTHER)).readable());
    }

    @Test
    void replicaOfTheWrongSourceIsRepointed() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, replica("db3", IoState.YES, true, 0, 0, 0L), SAFE), false, MI_OTHER));
        assertEquals(Analysis.REPLICA_WRONG_SOURCE, v.analysis());
        assertEquals(Repair.REPOINT, v.repair());
        assertFalse(v.candidate());
        MonitorVerdict byAddress = MonitorAnalyzer.analyze(facts(state(true, replica("10.0.0.1", IoState.YES, true, 0, 0, 0L), SAFE), false, MI_OTHER));
        assertEquals(Analysis.REPLICA_OK, byAddress.analysis());
    }

    @Test
    void unconfiguredReplicaWithAPrimaryIsRepointed() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, ReplicaStatus.NONE, SAFE), false, MI_OTHER));
        assertEquals(Analysis.REPLICA_NOT_REPLICATING, v.analysis());
        assertEquals(Repair.REPOINT, v.repair());
    }

    @Test
    void freshClusterStandbyIsACandidate() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, ReplicaStatus.NONE, SAFE), false, null));
        assertEquals(Analysis.STANDBY, v.analysis());
        assertTrue(v.candidate(), "first bring-up must elect a primary even with empty GTIDs");
        assertFalse(v.readable());
    }

    @Test
    void demotedOldPrimaryStillNamedInMasterInfoWaitsForTheNewOne() {
        MonitorVerdict v = MonitorAnalyzer.analyze(facts(state(true, ReplicaStatus.NONE, SAFE), false, MI_ME));
        assertEquals(Analysis.STANDBY, v.analysis());
        assertEquals(Repair.NONE, v.repair());
    }
}
