package io.mysqlha.rt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checkers: pure functions of the recorded history, the samples and the final reads. Each returns a
 * {@link Verdict} with evidence; none talks to the cluster.
 */
public final class Checkers {
    private Checkers() {}

    public static final String LOST = "no-lost-acknowledged-writes";
    public static final String DUPLICATES = "no-duplicates";
    public static final String SPLIT_BRAIN = "single-writable-instance";
    public static final String WRITER_VIP = "writer-vip-on-primary-only";
    public static final String READER_VIP = "reader-vip-on-readable-replica";
    public static final String DATA = "nodes-converge-to-identical-data";
    public static final String CLUSTER = "cluster-converges";
    public static final String FAILOVER = "failover-time";
    public static final String NO_OPERATOR = "heals-without-operator";
    public static final String PRIMARY_KEPT = "primary-kept";
    public static final String SWITCHOVER = "switchover-done";

    /** Every acknowledged write must be in the final table. present: key -> row count, or null if unreadable. */
    public static Verdict lostWrites(List<Op> ops, Map<Long, Integer> present) {
        if (present == null) {
            return Verdict.unknown(LOST, "the final table could not be read through the writer VIP");
        }
        List<Long> lost = ops.stream().filter(Op::isAckedWrite).map(Op::key).filter(k -> !present.containsKey(k))
                .sorted().toList();
        long acked = ops.stream().filter(Op::isAckedWrite).count();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("acknowledged", acked);
        data.put("lost", lost.size());
        data.put("lost_keys", lost.stream().limit(50).toList());
        return lost.isEmpty() ? Verdict.valid(LOST, acked + " acknowledged writes, all present", data)
                : Verdict.invalid(LOST, lost.size() + " of " + acked + " acknowledged writes missing, first keys "
                        + lost.stream().limit(10).toList(), data);
    }

