package io.mysqlha.adapter;

import io.mysqlha.decide.lvs.ClusterSnapshot;
import io.mysqlha.decide.lvs.ClusterSnapshot.MysqlRole;
import io.mysqlha.decide.lvs.ClusterSnapshot.NodeFacts;
import io.mysqlha.model.MasterInfo;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.PoolHealthSource;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The read pool's health from the {@link Cluster} port alone, for the standalone mode
 * ({@code MYSQLHA_STANDALONE_DIR}) where there is no crm_mon: the attributes, the partition members,
 * and the primary named by the mysql agent's master-info record. Where mysql runs is not known there,
 * so nodes are judged by their attributes.
 */
public final class AttributePoolHealth implements PoolHealthSource {
    private final Cluster cluster;
    private final String source;

    public AttributePoolHealth(Cluster cluster, String source) {
        this.cluster = cluster;
        this.source = source;
    }

    @Override
    public ClusterSnapshot snapshot(String rsc, Deadline deadline) {
        Map<String, String> readable = cluster.nodeAttributes(rsc + "-readable", deadline);
        Map<String, String> lag = cluster.nodeAttributes(rsc + "-lag", deadline);
        List<String> members = cluster.partitionMembers(deadline);
        // the cluster property the mysql agent's promote writes (MysqlAgent.masterInfoProperty)
        Optional<String> mi = cluster.clusterProperty("mysqlha_" + rsc + "_master_info", deadline);
        String primary = null;
        if (mi.isPresent()) {
            try {
                primary = MasterInfo.parse(mi.get()).node();
            } catch (IllegalArgumentException e) {
                primary = null; // an unreadable record names nobody; the mysql agent reports it
            }
        }
        Set<String> names = new LinkedHashSet<>(members);
        names.addAll(readable.keySet());
        names.addAll(lag.keySet());
        Map<String, NodeFacts> nodes = new TreeMap<>();
        for (String n : names) {
            nodes.put(n, new NodeFacts(members.contains(n), n.equals(primary) ? MysqlRole.PRIMARY : MysqlRole.UNKNOWN,
                    readable.get(n), lag.get(n)));
        }
        return new ClusterSnapshot(source, !readable.isEmpty() || primary != null, nodes);
    }
}
