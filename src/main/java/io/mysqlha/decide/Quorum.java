package io.mysqlha.decide;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The promotion quorum: this partition must have cluster quorum AND hold a strict majority of the HA nodes,
 * and this node must be one of them. Exactly half of the HA nodes (one of two) is enough only with a quorum
 * device whose vote Corosync counts for this partition right now: the arbitrator has chosen this side. A
 * tie is never broken by votequorum's two_node alone, under which both halves of a split stay quorate.
 * Pure.
 *
 * @param allowed whether promotion may proceed
 * @param reasons why (one line each), for the exit reason and {@code mysqlha quorum}
 */
public record Quorum(boolean allowed, List<String> reasons) {

    public static Quorum check(boolean clusterQuorum, Collection<String> partition, Collection<String> haNodes,
                               String localNode) {
        return check(clusterQuorum, partition, haNodes, localNode, () -> null);
    }

    /**
     * {@code votes}: Corosync's votequorum state, asked only for a tie (null when it cannot be read, which
     * counts as no device's vote).
     */
    public static Quorum check(boolean clusterQuorum, Collection<String> partition, Collection<String> haNodes,
                               String localNode, Supplier<VoteQuorum> votes) {
        List<String> why = new ArrayList<>();
        boolean ok = true;
        if (!clusterQuorum) {
            ok = false;
            why.add("this partition has no cluster quorum");
        } else {
            why.add("this partition has cluster quorum");
        }
        if (haNodes.isEmpty()) {
            why.add("ha_nodes not set: every cluster node is an HA node");
        } else {
            if (!haNodes.contains(localNode)) {
                ok = false;
                why.add(localNode + " is not an HA node (ha_nodes: " + String.join(" ", haNodes) + ")");
            }
            List<String> present = new ArrayList<>();
            for (String n : haNodes) {
                if (partition.contains(n)) {
                    present.add(n);
                }
            }
            boolean majority = present.size() * 2 > haNodes.size();
            String counted = present.size() + " of " + haNodes.size() + " (" + String.join(" ", present) + ")";
            if (majority) {
                why.add("majority of HA nodes here: " + counted);
            } else if (present.size() * 2 == haNodes.size() && clusterQuorum) {
                VoteQuorum v = votes.get();
                boolean device = v != null && v.deviceVotesHere();
                majority = device;
                why.add((device ? "" : "no ") + "majority of HA nodes here: " + counted + " and "
                        + (v == null ? "the quorum device's vote unknown (corosync-quorumtool unreadable)" : v.describe()));
            } else {
                why.add("no majority of HA nodes here: " + counted);
            }
            ok &= majority;
        }
        return new Quorum(ok, List.copyOf(why));
    }
}