    /**
     * No key twice, no key that was never written, and no write that was reported failed (certainly not
     * applied) yet is there. Unknown-outcome (info) writes may be present once or absent.
     */
    public static Verdict duplicates(List<Op> ops, Map<Long, Integer> present) {
        if (present == null) {
            return Verdict.unknown(DUPLICATES, "the final table could not be read through the writer VIP");
        }
        Map<Long, Op> byKey = new HashMap<>();
        for (Op o : ops) {
            if (o.f() == Op.Kind.WRITE) {
                byKey.put(o.key(), o);
            }
        }
        List<Long> twice = new ArrayList<>();
        List<Long> phantom = new ArrayList<>();
        List<Long> failedPresent = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : new java.util.TreeMap<>(present).entrySet()) {
            Op o = byKey.get(e.getKey());
            if (e.getValue() > 1) {
                twice.add(e.getKey());
            }
            if (o == null) {
                phantom.add(e.getKey());
            } else if (o.type() == Op.Type.FAIL) {
                failedPresent.add(e.getKey());
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("duplicated_keys", twice.stream().limit(50).toList());
        data.put("never_written_keys", phantom.stream().limit(50).toList());
        data.put("failed_but_present_keys", failedPresent.stream().limit(50).toList());
        if (twice.isEmpty() && phantom.isEmpty() && failedPresent.isEmpty()) {
            return Verdict.valid(DUPLICATES, present.size() + " keys, each once, each written", data);
        }
        return Verdict.invalid(DUPLICATES, twice.size() + " duplicated, " + phantom.size() + " never written, "
                + failedPresent.size() + " reported failed but present", data);
    }

    /** A stretch of time during which two or more servers were writable at once. */
    public record Moment(long startMs, long endMs, Set<String> nodes) {
        public long millis() {
            return endMs - startMs;
        }
    }

    /**
     * Moments with two or more servers answering read_only=0, from the continuous samples. A server's
     * answer counts until staleMs after it was taken (a server that stops answering is not writable to
     * anyone).
     */
    public static List<Moment> writableMoments(List<Sample.Server> samples, long staleMs) {
        List<Sample.Server> s = new ArrayList<>(samples);
        s.sort(Comparator.comparingLong(Sample.Server::timeMs));
        Map<String, Sample.Server> latest = new HashMap<>();
        List<Moment> out = new ArrayList<>();
        long start = -1;
        long last = -1;
        Set<String> nodes = new TreeSet<>();
        for (Sample.Server x : s) {
            latest.put(x.node(), x);
            List<String> w = latest.values().stream().filter(v -> v.writable() && x.timeMs() - v.timeMs() <= staleMs)
                    .map(Sample.Server::node).toList();
            if (w.size() >= 2) {
                if (start < 0) {
                    start = x.timeMs();
                }
                nodes.addAll(w);
                last = x.timeMs();
            } else if (start >= 0) {
                out.add(new Moment(start, Math.max(last, x.timeMs()), Set.copyOf(nodes)));
                start = -1;
                nodes = new TreeSet<>();
            }
        }
        if (start >= 0) {
            out.add(new Moment(start, last, Set.copyOf(nodes)));
        }
        return out;
    }

    /** The largest number of servers answering read_only=0 at the same moment (1 when all is well). */
    public static int maxWritableAtOnce(List<Sample.Server> samples, long staleMs) {
        List<Sample.Server> s = new ArrayList<>(samples);
        s.sort(Comparator.comparingLong(Sample.Server::timeMs));
        Map<String, Sample.Server> latest = new HashMap<>();
        int max = 0;
        for (Sample.Server x : s) {
            latest.put(x.node(), x);
            int w = (int) latest.values().stream().filter(v -> v.writable() && x.timeMs() - v.timeMs() <= staleMs).count();
            max = Math.max(max, w);
        }
        return max;
    }

    /**
     * Whether a moment is proven: some instant at which two servers were each certainly writable, i.e. on
     * a writable answer or between two consecutive writable answers of that server. Otherwise the two
     * answers only met at the edge of a sampling interval (one server's last writable answer came before the
     * other's first, and its next answer said read-only): with sampling every interval, that cannot tell
     * a real overlap from a hand-over that took less than one interval.
     */
    public static boolean proven(Moment m, List<Sample.Server> samples, long staleMs) {
        Map<String, List<long[]>> sure = new HashMap<>();
        for (String node : m.nodes()) {
            List<Sample.Server> mine = samples.stream().filter(x -> x.node().equals(node)
                    && x.timeMs() >= m.startMs() - staleMs && x.timeMs() <= m.endMs() + staleMs)
                    .sorted(Comparator.comparingLong(Sample.Server::timeMs)).toList();
            List<long[]> spans = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) {
                if (!mine.get(i).writable()) {
                    continue;
                }
                long end = mine.get(i).timeMs();
                if (i + 1 < mine.size() && mine.get(i + 1).writable()) {
                    end = mine.get(i + 1).timeMs();
                }
                spans.add(new long[] {mine.get(i).timeMs(), end});
            }
            sure.put(node, spans);
        }
        List<String> nodes = new ArrayList<>(m.nodes());
        for (int a = 0; a < nodes.size(); a++) {
            for (int b = a + 1; b < nodes.size(); b++) {
                for (long[] x : sure.get(nodes.get(a))) {
                    for (long[] y : sure.get(nodes.get(b))) {
                        if (x[0] <= y[1] && y[0] <= x[1]) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /**
     * Two writable servers at once: invalid for a proven moment; unknown when the only moments are at the
     * edge of a sampling interval (see {@link #proven}).
     */
    public static Verdict splitBrain(List<Sample.Server> samples, long staleMs, long fromMs, long toMs) {
        List<Sample.Server> in = samples.stream().filter(x -> x.timeMs() >= fromMs && x.timeMs() < toMs).toList();
        if (in.isEmpty()) {
            return Verdict.unknown(SPLIT_BRAIN, "no server samples");
        }
        List<Moment> all = writableMoments(in, staleMs);
        List<Moment> m = all.stream().filter(x -> proven(x, in, staleMs)).toList();
        List<Moment> edge = all.stream().filter(x -> !m.contains(x)).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("samples", in.size());
        data.put("moments", m.size());
        data.put("edge_moments", edge.size());
        data.put("evidence", all.stream().limit(10).map(x -> Map.of("start_ms", x.startMs(), "ms", x.millis(),
                "nodes", List.copyOf(x.nodes()), "proven", m.contains(x))).toList());
        if (!m.isEmpty()) {
            return Verdict.invalid(SPLIT_BRAIN, m.size() + " moment(s) with two writable servers, first "
                    + m.get(0).nodes() + " for " + m.get(0).millis() + " ms at " + m.get(0).startMs(), data);
        }
        if (!edge.isEmpty()) {
            return new Verdict(SPLIT_BRAIN, Verdict.Status.UNKNOWN, edge.size() + " hand-over(s) where two servers' "
                    + "writable answers met within one sampling interval, first " + edge.get(0).nodes() + " at "
                    + edge.get(0).startMs() + ": no proven overlap", data);
        }
        return Verdict.valid(SPLIT_BRAIN, in.size() + " samples, never two servers with read_only=0", data);
    }

    /**
     * The writer VIP is never on two nodes at once, and after convergence it is on the promoted node, which
     * is the only writable server.
     */
    public static Verdict writerVip(List<Sample.Vips> vips, CrmMon finalView, List<String> finalWritable,
            List<String> finalHolders) {
        List<Sample.Vips> twice = vips.stream().filter(v -> v.writer().size() > 1).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("samples", vips.size());
        data.put("samples_on_two_nodes", twice.size());
        data.put("final_holders", finalHolders);
        data.put("final_writable", finalWritable);
        if (!twice.isEmpty()) {
            Sample.Vips f = twice.get(0);
            data.put("first_double_ms", f.timeMs());
            return Verdict.invalid(WRITER_VIP, "writer VIP on " + f.writer() + " at once (" + twice.size()
                    + " samples, first at " + f.timeMs() + ")", data);
        }
        if (finalView == null) {
            return Verdict.unknown(WRITER_VIP, "no final cluster view");
        }
        List<String> p = finalView.promoted();
        data.put("final_promoted", p);
        if (p.size() == 1 && finalHolders.equals(p) && finalWritable.equals(p)) {
            return Verdict.valid(WRITER_VIP, "never on two nodes; finally on " + p.get(0)
                    + ", the promoted and only writable server", data);
        }
        return Verdict.invalid(WRITER_VIP, "after convergence: writer VIP on " + finalHolders + ", promoted " + p
                + ", writable " + finalWritable, data);
    }

    /**
     * The reader VIP stays on a readable replica (read_only, replicating): a spell on anything else longer
     * than graceMs (the monitor interval plus a move) is invalid, and after convergence it must be on one.
     */
    public static Verdict readerVip(List<Sample.Vips> vips, List<Sample.Server> servers, long staleMs, long graceMs,
            Optional<String> finalHolder, Set<String> finalReadable) {
        List<Object> spells = new ArrayList<>();
        long badSince = -1;
        String badNode = null;
        long worst = 0;
        List<Sample.Server> sorted = new ArrayList<>(servers);
        sorted.sort(Comparator.comparingLong(Sample.Server::timeMs));
        List<Sample.Vips> vs = new ArrayList<>(vips);
        vs.sort(Comparator.comparingLong(Sample.Vips::timeMs));
        int idx = 0;
        Map<String, Sample.Server> latest = new HashMap<>();
        for (Sample.Vips v : vs) {
            while (idx < sorted.size() && sorted.get(idx).timeMs() <= v.timeMs()) {
                latest.put(sorted.get(idx).node(), sorted.get(idx));
                idx++;
            }
            boolean bad = false;
            String why = null;
            if (v.reader().size() > 1) {
                bad = true;
                why = "on " + v.reader();
            } else if (v.reader().size() == 1) {
                Sample.Server s = latest.get(v.reader().get(0));
                if (s != null && v.timeMs() - s.timeMs() <= staleMs && s.readOnly() != null
                        && !(s.readOnly() && Boolean.TRUE.equals(s.replicating()))) {
                    bad = true;
                    why = "on " + s.node() + (s.readOnly() ? " (not replicating)" : " (writable)");
                }
            }
            if (bad && badSince < 0) {
                badSince = v.timeMs();
                badNode = why;
            } else if (!bad && badSince >= 0) {
                long d = v.timeMs() - badSince;
                worst = Math.max(worst, d);
                spells.add(Map.of("start_ms", badSince, "ms", d, "where", badNode));
                badSince = -1;
            }
        }
        if (badSince >= 0 && !vs.isEmpty()) {
            long d = vs.get(vs.size() - 1).timeMs() - badSince;
            worst = Math.max(worst, d);
            spells.add(Map.of("start_ms", badSince, "ms", d, "where", badNode, "open", true));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("spells_on_unreadable", spells.stream().limit(10).toList());
        data.put("longest_ms", worst);
        data.put("final_holder", finalHolder.orElse(null));
        data.put("final_readable", List.copyOf(finalReadable));
        if (worst > graceMs) {
            return Verdict.invalid(READER_VIP, "reader VIP on a server that was not a readable replica for "
                    + worst + " ms (grace " + graceMs + " ms): " + spells.get(0), data);
        }
        if (finalHolder.isEmpty() || !finalReadable.contains(finalHolder.get())) {
            return Verdict.invalid(READER_VIP, "after convergence the reader VIP is on " + finalHolder.orElse("no node")
                    + "; readable replicas: " + finalReadable, data);
        }
        return Verdict.valid(READER_VIP, "on readable replicas (longest other spell " + worst + " ms), finally on "
                + finalHolder.get(), data);
    }

    /** Every node's CHECKSUM TABLE equal after healing. checksums: node -> value, null where it could not be read. */
    public static Verdict dataConverges(Map<String, String> checksums) {
        Map<String, Object> data = new LinkedHashMap<>(checksums);
        if (checksums.isEmpty() || checksums.values().stream().anyMatch(java.util.Objects::isNull)) {
            return new Verdict(DATA, Verdict.Status.UNKNOWN, "not every node answered: " + checksums, data);
        }
        Set<String> distinct = new LinkedHashSet<>(checksums.values());
        return distinct.size() == 1 ? Verdict.valid(DATA, checksums.size() + " nodes, checksum " + distinct.iterator().next(), data)
                : Verdict.invalid(DATA, "checksums differ: " + checksums, data);
    }

    public static Verdict clusterConverges(long convergedAfterMs, long boundMs, List<String> stillWrong,
            List<String> actions) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("converged_after_ms", convergedAfterMs);
        data.put("bound_ms", boundMs);
        data.put("operator_actions", actions);
        if (convergedAfterMs >= 0 && convergedAfterMs <= boundMs) {
            return Verdict.valid(CLUSTER, "one promoted, all online, no failed actions " + convergedAfterMs
                    + " ms after healing" + (actions.isEmpty() ? "" : " (after " + String.join("; ", actions) + ")"), data);
        }
        data.put("not_converged", stillWrong);
        return Verdict.invalid(CLUSTER, "not converged within " + boundMs + " ms: " + stillWrong, data);
    }

    /**
     * Without --operator: the cluster healed by itself, or an operator acted only where the agent refused a
     * node with a reason. An operator action the agent did not ask for means the cluster waited for a human
     * it did not need: invalid.
     */
    public static Verdict healsWithoutOperator(List<String> actions, List<String> unrequested, Map<String, String> refusals) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("operator_actions", actions);
        data.put("refusals", refusals);
        data.put("unrequested", unrequested);
        if (!unrequested.isEmpty()) {
            return Verdict.invalid(NO_OPERATOR, "an operator was needed without a refusal from the agent: "
                    + String.join("; ", unrequested), data);
        }
        return Verdict.valid(NO_OPERATOR, actions.isEmpty() ? "healed with no operator action"
                : actions.size() + " operator action(s), each after a refusal: " + refusals, data);
    }

    /**
     * The planned switchover: {@code mysqlha switchover} said ok and the role is on its target afterwards.
     * A refusal is not a safety failure (the command changed nothing), but the fault was not injected and the
     * failover figures say nothing: unknown, with the refusal as the evidence (a refusal on a healthy lab is a
     * defect to look at). {@code measured}: the command's RESULT pairs; {@code output}: what it printed.
     */
    public static Verdict switchoverDone(String before, String target, String after, Map<String, String> measured,
                                         String output) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("before", before);
        data.put("target", target);
        data.put("after", after);
        data.put("command", measured);
        String status = measured.getOrDefault("switchover", "none");
        if (status.equals("refused")) {
            String why = output.lines().filter(l -> l.startsWith("switchover refused") || l.startsWith("  - "))
                    .map(String::strip).reduce((a, b) -> a + " " + b).orElse("no reason printed");
            return new Verdict(SWITCHOVER, Verdict.Status.UNKNOWN, "not injected: " + why, data);
        }
        if (!status.equals("ok")) {
            return Verdict.invalid(SWITCHOVER, "mysqlha switchover ended " + status + " (" + before + " -> " + target
                    + "), the primary is " + (after == null ? "none" : after), data);
        }
        if (after == null || !after.equals(target)) {
            return Verdict.invalid(SWITCHOVER, "mysqlha switchover said ok but the primary is "
                    + (after == null ? "none" : after) + ", not " + target, data);
        }
        return Verdict.valid(SWITCHOVER, before + " -> " + target + ", pause " + measured.getOrDefault("pause_s", "?")
                + " s as the command measured it", data);
    }

    /**
     * A fault the primary must ride out (the arbitrator lost: its own vote and the other HA node's keep the
     * partition quorate): the same node promoted after as before, and writes acknowledged all along, never a
     * stretch of more than maxGapMs without one between the fault and its heal.
     */
    public static Verdict primaryKept(String before, String after, double longestGapS, long maxGapMs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("before", before);
        data.put("after", after);
        data.put("longest_write_gap_s", longestGapS);
        if (after == null || !after.equals(before)) {
            return Verdict.invalid(PRIMARY_KEPT, "the primary was " + before + " before the fault and is "
                    + (after == null ? "none" : after) + " after it", data);
        }
        if (longestGapS * 1000 > maxGapMs) {
            return Verdict.invalid(PRIMARY_KEPT, String.format(java.util.Locale.ROOT,
                    "%s kept the primary but writes stopped for %.2f s while the fault was held", before, longestGapS), data);
        }
        return Verdict.valid(PRIMARY_KEPT, String.format(java.util.Locale.ROOT,
                "%s kept the primary; longest stretch without an acknowledged write %.2f s", before, longestGapS), data);
    }

    /**
     * Fault -> first acknowledged write invoked after it (seconds), or NaN when none within the window.
     */
    public static double failoverSeconds(List<Op> ops, long faultMs) {
        return failoverSeconds(ops, faultMs, null);
    }

    /**
     * The same, counting only writes acknowledged by a server other than oldPrimary (when the primary moved:
     * an old primary that still answers for a while, e.g. with its datadir gone, is not a failover).
     */
    public static double failoverSeconds(List<Op> ops, long faultMs, String oldPrimary) {
        // Without a change of primary, the outage starts with the first write after the fault that was not
        // acknowledged (a server that stalls a moment later, e.g. on a full disk), and ends with the next
        // acknowledged one; no such write: no outage.
        long from = faultMs;
        if (oldPrimary == null) {
            from = ops.stream().filter(o -> o.f() == Op.Kind.WRITE && o.invokeMs() >= faultMs && o.type() != Op.Type.OK)
                    .mapToLong(Op::invokeMs).min().orElse(faultMs);
        }
        long start = from;
        return ops.stream().filter(o -> o.isAckedWrite() && o.invokeMs() >= start)
                .filter(o -> oldPrimary == null || !oldPrimary.equals(o.server()))
                .mapToLong(Op::completeMs).min().stream().mapToDouble(t -> (t - faultMs) / 1000.0).findFirst()
                .orElse(Double.NaN);
    }

    /**
     * The write pause of a move of the primary as the writers felt it: from the last write oldPrimary
     * acknowledged to the first write another server acknowledged after the fault (seconds; NaN when no
     * other server acknowledged one, or the old primary none).
     */
    public static double writePause(List<Op> ops, long faultMs, String oldPrimary) {
        if (oldPrimary == null) {
            return Double.NaN;
        }
        long firstNew = ops.stream().filter(o -> o.isAckedWrite() && o.invokeMs() >= faultMs && o.server() != null
                && !oldPrimary.equals(o.server())).mapToLong(Op::completeMs).min().orElse(-1);
        if (firstNew < 0) {
            return Double.NaN;
        }
        long lastOld = ops.stream().filter(o -> o.isAckedWrite() && oldPrimary.equals(o.server())
                && o.completeMs() <= firstNew).mapToLong(Op::completeMs).max().orElse(-1);
        return lastOld < 0 ? Double.NaN : (firstNew - lastOld) / 1000.0;
    }

    /** The longest stretch without an acknowledged write between fromMs and toMs (seconds). */
    public static double longestWriteGap(List<Op> ops, long fromMs, long toMs) {
        List<Long> acks = ops.stream().filter(Op::isAckedWrite).map(Op::completeMs)
                .filter(t -> t >= fromMs && t <= toMs).sorted().toList();
        long prev = fromMs;
        long worst = 0;
        for (long t : acks) {
            worst = Math.max(worst, t - prev);
            prev = t;
        }
        worst = Math.max(worst, toMs - prev);
        return worst / 1000.0;
    }

    public static Verdict failover(Fault fault, double seconds, long boundMs, boolean hadAcksBefore) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("failover_s", Double.isNaN(seconds) ? null : seconds);
        if (!hadAcksBefore) {
            return Verdict.unknown(FAILOVER, "no acknowledged write before the fault: nothing to compare with");
        }
        if (Double.isNaN(seconds) || seconds * 1000 > boundMs) {
            return Verdict.invalid(FAILOVER, "no acknowledged write within " + boundMs / 1000 + " s of the fault", data);
        }
        return Verdict.valid(FAILOVER, String.format(java.util.Locale.ROOT, "first acknowledged write %.2f s after %s",
                seconds, fault.id), data);
    }

    /** Keys read back: the rows of {@code SELECT k, COUNT(*) ... GROUP BY k}. */
    public static Map<Long, Integer> presentKeys(List<long[]> rows) {
        Map<Long, Integer> m = new HashMap<>();
        for (long[] r : rows) {
            m.put(r[0], (int) r[1]);
        }
        return m;
    }

    /** Distinct set of nodes helper for evidence. */
    static Set<String> set(List<String> l) {
        return new HashSet<>(l);
    }
}
