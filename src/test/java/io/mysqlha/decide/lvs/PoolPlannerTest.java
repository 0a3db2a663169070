package io.mysqlha.decide.lvs;

import static io.mysqlha.decide.lvs.Health.DOWN;
import static io.mysqlha.decide.lvs.Health.READABLE;
import static io.mysqlha.decide.lvs.Health.UNREADABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.Forwarding;
import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.IpvsadmOutput;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PoolPlannerTest {
    static final ServiceId VIP = ServiceId.tcp("10.0.0.1:3306");
    static final PoolSpec SPEC = new PoolSpec(VirtualService.of(VIP, "wrr"), Forwarding.DIRECT_ROUTE,
            PrimaryPolicy.NEVER, 3, Duration.ofSeconds(60));
    static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    static final Endpoint E1 = Endpoint.parse("10.0.0.11:3306");
    static final Endpoint E2 = Endpoint.parse("10.0.0.12:3306");
    static final Endpoint E3 = Endpoint.parse("10.0.0.13:3306");

    static List<Member> cluster(Health node2, Health node3) {
        return List.of(Member.primary("node1", E1, READABLE), Member.replica("node2", E2, node2),
                Member.replica("node3", E3, node3));
    }

    static IpvsTable table(String save) {
        return IpvsadmOutput.parseSave(save);
    }

    /** The table with these active-connection counts (as ipvsadm -L -n would show them). */
    static IpvsTable withActive(IpvsTable t, Map<Endpoint, Long> active) {
        List<IpvsTable.Entry> out = new ArrayList<>();
        for (IpvsTable.Entry e : t.services()) {
            out.add(new IpvsTable.Entry(e.service(), e.realServers().stream()
                    .map(r -> r.withConnections(new RealServer.Connections(active.getOrDefault(r.endpoint(), 0L), 0)))
                    .toList()));
        }
        return new IpvsTable(out);
    }

    static List<String> described(PoolPlan p) {
        return p.changes().stream().map(IpvsChange::describe).toList();
    }

    static List<String> args(PoolPlan p) {
        return p.changes().stream().map(c -> String.join(" ", c.ipvsadmArgs())).toList();
    }

    static List<Endpoint> pool(PoolPlan p) {
        return p.pool().stream().map(RealServer::endpoint).toList();
    }

    @Test
    void freshStartCreatesServiceAndAddsReadableReplicas() {
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(READABLE, READABLE), IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals(List.of(
                "-A -t 10.0.0.1:3306 -s wrr",
                "-a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1",
                "-a -t 10.0.0.1:3306 -r 10.0.0.13:3306 -g -w 1"), args(p));
        assertEquals(List.of(E2, E3), pool(p));
        assertFalse(p.isEmptyPool());
        // Never seen unhealthy: counted as risen, so a fresh start fills the pool at once.
        assertEquals(Map.of("node1", 3, "node2", 3, "node3", 3), p.nextState().healthyStreaks());
        assertEquals(Map.of(), p.nextState().drainingSince());
        assertEquals("add real server 10.0.0.12:3306 to TCP 10.0.0.1:3306, dr, weight 1 (node2 readable)", described(p).get(1));
    }

    @Test
    void secondRunChangesNothing() {
        List<Member> members = cluster(READABLE, READABLE);
        PoolPlan first = PoolPlanner.plan(SPEC, members, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        IpvsTable after = TableEdits.apply(IpvsTable.EMPTY, first.changes());
        PoolPlan second = PoolPlanner.plan(SPEC, members, after, first.nextState(), T0.plusSeconds(10));
        assertTrue(second.isNoop(), described(second).toString());
        assertEquals(first.pool(), second.pool());
        assertEquals(first.nextState(), second.nextState());
        PoolPlan third = PoolPlanner.plan(SPEC, members, after, second.nextState(), T0.plusSeconds(20));
        assertTrue(third.isNoop());
    }

    @Test
    void tableChangedBehindOurBackIsRepaired() {
        // Scheduler changed, node2 re-weighted, node3 switched to NAT, a stranger added; another
        // service on the same director must stay as it is.
        IpvsTable tampered = withActive(table("""
                -A -t 10.0.0.1:80 -s rr
                -a -t 10.0.0.1:80 -r 10.0.0.50:80 -m -w 1
                -A -t 10.0.0.1:3306 -s rr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 5
                -a -t 10.0.0.1:3306 -r 10.0.0.13:3306 -m -w 1
                -a -t 10.0.0.1:3306 -r 10.0.0.99:3306 -g -w 1
                """), Map.of());
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(READABLE, READABLE), tampered, PoolState.EMPTY, T0);
        assertEquals(List.of(
                "-E -t 10.0.0.1:3306 -s wrr",
                "-e -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1",
                "-e -t 10.0.0.1:3306 -r 10.0.0.13:3306 -g -w 1",
                "-d -t 10.0.0.1:3306 -r 10.0.0.99:3306"), args(p));
        assertEquals(List.of(
                "edit virtual service TCP 10.0.0.1:3306: scheduler rr -> wrr (configuration differs from the resource's)",
                "edit real server 10.0.0.12:3306 of TCP 10.0.0.1:3306: weight 5 -> 1 (node2 readable: table differs from the resource's)",
                "edit real server 10.0.0.13:3306 of TCP 10.0.0.1:3306: forwarding nat -> dr (node3 readable: table differs from the resource's)",
                "remove real server 10.0.0.99:3306 from TCP 10.0.0.1:3306 (not a member of the pool; no active connections)"),
                described(p));
        IpvsTable repaired = TableEdits.apply(tampered, p.changes());
        assertEquals(tampered.find(ServiceId.tcp("10.0.0.1:80")), repaired.find(ServiceId.tcp("10.0.0.1:80")));
        assertTrue(PoolPlanner.plan(SPEC, cluster(READABLE, READABLE), repaired, p.nextState(), T0).isNoop());
    }

    @Test
    void missingServiceIsRecreatedWithItsPool() {
        List<Member> members = cluster(READABLE, READABLE);
        PoolPlan first = PoolPlanner.plan(SPEC, members, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        // Someone ran ipvsadm -D (or -C) and added another service.
        IpvsTable other = table("-A -t 10.0.0.1:80 -s rr\n");
        PoolPlan p = PoolPlanner.plan(SPEC, members, other, first.nextState(), T0.plusSeconds(10));
        assertEquals(List.of(
                "-A -t 10.0.0.1:3306 -s wrr",
                "-a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1",
                "-a -t 10.0.0.1:3306 -r 10.0.0.13:3306 -g -w 1"), args(p));
        assertTrue(described(p).get(0).endsWith("(not in the IPVS table)"));
        IpvsTable after = TableEdits.apply(other, p.changes());
        assertTrue(after.find(ServiceId.tcp("10.0.0.1:80")).isPresent());
        assertTrue(PoolPlanner.plan(SPEC, members, after, p.nextState(), T0.plusSeconds(20)).isNoop());
    }

    @Test
    void missingServiceForgetsDrains() {
        PoolState draining = new PoolState(Map.of("node2", 0), Map.of(E2, T0));
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(UNREADABLE, READABLE), IpvsTable.EMPTY, draining, T0.plusSeconds(5));
        assertEquals(Map.of(), p.nextState().drainingSince());
        assertEquals(List.of(E3), pool(p));
    }

    @Test
    void flappingReplicaIsDamped() {
        Health[] seen = {READABLE, UNREADABLE, READABLE, UNREADABLE, READABLE, READABLE, READABLE, READABLE, DOWN, READABLE};
        boolean[] inPool = {true, false, false, false, false, false, true, true, false, false};
        int[] streak = {3, 0, 1, 0, 1, 2, 3, 3, 0, 1};
        IpvsTable t = IpvsTable.EMPTY;
        PoolState state = PoolState.EMPTY;
        Instant now = T0;
        for (int i = 0; i < seen.length; i++) {
            PoolPlan p = PoolPlanner.plan(SPEC, cluster(seen[i], READABLE), t, state, now);
            t = withActive(TableEdits.apply(t, p.changes()), Map.of());
            state = p.nextState();
            assertEquals(inPool[i], pool(p).contains(E2), "monitor " + i);
            assertEquals(streak[i], state.healthyStreaks().get("node2"), "monitor " + i);
            boolean inTable = t.find(VIP).orElseThrow().find(E2).map(r -> r.weight() > 0).orElse(false);
            assertEquals(inPool[i], inTable, "monitor " + i);
            if (seen[i] == READABLE && !inPool[i]) {
                assertTrue(p.notes().contains("node2 readable " + streak[i] + " of 3 monitors in a row: not back in the pool yet"),
                        p.notes().toString());
            }
            assertTrue(pool(p).contains(E3));
            now = now.plusSeconds(10);
        }
    }

    @Test
    void riseOfOneReAddsAtOnce() {
        PoolSpec eager = new PoolSpec(SPEC.service(), SPEC.forwarding(), PrimaryPolicy.NEVER, 1, SPEC.drainTimeout());
        PoolState wasDown = new PoolState(Map.of("node2", 0), Map.of());
        PoolPlan p = PoolPlanner.plan(eager, cluster(READABLE, READABLE), IpvsTable.EMPTY, wasDown, T0);
        assertEquals(List.of(E2, E3), pool(p));
    }

    @Test
    void emptyPoolIsReportedAndTheServiceKept() {
        IpvsTable t = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1
                -a -t 10.0.0.1:3306 -r 10.0.0.13:3306 -g -w 1
                """), Map.of());
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), t, PoolState.EMPTY, T0);
        assertTrue(p.isEmptyPool());
        assertEquals(List.of(
                "-d -t 10.0.0.1:3306 -r 10.0.0.12:3306",
                "-d -t 10.0.0.1:3306 -r 10.0.0.13:3306"), args(p));
        assertEquals(List.of(
                "remove real server 10.0.0.12:3306 from TCP 10.0.0.1:3306 (node2 not readable; no active connections)",
                "remove real server 10.0.0.13:3306 from TCP 10.0.0.1:3306 (node3 down)"), described(p));
        assertTrue(p.notes().contains("the read pool of TCP 10.0.0.1:3306 is empty: no member may serve reads"), p.notes().toString());
        IpvsTable after = TableEdits.apply(t, p.changes());
        assertTrue(after.find(VIP).orElseThrow().realServers().isEmpty());

        PoolPlan again = PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), after, p.nextState(), T0.plusSeconds(10));
        assertTrue(again.isNoop());
        assertTrue(again.isEmptyPool());
        assertTrue(PoolPlanner.plan(SPEC, List.of(), IpvsTable.EMPTY, PoolState.EMPTY, T0).isEmptyPool());
    }

    @Test
    void primaryPolicies() {
        List<Member> members = List.of(new Member("node1", E1, true, READABLE, 2), Member.replica("node2", E2, READABLE),
                Member.replica("node3", E3, UNREADABLE));
        PoolPlan never = PoolPlanner.plan(SPEC, members, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals(List.of(E2), pool(never));

        PoolPlan always = PoolPlanner.plan(with(PrimaryPolicy.ALWAYS), members, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals(List.of(E1, E2), pool(always));
        assertEquals(2, always.pool().get(0).weight());

        PoolPlan fallback = PoolPlanner.plan(with(PrimaryPolicy.FALLBACK), members, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals(List.of(E2), pool(fallback));

        List<Member> noReplica = List.of(members.get(0), members.get(1).withHealth(DOWN), members.get(2));
        PoolPlan alone = PoolPlanner.plan(with(PrimaryPolicy.FALLBACK), noReplica, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals(List.of(E1), pool(alone));
        assertTrue(alone.notes().contains("no replica readable: primary node1 serves reads as fallback"));
        assertTrue(PoolPlanner.plan(SPEC, noReplica, IpvsTable.EMPTY, PoolState.EMPTY, T0).isEmptyPool());

        // A primary that is not readable is not a fallback either.
        List<Member> nothing = List.of(members.get(0).withHealth(UNREADABLE), members.get(1).withHealth(DOWN));
        assertTrue(PoolPlanner.plan(with(PrimaryPolicy.FALLBACK), nothing, IpvsTable.EMPTY, PoolState.EMPTY, T0).isEmptyPool());
    }

    @Test
    void fallbackPrimaryLeavesWhenAReplicaIsBack() {
        PoolSpec spec = with(PrimaryPolicy.FALLBACK);
        List<Member> noReplica = cluster(DOWN, DOWN);
        PoolPlan alone = PoolPlanner.plan(spec, noReplica, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        IpvsTable t = withActive(TableEdits.apply(IpvsTable.EMPTY, alone.changes()), Map.of(E1, 4L));
        PoolState state = alone.nextState();
        // node2 comes back: it needs 3 readable monitors; until then the primary stays.
        for (int i = 1; i <= 2; i++) {
            PoolPlan p = PoolPlanner.plan(spec, cluster(READABLE, DOWN), t, state, T0.plusSeconds(10 * i));
            assertTrue(p.isNoop(), described(p).toString());
            assertEquals(List.of(E1), pool(p));
            state = p.nextState();
        }
        PoolPlan back = PoolPlanner.plan(spec, cluster(READABLE, DOWN), t, state, T0.plusSeconds(30));
        assertEquals(List.of(
                "add real server 10.0.0.12:3306 to TCP 10.0.0.1:3306, dr, weight 1 (node2 readable)",
                "drain real server 10.0.0.11:3306 of TCP 10.0.0.1:3306: weight 1 -> 0 "
                        + "(node1 is the primary (primary policy fallback); 4 active connections)"), described(back));
        assertTrue(((IpvsChange.EditServer) back.changes().get(1)).isDrain());
    }

    @Test
    void downMemberIsRemovedAtOnceEvenWithConnections() {
        IpvsTable t = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1
                -a -t 10.0.0.1:3306 -r 10.0.0.13:3306 -g -w 1
                """), Map.of(E2, 7L));
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(DOWN, READABLE), t, PoolState.EMPTY, T0);
        assertEquals(List.of("-d -t 10.0.0.1:3306 -r 10.0.0.12:3306"), args(p));
    }

    @Test
    void unreadableReplicaIsDrainedThenRemovedWhenItsConnectionsEnd() {
        IpvsTable t = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1
                -a -t 10.0.0.1:3306 -r 10.0.0.13:3306 -g -w 1
                """), Map.of(E2, 2L));
        PoolPlan drain = PoolPlanner.plan(SPEC, cluster(UNREADABLE, READABLE), t, PoolState.EMPTY, T0);
        assertEquals(List.of("-e -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 0"), args(drain));
        assertEquals("drain real server 10.0.0.12:3306 of TCP 10.0.0.1:3306: weight 1 -> 0 (node2 not readable; 2 active connections)",
                described(drain).get(0));
        assertEquals(Map.of(E2, T0), drain.nextState().drainingSince());
        assertEquals(List.of(E3), pool(drain));

        IpvsTable quiesced = withActive(TableEdits.apply(t, drain.changes()), Map.of(E2, 1L));
        PoolPlan wait = PoolPlanner.plan(SPEC, cluster(UNREADABLE, READABLE), quiesced, drain.nextState(), T0.plusSeconds(30));
        assertTrue(wait.isNoop());
        assertEquals(Map.of(E2, T0), wait.nextState().drainingSince());
        assertTrue(wait.notes().contains("draining 10.0.0.12:3306 (node2 not readable): 1 active connections, removed by 2024-05-01T12:01:00Z"),
                wait.notes().toString());

        IpvsTable idle = withActive(quiesced, Map.of());
        PoolPlan remove = PoolPlanner.plan(SPEC, cluster(UNREADABLE, READABLE), idle, wait.nextState(), T0.plusSeconds(40));
        assertEquals(List.of("-d -t 10.0.0.1:3306 -r 10.0.0.12:3306"), args(remove));
        assertEquals(Map.of(), remove.nextState().drainingSince());
    }

    @Test
    void drainEndsAtItsTimeoutWhateverTheConnections() {
        IpvsTable quiesced = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 0
                """), Map.of(E2, 5L));
        PoolState state = new PoolState(Map.of("node2", 0), Map.of(E2, T0));
        assertTrue(PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), quiesced, state, T0.plusSeconds(59)).isNoop());
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), quiesced, state, T0.plusSeconds(60));
        assertEquals(List.of("remove real server 10.0.0.12:3306 from TCP 10.0.0.1:3306 "
                + "(node2 not readable; drain timeout passed with 5 active connections)"), described(p));
    }

    @Test
    void reweightingADrainingServerDoesNotMoveItsDeadline() {
        IpvsTable reweighted = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 3
                """), Map.of(E2, 5L));
        PoolState state = new PoolState(Map.of("node2", 0), Map.of(E2, T0));
        PoolPlan again = PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), reweighted, state, T0.plusSeconds(30));
        assertEquals(List.of("-e -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 0"), args(again));
        assertEquals(Map.of(E2, T0), again.nextState().drainingSince());
    }

    @Test
    void withoutConnectionCountsADrainWaitsForItsTimeout() {
        IpvsTable saved = table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1
                """);
        PoolPlan drain = PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), saved, PoolState.EMPTY, T0);
        assertEquals("drain real server 10.0.0.12:3306 of TCP 10.0.0.1:3306: weight 1 -> 0 (node2 not readable; active connections unknown)",
                described(drain).get(0));
        IpvsTable quiesced = TableEdits.apply(saved, drain.changes());
        quiesced = IpvsadmOutput.parseSave(quiesced.toSaveFormat()); // counts unknown again
        assertTrue(PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), quiesced, drain.nextState(), T0.plusSeconds(59)).isNoop());
        assertEquals(List.of("-d -t 10.0.0.1:3306 -r 10.0.0.12:3306"),
                args(PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), quiesced, drain.nextState(), T0.plusSeconds(60))));
    }

    @Test
    void quiescedServerFoundWithoutStateStartsANewDrain() {
        IpvsTable t = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 0
                """), Map.of(E2, 1L));
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(UNREADABLE, DOWN), t, PoolState.EMPTY, T0);
        assertTrue(p.isNoop());
        assertEquals(Map.of(E2, T0), p.nextState().drainingSince());
    }

    @Test
    void drainingReplicaThatRecoversComesBackAfterRising() {
        IpvsTable quiesced = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 0
                -a -t 10.0.0.1:3306 -r 10.0.0.13:3306 -g -w 1
                """), Map.of(E2, 1L));
        PoolState state = new PoolState(Map.of("node1", 3, "node2", 0, "node3", 3), Map.of(E2, T0));
        PoolPlan p1 = PoolPlanner.plan(SPEC, cluster(READABLE, READABLE), quiesced, state, T0.plusSeconds(10));
        assertTrue(p1.isNoop());
        PoolPlan p2 = PoolPlanner.plan(SPEC, cluster(READABLE, READABLE), quiesced, p1.nextState(), T0.plusSeconds(20));
        assertTrue(p2.isNoop());
        PoolPlan p3 = PoolPlanner.plan(SPEC, cluster(READABLE, READABLE), quiesced, p2.nextState(), T0.plusSeconds(30));
        assertEquals(List.of("edit real server 10.0.0.12:3306 of TCP 10.0.0.1:3306: weight 0 -> 1 (node2 readable: back in the pool)"),
                described(p3));
        assertEquals(Map.of(), p3.nextState().drainingSince());
    }

    @Test
    void drainingOffRemovesAtOnce() {
        PoolSpec noDrain = new PoolSpec(SPEC.service(), Forwarding.DIRECT_ROUTE, PrimaryPolicy.NEVER, 3, Duration.ZERO);
        IpvsTable t = withActive(table("""
                -A -t 10.0.0.1:3306 -s wrr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1
                """), Map.of(E2, 9L));
        PoolPlan p = PoolPlanner.plan(noDrain, cluster(UNREADABLE, DOWN), t, PoolState.EMPTY, T0);
        assertEquals(List.of("remove real server 10.0.0.12:3306 from TCP 10.0.0.1:3306 (node2 not readable; draining is off)"),
                described(p));
    }

    @Test
    void changesComeInASafeOrder() {
        // node2 leaves with connections, node3 joins, the service config is wrong, a stranger is idle.
        IpvsTable t = withActive(table("""
                -A -t 10.0.0.1:3306 -s rr
                -a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1
                -a -t 10.0.0.1:3306 -r 10.0.0.99:3306 -g -w 1
                """), Map.of(E2, 3L));
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(UNREADABLE, READABLE), t, PoolState.EMPTY, T0);
        List<Class<?>> kinds = p.changes().stream().<Class<?>>map(Object::getClass).toList();
        assertEquals(List.of(IpvsChange.EditService.class, IpvsChange.AddServer.class, IpvsChange.EditServer.class,
                IpvsChange.DeleteServer.class), kinds);
        assertTrue(((IpvsChange.EditServer) p.changes().get(2)).isDrain());
    }

    @Test
    void directRoutingUsesTheServicePortLikeTheKernel() {
        // Members listen on 3307; under DR the kernel stores them with the VIP's port 3306.
        List<Member> members = List.of(Member.replica("node2", Endpoint.parse("10.0.0.12:3307"), READABLE));
        PoolPlan p = PoolPlanner.plan(SPEC, members, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals("-a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1", args(p).get(1));
        IpvsTable asKernelShowsIt = table("-A -t 10.0.0.1:3306 -s wrr\n-a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1\n");
        assertTrue(PoolPlanner.plan(SPEC, members, asKernelShowsIt, p.nextState(), T0).isNoop());

        PoolSpec nat = new PoolSpec(SPEC.service(), Forwarding.MASQUERADE, PrimaryPolicy.NEVER, 3, SPEC.drainTimeout());
        assertEquals("-a -t 10.0.0.1:3306 -r 10.0.0.12:3307 -m -w 1",
                args(PoolPlanner.plan(nat, members, IpvsTable.EMPTY, PoolState.EMPTY, T0)).get(1));
    }

    @Test
    void firewallMarkService() {
        ServiceId fw = ServiceId.fwmark(7, false);
        PoolSpec spec = new PoolSpec(VirtualService.of(fw, "wlc"), Forwarding.DIRECT_ROUTE, PrimaryPolicy.NEVER, 2, Duration.ofSeconds(30));
        PoolPlan p = PoolPlanner.plan(spec, cluster(READABLE, UNREADABLE), IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals(List.of("-A -f 7 -s wlc", "-a -f 7 -r 10.0.0.12:0 -g -w 1"), args(p));
        IpvsTable kernel = table("-A -f 7 -s wlc\n-a -f 7 -r 10.0.0.12:0 -g -w 1\n");
        assertTrue(PoolPlanner.plan(spec, cluster(READABLE, UNREADABLE), kernel, p.nextState(), T0).isNoop());
    }

    @Test
    void ipv6Service() {
        ServiceId v6 = ServiceId.tcp("[2001:db8::1]:3306");
        PoolSpec spec = new PoolSpec(VirtualService.of(v6, "wrr").withPersistence(300, "64"), Forwarding.DIRECT_ROUTE,
                PrimaryPolicy.NEVER, 3, Duration.ofSeconds(30));
        List<Member> members = List.of(Member.replica("node2", Endpoint.parse("[2001:db8::12]:3306"), READABLE));
        PoolPlan p = PoolPlanner.plan(spec, members, IpvsTable.EMPTY, PoolState.EMPTY, T0);
        assertEquals(List.of("-A -t [2001:db8::1]:3306 -s wrr -p 300 -M 64",
                "-a -t [2001:db8::1]:3306 -r [2001:db8::12]:3306 -g -w 1"), args(p));
        IpvsTable kernel = table("-A -t [2001:db8::1]:3306 -s wrr -p 300 -M 64\n"
                + "-a -t [2001:db8::1]:3306 -r [2001:db8:0:0:0:0:0:12]:3306 -g -w 1\n");
        assertTrue(PoolPlanner.plan(spec, members, kernel, p.nextState(), T0).isNoop());
    }

    @Test
    void membersMustFitThePool() {
        PoolState s = PoolState.EMPTY;
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> PoolPlanner.plan(SPEC,
                List.of(Member.replica("node2", E2, READABLE), Member.replica("node2", E3, READABLE)), IpvsTable.EMPTY, s, T0));
        assertEquals("member node2 is listed twice", twice.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> PoolPlanner.plan(SPEC,
                List.of(Member.replica("node2", E2, READABLE), Member.replica("node3", E2.withPort(3307), READABLE)),
                IpvsTable.EMPTY, s, T0));
        assertEquals("members node2 and node3 are the same real server 10.0.0.12:3306", same.getMessage());
        IllegalArgumentException family = assertThrows(IllegalArgumentException.class, () -> PoolPlanner.plan(SPEC,
                List.of(Member.replica("node2", Endpoint.parse("[2001:db8::2]:3306"), READABLE)), IpvsTable.EMPTY, s, T0));
        assertTrue(family.getMessage().contains("only tunnel forwarding crosses families"), family.getMessage());
        PoolSpec tunnel = new PoolSpec(SPEC.service(), Forwarding.TUNNEL, PrimaryPolicy.NEVER, 1, Duration.ZERO);
        tunnel.checkMembers(List.of(Member.replica("node2", Endpoint.parse("[2001:db8::2]:3306"), READABLE)));
        PoolSpec nat = new PoolSpec(SPEC.service(), Forwarding.MASQUERADE, PrimaryPolicy.NEVER, 1, Duration.ZERO);
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> nat.checkMembers(List.of(Member.replica("node2", E2.withPort(0), READABLE))));
        assertEquals("member node2 needs a port for NAT forwarding", port.getMessage());
    }

    @Test
    void specAndMemberValidation() {
        VirtualService s = SPEC.service();
        assertThrows(IllegalArgumentException.class, () -> new PoolSpec(s.withScheduler("random"), Forwarding.DIRECT_ROUTE, PrimaryPolicy.NEVER, 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new PoolSpec(s.withSchedulerFlags(List.of("sh-port")), Forwarding.DIRECT_ROUTE, PrimaryPolicy.NEVER, 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new PoolSpec(s, Forwarding.DIRECT_ROUTE, PrimaryPolicy.NEVER, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new PoolSpec(s, Forwarding.DIRECT_ROUTE, PrimaryPolicy.NEVER, 1, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new Member("node 2", E2, false, READABLE, 1));
        assertThrows(IllegalArgumentException.class, () -> new Member("", E2, false, READABLE, 1));
        assertThrows(IllegalArgumentException.class, () -> new Member("node2", E2, false, READABLE, 0));
        assertThrows(IllegalArgumentException.class, () -> new Member("node2", E2, false, READABLE, 65536));
        assertEquals(PrimaryPolicy.FALLBACK, PrimaryPolicy.parse(" Fallback "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrimaryPolicy.parse("sometimes"));
        assertTrue(e.getMessage().contains("expected never, always or fallback"));
    }

    @Test
    void stateForgetsNodesThatLeftTheConfiguration() {
        PoolState old = new PoolState(Map.of("node1", 3, "node2", 3, "node9", 1), Map.of());
        PoolPlan p = PoolPlanner.plan(SPEC, cluster(READABLE, READABLE), IpvsTable.EMPTY, old, T0);
        assertEquals(Map.of("node1", 3, "node2", 3, "node3", 3), p.nextState().healthyStreaks());
    }

    @Test
    void stopDeletesTheServiceOnlyWhenPresent() {
        IpvsTable t = table("-A -t 10.0.0.1:3306 -s wrr\n-a -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 1\n-A -t 10.0.0.1:80 -s rr\n");
        List<IpvsChange> stop = PoolPlanner.planStop(VIP, t);
        assertEquals(1, stop.size());
        assertInstanceOf(IpvsChange.DeleteService.class, stop.get(0));
        assertEquals(List.of("-D", "-t", "10.0.0.1:3306"), stop.get(0).ipvsadmArgs());
        IpvsTable stopped = TableEdits.apply(t, stop);
        assertFalse(PoolPlanner.isRunning(VIP, stopped));
        assertTrue(stopped.find(ServiceId.tcp("10.0.0.1:80")).isPresent());
        assertEquals(List.of(), PoolPlanner.planStop(VIP, stopped));
        assertTrue(PoolPlanner.isRunning(VIP, t));
    }

    /**
     * Whatever the table and the members' health, applying a plan gives a table whose serving
     * real servers are the plan's pool, and (with rise 1, so that nothing is still rising)
     * planning again changes nothing.
     */
    @Test
    void plansConvergeFromAnyTable() {
        Random random = new Random(20240501);
        Endpoint[] addresses = {E1, E2, E3, Endpoint.parse("10.0.0.14:3306"), Endpoint.parse("10.0.0.99:3306")};
        String[] schedulers = {"wrr", "rr", "lc"};
        for (int round = 0; round < 500; round++) {
            int rise = 1 + random.nextInt(3);
            PoolSpec spec = new PoolSpec(VirtualService.of(VIP, "wrr"), Forwarding.DIRECT_ROUTE,
                    PrimaryPolicy.values()[random.nextInt(3)], rise, Duration.ofSeconds(random.nextInt(2) * 60L));
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                members.add(new Member("node" + (i + 1), addresses[i], i == 0, Health.values()[random.nextInt(3)], 1 + random.nextInt(3)));
            }
            IpvsTable table = IpvsTable.EMPTY;
            if (random.nextInt(4) > 0) {
                List<RealServer> servers = new ArrayList<>();
                for (Endpoint e : addresses) {
                    if (random.nextBoolean()) {
                        servers.add(new RealServer(e, Forwarding.values()[random.nextInt(3)], random.nextInt(4),
                                random.nextBoolean() ? new RealServer.Connections(random.nextInt(3), random.nextInt(3)) : null));
                    }
                }
                table = new IpvsTable(List.of(new IpvsTable.Entry(VirtualService.of(VIP, schedulers[random.nextInt(3)]), servers)));
            }
            Map<String, Integer> streaks = members.stream().filter(m -> random.nextBoolean())
                    .collect(Collectors.toMap(Member::name, m -> random.nextInt(4)));
            PoolState state = new PoolState(streaks, Map.of());
            Instant now = T0.plusSeconds(random.nextInt(100));

            PoolPlan p = PoolPlanner.plan(spec, members, table, state, now);
            IpvsTable after = TableEdits.apply(table, p.changes());
            IpvsTable.Entry ours = after.find(VIP).orElseThrow();
            assertEquals(spec.service(), ours.service(), "round " + round);
            List<RealServer> serving = ours.realServers().stream().filter(r -> r.weight() > 0).toList();
            assertEquals(p.pool().size(), serving.size(), "round " + round);
            for (RealServer r : p.pool()) {
                assertTrue(serving.stream().anyMatch(s -> s.sameConfig(r)), "round " + round + ": " + r);
            }
            for (RealServer r : ours.realServers()) {
                if (r.weight() == 0 && p.pool().stream().noneMatch(x -> x.endpoint().equals(r.endpoint()))) {
                    assertTrue(p.nextState().drainingSince().containsKey(r.endpoint()), "round " + round + ": " + r);
                }
            }
            if (rise == 1) {
                PoolPlan again = PoolPlanner.plan(spec, members, after, p.nextState(), now);
                assertTrue(again.isNoop(), "round " + round + ": " + described(again));
            }
        }
    }

    private static PoolSpec with(PrimaryPolicy policy) {
        return new PoolSpec(SPEC.service(), SPEC.forwarding(), policy, SPEC.rise(), SPEC.drainTimeout());
    }
}
