package io.mysqlha.rt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkers on hand-made histories: each must be able to say valid, invalid and unknown. */
class CheckersTest {
    static Op w(long key, Op.Type t, long invoke, long complete) {
        return new Op(1, "w0", Op.Kind.WRITE, key, t, invoke, complete, t == Op.Type.OK ? "node1" : null, null);
    }

    static Sample.Server s(long t, String node, Boolean ro) {
        return new Sample.Server(t, node, ro, ro != null && ro, 1);
    }

    @Test
    void lostWrites() {
        List<Op> ops = List.of(w(1, Op.Type.OK, 0, 5), w(2, Op.Type.OK, 10, 15), w(3, Op.Type.INFO, 20, 3020),
                w(4, Op.Type.FAIL, 30, 31));
        assertEquals(Verdict.Status.VALID, Checkers.lostWrites(ops, Map.of(1L, 1, 2L, 1)).status());
        assertEquals(Verdict.Status.VALID, Checkers.lostWrites(ops, Map.of(1L, 1, 2L, 1, 3L, 1)).status(),
                "an unknown-outcome write may be there");
        Verdict lost = Checkers.lostWrites(ops, Map.of(1L, 1));
        assertEquals(Verdict.Status.INVALID, lost.status());
        assertEquals(List.of(2L), lost.data().get("lost_keys"));
        assertEquals(Verdict.Status.UNKNOWN, Checkers.lostWrites(ops, null).status());
    }

    @Test
    void duplicatesPhantomsAndFailedWritesThatHappened() {
        List<Op> ops = List.of(w(1, Op.Type.OK, 0, 5), w(2, Op.Type.INFO, 10, 15), w(3, Op.Type.FAIL, 20, 21));
        assertEquals(Verdict.Status.VALID, Checkers.duplicates(ops, Map.of(1L, 1, 2L, 1)).status());
        assertEquals(Verdict.Status.INVALID, Checkers.duplicates(ops, Map.of(1L, 2)).status(), "applied twice");
        assertEquals(Verdict.Status.INVALID, Checkers.duplicates(ops, Map.of(1L, 1, 9L, 1)).status(), "never written");
        assertEquals(Verdict.Status.INVALID, Checkers.duplicates(ops, Map.of(1L, 1, 3L, 1)).status(),
                "reported failed, yet there");
        assertEquals(Verdict.Status.UNKNOWN, Checkers.duplicates(ops, null).status());
    }

    @Test
    void twoWritableServersAtOnceIsAMoment() {
        List<Sample.Server> ok = List.of(s(0, "node1", false), s(0, "node2", true), s(200, "node1", false),
                s(200, "node2", true), s(400, "node1", null), s(400, "node2", true), s(600, "node2", false),
                s(800, "node2", false));
        assertEquals(Verdict.Status.VALID, Checkers.splitBrain(ok, 600, 0, 1000).status(),
                "node1 stopped answering at 400: its read_only=0 from 200 is stale by 800");
        List<Sample.Server> bad = List.of(s(0, "node1", false), s(0, "node2", true), s(200, "node1", false),
                s(200, "node2", false), s(400, "node1", false), s(400, "node2", false), s(600, "node1", true),
                s(600, "node2", false));
        List<Checkers.Moment> m = Checkers.writableMoments(bad, 600);
        assertEquals(1, m.size());
        assertEquals(Set.of("node1", "node2"), m.get(0).nodes());
        assertEquals(200, m.get(0).startMs());
        assertEquals(600, m.get(0).endMs());
        Verdict v = Checkers.splitBrain(bad, 600, 0, 1000);
        assertEquals(Verdict.Status.INVALID, v.status());
        assertEquals(1, v.data().get("moments"));
        assertEquals(Verdict.Status.UNKNOWN, Checkers.splitBrain(List.of(), 600, 0, 1000).status());
    }

    @Test
    void aHandOverWithinOneSampleIntervalIsNotProven() {
        // node1's last writable answer at 0, read-only at 200; node2's first writable answer at 100
        List<Sample.Server> edge = List.of(s(0, "node1", false), s(0, "node2", true), s(100, "node2", false),
                s(200, "node1", true), s(300, "node2", false));
        assertEquals(1, Checkers.writableMoments(edge, 600).size());
        Verdict v = Checkers.splitBrain(edge, 600, 0, 1000);
        assertEquals(Verdict.Status.UNKNOWN, v.status(), v.toString());
        assertEquals(0, v.data().get("moments"));
        assertEquals(1, v.data().get("edge_moments"));
    }

    @Test
    void staleWritableAnswerDoesNotCount() {
        // node1 answered read_only=0 long ago, then nothing (powered off); node2 is promoted later
        List<Sample.Server> samples = List.of(s(0, "node1", false), s(5000, "node2", false), s(5200, "node2", false));
        assertTrue(Checkers.writableMoments(samples, 600).isEmpty());
    }

