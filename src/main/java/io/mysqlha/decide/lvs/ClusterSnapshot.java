package io.mysqlha.decide.lvs;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the cluster says about the mysql resource's nodes at one monitor, read in one go (one
 * {@code crm_mon --output-as=xml}, or one look at a standalone directory) so that membership, roles and
 * attributes belong to the same moment.
 *
 * @param source         where it was read, for messages ({@code crm_mon}, {@code standalone /dir})
 * @param resourceKnown  whether the mysql resource exists at all; false when the source cannot tell
 *                       or the name matches no resource (then every node counts as without mysql)
 * @param nodes          per node name: what is known of it; a node absent from the map is not in
 *                       this partition
 */
public record ClusterSnapshot(String source, boolean resourceKnown, Map<String, NodeFacts> nodes) {
    public ClusterSnapshot {
        Objects.requireNonNull(source, "source");
        nodes = java.util.Collections.unmodifiableMap(new TreeMap<>(nodes));
    }

    /** Where the mysql resource runs on a node, and in which role. */
    public enum MysqlRole {
        /** Promoted, or on its way in or out of that role (promoting, demoting): it takes writes. */
        PRIMARY,
        /** Running unpromoted. */
        REPLICA,
        /** Not running there, or starting or stopping: whatever attributes the node has are stale. */
        STOPPED,
        /** Failed there (its monitor or an operation failed): its attributes are stale. */
        FAILED,
        /** The source does not know where resources run (standalone mode): judged by attributes alone. */
        UNKNOWN
    }

    /**
     * One node.
     *
     * @param inPartition  online and in this partition: a node outside it is down for the pool, whatever
     *                     attributes are still recorded for it
     * @param role         the mysql resource's role there
     * @param readable     its {@code <rsc>-readable} attribute, or null when it has none
     * @param lag          its {@code <rsc>-lag} attribute, or null when it has none
     */
    public record NodeFacts(boolean inPartition, MysqlRole role, String readable, String lag) {
        public NodeFacts {
            Objects.requireNonNull(role, "role");
        }

        /** A node the snapshot does not mention. */
        public static final NodeFacts ABSENT = new NodeFacts(false, MysqlRole.STOPPED, null, null);
    }

    /** The facts of a node; {@link NodeFacts#ABSENT} when the snapshot does not mention it. */
    public NodeFacts facts(String node) {
        return nodes.getOrDefault(node, NodeFacts.ABSENT);
    }
}
