package io.mysqlha.rt;

import java.util.List;
import java.util.Map;

/** What one iteration did and what the checkers said about it. */
public record IterationResult(int n, Fault fault, String description, List<String> nodes, String primaryBefore,
        String primaryAfter, long startMs, long faultMs, long healMs, long endMs, double failoverS,
        double longestWriteGapS, long acked, long failed, long info, long lostWrites, int splitBrainMoments, int maxWritable,
        List<String> actions, List<String> rebuilt, List<Verdict> verdicts, String skipped,
        double fullRedundancyAfterHealS, double fullRedundancyAfterFaultS, Map<String, String> refusals,
        double writePauseS, Map<String, String> measured) {

    /**
     * Without the write pause (writePauseS: from the writers' history, the last write the old primary
     * acknowledged to the first a new one did, NaN when the primary did not move) and without what the
     * fault's own command measured (measured: the key=value pairs of mysqlha switchover's RESULT line).
     */
    public IterationResult(int n, Fault fault, String description, List<String> nodes, String primaryBefore,
            String primaryAfter, long startMs, long faultMs, long healMs, long endMs, double failoverS,
            double longestWriteGapS, long acked, long failed, long info, long lostWrites, int splitBrainMoments,
            int maxWritable, List<String> actions, List<String> rebuilt, List<Verdict> verdicts, String skipped,
            double fullRedundancyAfterHealS, double fullRedundancyAfterFaultS, Map<String, String> refusals) {
        this(n, fault, description, nodes, primaryBefore, primaryAfter, startMs, faultMs, healMs, endMs, failoverS,
                longestWriteGapS, acked, failed, info, lostWrites, splitBrainMoments, maxWritable, actions, rebuilt,
                verdicts, skipped, fullRedundancyAfterHealS, fullRedundancyAfterFaultS, refusals, Double.NaN, Map.of());
    }

    /**
     * Without the self-healing figures (fullRedundancy*: seconds from the heal step, and from the fault, to
     * every node running with the primary's semi-sync ACKed by every other HA node; refusals: node -> the
     * agent's exit reason that asked for an operator).
     */
    public IterationResult(int n, Fault fault, String description, List<String> nodes, String primaryBefore,
            String primaryAfter, long startMs, long faultMs, long healMs, long endMs, double failoverS,
            double longestWriteGapS, long acked, long failed, long info, long lostWrites, int splitBrainMoments,
            int maxWritable, List<String> actions, List<String> rebuilt, List<Verdict> verdicts, String skipped) {
        this(n, fault, description, nodes, primaryBefore, primaryAfter, startMs, faultMs, healMs, endMs, failoverS,
                longestWriteGapS, acked, failed, info, lostWrites, splitBrainMoments, maxWritable, actions, rebuilt,
                verdicts, skipped, Double.NaN, Double.NaN, Map.of());
    }

    public Verdict.Status status() {
        if (skipped != null) {
            return Verdict.Status.UNKNOWN;
        }
        if (verdicts.stream().anyMatch(v -> v.status() == Verdict.Status.INVALID)) {
            return Verdict.Status.INVALID;
        }
        if (verdicts.stream().anyMatch(v -> v.status() == Verdict.Status.UNKNOWN)) {
            return Verdict.Status.UNKNOWN;
        }
        return Verdict.Status.VALID;
    }

    static IterationResult skipped(int n, Fault f, String why, long now) {
        return skipped(n, f, why, now, now, List.of(), List.of());
    }

    /** Skipped after the operator's part was played (a failed injection's healing): its actions count. */
    static IterationResult skipped(int n, Fault f, String why, long start, long end, List<String> actions,
            List<String> rebuilt) {
        return new IterationResult(n, f, f.description, List.of(), null, null, start, start, end, end, Double.NaN,
                Double.NaN, 0, 0, 0, 0, 0, 0, actions, rebuilt, List.of(), why);
    }
}
