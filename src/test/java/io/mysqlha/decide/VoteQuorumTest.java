package io.mysqlha.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * corosync-quorumtool -s as it printed on the two-node lab with a corosync-qnetd arbitrator (Corosync 3.1,
 * ffsplit), in each state the rule must tell apart; and the promotion rule on top of it.
 */
class VoteQuorumTest {
    static final String HEAD = "Quorum information\n------------------\nDate:             Thu Dec  3 16:02:12 2026\n"
            + "Quorum provider:  corosync_votequorum\nNodes:            %d\nNode ID:          %d\nRing ID:          1.9\n"
            + "Quorate:          %s\n\nVotequorum information\n----------------------\nExpected votes:   3\n"
            + "Highest expected: 3\nTotal votes:      %d\nQuorum:           2 %s\nFlags:            %s\n\n"
            + "Membership information\n----------------------\n    Nodeid      Votes    Qdevice Name\n";

    /** Both nodes and the arbitrator. */
    static final String ALL = String.format(HEAD, 2, 1, "Yes", 3, " ", "Quorate Qdevice ")
            + "         1          1    A,V,NMW node1 (local)\n         2          1    A,V,NMW node2\n"
            + "         0          1            Qdevice\n";
    /** The arbitrator lost: both nodes still quorate, the device casts nothing. */
    static final String NO_ARBITRATOR = String.format(HEAD, 2, 1, "Yes", 2, " ", "Quorate Qdevice ")
            + "         1          1   A,NV,NMW node1 (local)\n         2          1   A,NV,NMW node2\n"
            + "         0          0            Qdevice (votes 1)\n";
    /** The link between the nodes cut: the arbitrator chose node1's side. */
    static final String CUT_CHOSEN = String.format(HEAD, 1, 1, "Yes", 2, " ", "Quorate Qdevice ")
            + "         1          1    A,V,NMW node1 (local)\n         0          1            Qdevice\n";
    /** ... and node2's side, which it did not choose. */
    static final String CUT_OTHER = String.format(HEAD, 1, 2, "No", 1, "Activity blocked", "Qdevice ")
            + "         2          1   A,NV,NMW node2 (local)\n         0          0            Qdevice (votes 1)\n";
    /** Two nodes with two_node: 1 and no device: one node alone stays quorate. */
    static final String TWO_NODE_ALONE = "Quorum information\n------------------\nQuorate:          Yes\n\n"
            + "Votequorum information\n----------------------\nExpected votes:   2\nHighest expected: 2\n"
            + "Total votes:      1\nQuorum:           1  \nFlags:            2Node Quorate WaitForAll \n\n"
            + "Membership information\n----------------------\n    Nodeid      Votes Name\n         1          1 node1 (local)\n";

    static final List<String> TWO = List.of("node1", "node2");

    @Test
    void parsesEachState() {
        VoteQuorum all = VoteQuorum.parse(ALL);
        assertTrue(all.quorate() && all.device() && all.deviceVotesHere());
        assertEquals(1, all.deviceVotes());
        VoteQuorum lost = VoteQuorum.parse(NO_ARBITRATOR);
        assertTrue(lost.quorate() && lost.device());
        assertFalse(lost.deviceVotesHere(), "\"0 0 Qdevice (votes 1)\": configured, casting nothing");
        assertTrue(VoteQuorum.parse(CUT_CHOSEN).deviceVotesHere());
        VoteQuorum other = VoteQuorum.parse(CUT_OTHER);
        assertFalse(other.quorate() || other.deviceVotesHere());
        VoteQuorum two = VoteQuorum.parse(TWO_NODE_ALONE);
        assertTrue(two.quorate() && two.twoNode());
        assertFalse(two.device() || two.deviceVotesHere());
        assertNull(VoteQuorum.parse(""));
        assertNull(VoteQuorum.parse("Cannot initialize QUORUM service\n"));
    }

    @Test
    void halfTheHaNodesPromotesOnlyWithTheDevicesVoteHere() {
        // node2 lost (or cut off) and the arbitrator's vote here: node1 may promote
        Quorum chosen = Quorum.check(true, List.of("node1"), TWO, "node1", () -> VoteQuorum.parse(CUT_CHOSEN));
        assertTrue(chosen.allowed(), chosen.reasons().toString());
        assertTrue(String.join(";", chosen.reasons()).contains("1 of 2 (node1) and the quorum device's vote is cast here"));
        // the side the arbitrator did not choose: not quorate, and no device vote either
        assertFalse(Quorum.check(false, List.of("node2"), TWO, "node2", () -> VoteQuorum.parse(CUT_OTHER)).allowed());
        assertFalse(Quorum.check(true, List.of("node2"), TWO, "node2", () -> VoteQuorum.parse(CUT_OTHER)).allowed(),
                "even if Pacemaker said quorate, the device's vote is not here");
        // two_node's tie-break alone never promotes
        Quorum tie = Quorum.check(true, List.of("node1"), TWO, "node1", () -> VoteQuorum.parse(TWO_NODE_ALONE));
        assertFalse(tie.allowed());
        assertTrue(String.join(";", tie.reasons()).contains("two_node's tie-break is never counted"), tie.reasons().toString());
        // unreadable votequorum: refused, and said so
        Quorum unknown = Quorum.check(true, List.of("node1"), TWO, "node1", () -> null);
        assertFalse(unknown.allowed());
        assertTrue(String.join(";", unknown.reasons()).contains("unknown"));
        // a device that casts no vote (arbitrator lost) with one node gone
        assertFalse(Quorum.check(true, List.of("node1"), TWO, "node1", () -> VoteQuorum.parse(NO_ARBITRATOR)).allowed());
    }

    @Test
    void aMajorityNeverAsksTheDeviceAndAMinorityIsNeverSavedByIt() {
        Quorum both = Quorum.check(true, TWO, TWO, "node1", () -> {
            throw new AssertionError("a strict majority must not ask corosync-quorumtool");
        });
        assertTrue(both.allowed());
        // 1 of 3 HA nodes: below half, the device's vote does not make it a majority of the HA nodes
        assertFalse(Quorum.check(true, List.of("n1"), List.of("n1", "n2", "n3"), "n1", () -> VoteQuorum.parse(ALL)).allowed());
        // 2 of 4 with the device's vote here (an even split the arbitrator decided): allowed
        assertTrue(Quorum.check(true, List.of("n1", "n2"), List.of("n1", "n2", "n3", "n4"), "n1",
                () -> VoteQuorum.parse(CUT_CHOSEN)).allowed());
        // not an HA node: refused whatever the votes
        assertFalse(Quorum.check(true, List.of("node1", "a1"), TWO, "a1", () -> VoteQuorum.parse(ALL)).allowed());
    }
}
