package io.mysqlha.decide;

/**
 * The monitor's conclusion.
 *
 * @param analysis   named finding
 * @param outcome    what to tell Pacemaker
 * @param reason     one line for logs / ocf-exit-reason
 * @param repair     what the agent should fix now
 * @param candidate  this instance may be promoted (a healthy replica, or a standby on a fresh cluster)
 * @param readable   this instance may serve reads (replica with both threads running, no error, lag ok)
 * @param lagS       replication lag in seconds, -1 when unknown
 */
public record MonitorVerdict(Analysis analysis, Outcome outcome, String reason, Repair repair, boolean candidate,
                             boolean readable, long lagS) {

    /** What Pacemaker is told. */
    public enum Outcome { NOT_RUNNING, RUNNING, RUNNING_PROMOTED, DEGRADED_PROMOTED, FAILED_PROMOTED, FAILED }

    /** A correction the monitor applies itself (notify results are ignored, so the monitor is the backstop). */
    public enum Repair {
        NONE,
        /** Set read_only: a writable instance that is not the cluster's primary must not take writes. */
        MAKE_READ_ONLY,
        /** Replicate from the primary named in master-info, with GTID. */
        REPOINT
    }

    static MonitorVerdict of(Analysis a, Outcome o, String detail) {
        return new MonitorVerdict(a, o, detail == null ? a.description() : a.description() + ": " + detail,
                Repair.NONE, false, false, -1);
    }

    MonitorVerdict withRepair(Repair r) {
        return new MonitorVerdict(analysis, outcome, reason, r, candidate, readable, lagS);
    }

    MonitorVerdict withHealth(boolean isCandidate, boolean isReadable, long lag) {
        return new MonitorVerdict(analysis, outcome, reason, repair, isCandidate, isReadable, lag);
    }
}
