package io.mysqlha.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pacemaker, as the agents use it: membership, quorum, promotion scores, attributes, cluster properties. */
public interface Cluster {
    /** This node's name in the cluster. */
    String localNode();

    /** Whether this partition has quorum ({@code crm_node -q}). */
    boolean hasQuorum(Deadline deadline);

    /** Names of the nodes in this partition ({@code crm_node -p}). */
    List<String> partitionMembers(Deadline deadline);

    /**
     * Corosync's votequorum state of this partition ({@code corosync-quorumtool -s}), for its quorum device's
     * vote; null when it cannot be read (no such tool, no votequorum). Clusters without Corosync have none.
     */
    default io.mysqlha.decide.VoteQuorum voteQuorum(Deadline deadline) {
        return null;
    }

    /** All nodes Pacemaker knows of ({@code crm_node -l}), online or not. */
    List<String> knownNodes(Deadline deadline);

    /** Sets this node's promotion score for the resource (kept below INFINITY by the caller). */
    void setPromotionScore(String resource, int score, Deadline deadline);

    /** Removes this node's promotion score: this node cannot be promoted. */
    void clearPromotionScore(String resource, Deadline deadline);

    /** A cluster property ({@code crm_config}), empty when not set. */
    Optional<String> clusterProperty(String name, Deadline deadline);

    /**
     * Every cluster property at once, in one read of crm_config: each name with its values (more than one when
     * several property sets name it). Empty when this cluster cannot read them all at once; callers then ask
     * {@link #clusterProperty} for each name.
     */
    default Optional<Map<String, List<String>>> clusterProperties(Deadline deadline) {
        return Optional.empty();
    }

    /**
     * Starts reading the cluster properties in the background, for an action that will ask for several of them
     * (or for one, while it does something else first). A no-op where nothing is kept between calls.
     */
    default void prefetchProperties(Deadline deadline) {
    }

    /** Sets a cluster property. */
    void setClusterProperty(String name, String value, Deadline deadline);

    /**
     * Sets a transient node attribute on this node. Private ones stay out of the CIB (readable with
     * {@link #nodeAttributes}), for values that change often.
     */
    void setNodeAttribute(String name, String value, boolean privateAttr, Deadline deadline);

    /** Removes a transient node attribute on this node. */
    void deleteNodeAttribute(String name, boolean privateAttr, Deadline deadline);

    /** A transient node attribute on every node that has it: node name to value. */
    Map<String, String> nodeAttributes(String name, Deadline deadline);
}
