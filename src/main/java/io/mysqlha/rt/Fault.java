package io.mysqlha.rt;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The faults a round can inject, each named after what it does. movesPrimary: the cluster is expected to
 * promote another node (failover time is then fault -> first acknowledged write on the new primary);
 * otherwise the same figure measures how long writes stopped, if at all.
 */
public enum Fault {
    KILL_PRIMARY_MYSQLD("kill-primary-mysqld", true, 10, "kill -9 the primary's mariadbd"),
    KILL_REPLICA_MYSQLD("kill-replica-mysqld", false, 10, "kill -9 a replica's mariadbd"),
    PRIMARY_NODE_LOST("primary-node-lost", true, 20, "the primary node loses power: every process dies, link down"),
    PRIMARY_PARTITIONED("primary-partitioned", true, 20, "the primary is cut off from every other node and the clients"),
    PRIMARY_PARTITIONED_WITH_REPLICA("primary-partitioned-with-replica", false, 20,
            "the primary, one replica and the clients on one side, the other replica alone"),
    NETWORK_FLAP("network-flap", true, 20, "the primary's link goes down and up in a loop (1-3 s each)"),
    FREEZE_MYSQLD("freeze-mysqld", true, 15, "SIGSTOP the primary's mariadbd, SIGCONT at heal"),
    FREEZE_NODE("freeze-node", true, 15, "SIGSTOP every process of the primary node, SIGCONT at heal"),
    CLUSTER_DAEMONS_KILLED("cluster-daemons-killed", true, 20,
            "kill -9 corosync and pacemaker on the primary; mariadbd keeps running"),
    DATADIR_REMOVED("datadir-removed", true, 15, "remove the primary's datadir under the running server"),
    REPLICA_LAG("replica-lag", false, 20, "stop a replica's SQL thread"),
    DISK_FULL("disk-full", true, 20, "fill the primary's datadir filesystem"),
    SWITCHOVER("switchover", true, 15, "planned switchover: move the promoted role, then clear the constraint"),
    KILL_SERVICE_PRIMARY("kill-service-primary", false, 10,
            "kill -9 the node service on the primary (its supervisor restarts it; actions meanwhile run in fresh JVMs)"),
    SERVICE_DOWN_KILL_PRIMARY("service-down-kill-primary", true, 15,
            "stop the node service on every node, then kill -9 the primary's mariadbd: failover through the fallback"),
    SLOW_APPLY_AT_FAILOVER("slow-apply-at-failover", true, 10,
            "an acknowledged commit that takes " + Nemesis.SLOW_APPLY_S + " s to apply, then kill -9 the primary's "
                    + "mariadbd while every replica is still applying it: the new primary must wait for it and keep it"),
    // Chains: a second fault while the cluster is still healing from the first.
    KILL_NEW_PRIMARY_DURING_RECOVERY("kill-new-primary-during-recovery", true, 10,
            "kill -9 the primary's mariadbd, then the new primary's as soon as it is promoted (the old one not back yet)"),
    KILL_LAST_REPLICA_DURING_RECOVERY("kill-last-replica-during-recovery", true, 10,
            "kill -9 the primary's mariadbd, then the only replica left as soon as another node is promoted"),
    KILL_REPLICA_MYSQLD_TWICE("kill-replica-mysqld-twice", false, 10,
            "kill -9 a replica's mariadbd, then again as soon as it runs again"),
    // The two-node mode's own (two HA nodes and a quorum device's arbitrator).
    ARBITRATOR_LOST("arbitrator-lost", false, 20,
            "kill -9 the quorum device's arbitrator (corosync-qnetd) and keep it down: the primary keeps its role and writes"),
    HA_NODES_CUT("ha-nodes-cut", false, 20,
            "drop every frame between the two HA nodes (both still reach the arbitrator and the clients): the side "
                    + "the arbitrator votes for keeps or takes the primary, the other never writes");

    public final String id;
    public final boolean movesPrimary;
    public final int defaultHoldS;
    public final String description;

    Fault(String id, boolean movesPrimary, int defaultHoldS, String description) {
        this.id = id;
        this.movesPrimary = movesPrimary;
        this.defaultHoldS = defaultHoldS;
        this.description = description;
    }

    /** The fault needs a quorum device's arbitrator it can stop (lab up --qnetd). */
    public boolean needsArbitrator() {
        return this == ARBITRATOR_LOST;
    }

    /**
     * The fewest HA nodes the fault means something with: a replica cut off alone beside the primary's side,
     * or a replica left after a failover, needs three; a cut between the HA nodes is the two-node mode's.
     */
    public String unfitFor(int haNodes) {
        return switch (this) {
            case PRIMARY_PARTITIONED_WITH_REPLICA, KILL_LAST_REPLICA_DURING_RECOVERY -> haNodes >= 3 ? null
                    : "needs three or more HA nodes (" + haNodes + " here)";
            case HA_NODES_CUT -> haNodes == 2 ? null : "a fault of the two-node mode (" + haNodes + " HA nodes here)";
            // the node that lost its data held the only other copy: until it is rebuilt every commit waits for its
            // ACK, and a consistent copy waits for those commits (mysqlha reclone refuses it, naming the choice)
            case DATADIR_REMOVED -> haNodes >= 3 ? null : "with " + haNodes + " HA nodes the wiped node is the only "
                    + "one that could ACK the primary's commits, so it cannot be rebuilt without a human's choice";
            default -> haNodes >= 2 ? null : "needs two or more HA nodes (" + haNodes + " here)";
        };
    }

    public static Optional<Fault> byId(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
    }

    /** Parses a comma-separated list ("all" for every fault); unknown names are an error naming them. */
    public static List<Fault> parseList(String spec) {
        if (spec == null || spec.isBlank() || spec.equals("all")) {
            return List.of(values());
        }
        return Arrays.stream(spec.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> byId(s).orElseThrow(() -> new IllegalArgumentException("unknown fault '" + s + "'; known: "
                        + String.join(", ", Arrays.stream(values()).map(f -> f.id).toList()))))
                .toList();
    }

    /** The faults that bound failover (node loss or partition class). */
    public boolean isNodeLossOrPartition() {
        return this == PRIMARY_NODE_LOST || this == PRIMARY_PARTITIONED || this == FREEZE_NODE || this == NETWORK_FLAP
                || this == CLUSTER_DAEMONS_KILLED;
    }
}
