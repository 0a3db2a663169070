package io.mysqlha.decide;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The promotion quorum: this partition must have cluster quorum AND hold a strict majority of the HA nodes,
 * and this node must be one of them. Pure.
 *
 * @param allowed whether promotion may proceed
 * @param reasons why (one line each), for the exit reason and {@code mysqlha quorum}
 */
public record Quorum(boolean allowed, List<String> reasons) {

    public static Quorum check(boolean clusterQuorum, Collection<String> partition, Collection<String> haNodes,
                               String localNode) {
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
            ok &= majority;
            why.add((majority ? "" : "no ") + "majority of HA nodes here: " + present.size() + " of "
                    + haNodes.size() + " (" + String.join(" ", present) + ")");
        }
        return new Quorum(ok, List.copyOf(why));
    }
}
