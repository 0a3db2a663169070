package io.mysqlha.rt;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which faults apply to a cluster of a given shape, and how the arbitrator's vote is read back. No processes. */
class FaultsTest {
    @Test
    void faultsThatNeedThreeHaNodesDoNotApplyToTwo() {
        assertNotNull(Fault.PRIMARY_PARTITIONED_WITH_REPLICA.unfitFor(2));
        assertNotNull(Fault.KILL_LAST_REPLICA_DURING_RECOVERY.unfitFor(2));
        assertNull(Fault.PRIMARY_PARTITIONED_WITH_REPLICA.unfitFor(3));
        assertNull(Fault.KILL_LAST_REPLICA_DURING_RECOVERY.unfitFor(5));
        // a wiped node on two HA nodes held the only other copy: no rebuild without a human's choice
        assertTrue(Fault.DATADIR_REMOVED.unfitFor(2).contains("ACK"));
        assertNull(Fault.DATADIR_REMOVED.unfitFor(3));
        // what the two-node mode is about applies to it
        for (Fault f : List.of(Fault.KILL_PRIMARY_MYSQLD, Fault.PRIMARY_NODE_LOST, Fault.PRIMARY_PARTITIONED,
                Fault.HA_NODES_CUT, Fault.ARBITRATOR_LOST, Fault.SWITCHOVER, Fault.KILL_NEW_PRIMARY_DURING_RECOVERY)) {
            assertNull(f.unfitFor(2), f.id);
        }
        assertTrue(Fault.HA_NODES_CUT.unfitFor(3).contains("two-node"));
        assertNotNull(Fault.KILL_PRIMARY_MYSQLD.unfitFor(1), "a single HA node has nothing to fail over to");
        assertFalse(Fault.HA_NODES_CUT.movesPrimary, "which side keeps the primary is the arbitrator's choice");
        assertFalse(Fault.ARBITRATOR_LOST.movesPrimary);
        assertEquals(Fault.ARBITRATOR_LOST, Fault.byId("arbitrator-lost").orElseThrow());
    }

    @Test
    void faultsDrawnOnlyAmongThoseThatApply() {
        List<Fault> among = List.of(Fault.KILL_PRIMARY_MYSQLD, Fault.ARBITRATOR_LOST);
        assertEquals(Fault.ARBITRATOR_LOST, RunConfig.faultFor(among, false, 3, new Random(1)));
        Random rng = new Random(7);
        for (int i = 0; i < 50; i++) {
            assertTrue(among.contains(RunConfig.faultFor(among, true, i, rng)));
        }
    }

    // corosync-quorumtool -s membership tables as the two-node lab printed them (2 HA nodes, qnetd)
    static final String TABLE = "Membership information\n----------------------\n    Nodeid      Votes    Qdevice Name\n";

    @Test
    void deviceVoteReadFromTheMembershipTable() {
        assertTrue(Nemesis.devicesVote(TABLE + "         1          1    A,V,NMW node1 (local)\n"
                + "         2          1    A,V,NMW node2\n         0          1            Qdevice\n"));
        assertFalse(Nemesis.devicesVote(TABLE + "         1          1   A,NV,NMW node1 (local)\n"
                + "         2          1   A,NV,NMW node2\n         0          0            Qdevice (votes 1)\n"),
                "the arbitrator lost: the device's row shows 0 votes");
        assertFalse(Nemesis.devicesVote("    Nodeid      Votes Name\n         1          1 node1 (local)\n"),
                "no device at all");
    }

    @Test
    void primaryKeptThroughTheArbitratorsLoss() {
        assertEquals(Verdict.Status.VALID, Checkers.primaryKept("node1", "node1", 0.8, 5000).status());
        Verdict moved = Checkers.primaryKept("node1", "node2", 0.8, 5000);
        assertEquals(Verdict.Status.INVALID, moved.status());
        assertTrue(moved.evidence().contains("node2"), moved.evidence());
        assertEquals(Verdict.Status.INVALID, Checkers.primaryKept("node1", null, 0.8, 5000).status());
        Verdict stalled = Checkers.primaryKept("node1", "node1", 12.5, 5000);
        assertEquals(Verdict.Status.INVALID, stalled.status());
        assertTrue(stalled.evidence().contains("12.50"), stalled.evidence());
    }

    @Test
    void aSwitchoverIsDoneWhenTheCommandSaysOkAndTheRoleIsOnTheTarget() {
        Map<String, String> ok = Nemesis.resultLine("checks passed\nRESULT switchover=ok from=node1 to=node3 pause_s=1.2 "
                + "promoted_s=0.9 vip_s=1.1 total_s=3.0 cleared=yes\n");
        Verdict done = Checkers.switchoverDone("node1", "node3", "node3", ok, "");
        assertEquals(Verdict.Status.VALID, done.status(), done.evidence());
        assertTrue(done.evidence().contains("1.2"), done.evidence());
        assertEquals(Verdict.Status.INVALID, Checkers.switchoverDone("node1", "node3", "node2", ok, "").status(),
                "ok, but the role went elsewhere");
        Map<String, String> failed = Nemesis.resultLine("RESULT switchover=failed from=node1 to=node3 reason=move\n");
        assertEquals(Verdict.Status.INVALID, Checkers.switchoverDone("node1", "node3", "node1", failed, "").status());
        assertEquals(Verdict.Status.INVALID, Checkers.switchoverDone("node1", "node3", "node1", Map.of(), "").status(),
                "no RESULT line: the command died");
    }

    @Test
    void aRefusedSwitchoverIsNotInjectedAndSaysWhy() {
        String out = "switchover refused (node1 -> node3):\n  - node3: its server cannot be read (Access denied)\n"
                + "RESULT switchover=refused from=node1 to=node3 refusals=1\n";
        Verdict v = Checkers.switchoverDone("node1", "node3", "node1", Nemesis.resultLine(out), out);
        assertEquals(Verdict.Status.UNKNOWN, v.status());
        assertTrue(v.evidence().startsWith("not injected: switchover refused (node1 -> node3): - node3: its server cannot"),
                v.evidence());
    }
}