    @Test
    void writerVip() {
        CrmMon view = new CrmMon(true, List.of("node1", "node2"), List.of(),
                List.of(new CrmMon.Instance("Promoted", "node2", false), new CrmMon.Instance("Unpromoted", "node1", false)),
                Optional.of("node2"), Optional.empty(), List.of());
        List<Sample.Vips> once = List.of(new Sample.Vips(0, List.of("node1"), List.of(), List.of()),
                new Sample.Vips(400, List.of(), List.of(), List.of()), new Sample.Vips(800, List.of("node2"), List.of(), List.of()));
        assertEquals(Verdict.Status.VALID, Checkers.writerVip(once, view, List.of("node2"), List.of("node2")).status());
        List<Sample.Vips> twice = new ArrayList<>(once);
        twice.add(new Sample.Vips(900, List.of("node1", "node2"), List.of(), List.of()));
        assertEquals(Verdict.Status.INVALID, Checkers.writerVip(twice, view, List.of("node2"), List.of("node2")).status());
        assertEquals(Verdict.Status.INVALID, Checkers.writerVip(once, view, List.of("node1", "node2"), List.of("node2")).status(),
                "a second writable server after convergence");
        assertEquals(Verdict.Status.INVALID, Checkers.writerVip(once, view, List.of("node2"), List.of("node1")).status());
        assertEquals(Verdict.Status.UNKNOWN, Checkers.writerVip(once, null, List.of(), List.of()).status());
    }

    @Test
    void readerVipMayNotStayOnAnUnreadableServer() {
        List<Sample.Server> servers = List.of(new Sample.Server(0, "node3", true, false, 0),
                new Sample.Server(0, "node2", true, true, 0));
        List<Sample.Vips> onLagging = List.of(new Sample.Vips(100, List.of(), List.of("node3"), List.of()),
                new Sample.Vips(30_100, List.of(), List.of("node3"), List.of()));
        List<Sample.Server> fresh = new ArrayList<>(servers);
        fresh.add(new Sample.Server(30_000, "node3", true, false, 0));
        Verdict v = Checkers.readerVip(onLagging, fresh, 600, 15_000, Optional.of("node3"), Set.of("node2"));
        assertEquals(Verdict.Status.INVALID, v.status());
        List<Sample.Vips> moved = List.of(new Sample.Vips(100, List.of(), List.of("node3"), List.of()),
                new Sample.Vips(5_000, List.of(), List.of("node2"), List.of()));
        assertEquals(Verdict.Status.VALID,
                Checkers.readerVip(moved, servers, 600, 15_000, Optional.of("node2"), Set.of("node2")).status());
    }

    @Test
    void dataAndClusterConvergence() {
        assertEquals(Verdict.Status.VALID, Checkers.dataConverges(Map.of("a", "1", "b", "1")).status());
        assertEquals(Verdict.Status.INVALID, Checkers.dataConverges(Map.of("a", "1", "b", "2")).status());
        Map<String, String> missing = new java.util.HashMap<>(Map.of("a", "1"));
        missing.put("b", null);
        assertEquals(Verdict.Status.UNKNOWN, Checkers.dataConverges(missing).status());
        assertEquals(Verdict.Status.VALID, Checkers.clusterConverges(5000, 60_000, List.of(), List.of()).status());
        assertEquals(Verdict.Status.INVALID, Checkers.clusterConverges(-1, 60_000, List.of("node3 offline"), List.of()).status());
    }

    @Test
    void failoverIsFaultToFirstAcknowledgedWriteInvokedAfterIt() {
        List<Op> ops = List.of(w(1, Op.Type.OK, 900, 1100), // invoked before the fault: does not count
                w(2, Op.Type.FAIL, 1200, 1300), w(3, Op.Type.INFO, 1400, 4400), w(4, Op.Type.OK, 4500, 5250));
        assertEquals(4.25, Checkers.failoverSeconds(ops, 1000), 1e-9);
        assertTrue(Double.isNaN(Checkers.failoverSeconds(List.of(w(1, Op.Type.FAIL, 2000, 2001)), 1000)));
        List<Op> oldStillAnswers = List.of(w(1, Op.Type.OK, 1200, 1250), // node1: the old primary, datadir gone
                new Op(1, "w0", Op.Kind.WRITE, 2, Op.Type.OK, 6000, 6100, "node2", null));
        assertEquals(5.1, Checkers.failoverSeconds(oldStillAnswers, 1000, "node1"), 1e-9);
        List<Op> stallsLater = List.of(w(1, Op.Type.OK, 1010, 1020), w(2, Op.Type.INFO, 1100, 4100),
                w(3, Op.Type.OK, 9000, 9500));
        assertEquals(8.5, Checkers.failoverSeconds(stallsLater, 1000), 1e-9, "the outage that followed the fault");
        assertEquals(Verdict.Status.VALID, Checkers.failover(Fault.KILL_PRIMARY_MYSQLD, 4.25, 60_000, true).status());
        assertEquals(Verdict.Status.INVALID, Checkers.failover(Fault.KILL_PRIMARY_MYSQLD, Double.NaN, 60_000, true).status());
        assertEquals(Verdict.Status.UNKNOWN, Checkers.failover(Fault.KILL_PRIMARY_MYSQLD, 1, 60_000, false).status());
        assertEquals(4.15, Checkers.longestWriteGap(ops, 1000, 6000), 1e-9);
    }

    @Test
    void percentiles() {
        List<Double> v = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
        assertEquals(3.0, Stats.percentile(v, 50));
        assertEquals(5.0, Stats.percentile(v, 99));
        assertEquals(3.0, Stats.median(v));
        assertEquals(2.5, Stats.median(List.of(1.0, 2.0, 3.0, 4.0)));
        assertTrue(Double.isNaN(Stats.percentile(List.of(), 50)));
        assertEquals("none", Stats.fmt(Double.NaN));
    }
}
