package io.mysqlha.adapter;

import io.mysqlha.ocf.OcfException;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.Deadline;
import io.mysqlha.decide.VoteQuorum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One action's view of the cluster: the cluster properties are read once, in one call (every property of
 * crm_config), and every later question of the same action is answered from that read; what the action writes
 * itself is written through and kept in the view. Everything else goes straight to the cluster.
 * <p>
 * A promote, a post-promote notification and a demote each ask for two to four properties (master-info, the
 * promotion record, binlog indexes), each a tool call of 0.1-0.3 s on a loaded node, on the path of every
 * failover. A view lives for one action and no longer: the next action reads afresh, so nothing observed is
 * kept between actions. A name that several property sets hold is asked of the cluster itself, which answers
 * it as its tools do.
 */
public final class SnapshotCluster implements Cluster {
    private final Cluster cluster;
    private final Map<String, Optional<String>> written = new HashMap<>();
    private CompletableFuture<Optional<Map<String, List<String>>>> read;

    public SnapshotCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public synchronized void prefetchProperties(Deadline deadline) {
        if (read != null) {
            return;
        }
        read = new CompletableFuture<>();
        CompletableFuture<Optional<Map<String, List<String>>>> f = read;
        // a thread of its own: never the common pool, which has one thread on a two-core node
        Thread t = new Thread(() -> {
            try {
                f.complete(cluster.clusterProperties(deadline));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "cluster-properties");
        t.setDaemon(true);
        t.start();
    }

    private Optional<Map<String, List<String>>> snapshot(Deadline deadline) {
        CompletableFuture<Optional<Map<String, List<String>>>> f;
        synchronized (this) {
            if (read == null) {
                read = new CompletableFuture<>();
                try {
                    read.complete(cluster.clusterProperties(deadline));
                } catch (RuntimeException e) {
                    read.completeExceptionally(e);
                }
            }
            f = read;
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OcfException.generic("interrupted while reading the cluster properties");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw OcfException.generic("reading the cluster properties failed: " + e.getCause());
        }
    }

    @Override
    public Optional<String> clusterProperty(String name, Deadline deadline) {
        synchronized (this) {
            if (written.containsKey(name)) {
                return written.get(name);
            }
        }
        Optional<Map<String, List<String>>> all;
        try {
            all = snapshot(deadline);
        } catch (OcfException e) {
            // the one read failed (a timeout under load, say): the property's own query decides, as before
            return cluster.clusterProperty(name, deadline);
        }
        if (all.isEmpty()) {
            return cluster.clusterProperty(name, deadline);
        }
        List<String> values = all.get().getOrDefault(name, new ArrayList<>());
        if (values.size() > 1) {
            return cluster.clusterProperty(name, deadline);
        }
        return values.isEmpty() || values.get(0).trim().isEmpty() ? Optional.empty() : Optional.of(values.get(0).trim());
    }

    @Override
    public Optional<Map<String, List<String>>> clusterProperties(Deadline deadline) {
        return cluster.clusterProperties(deadline);
    }

    @Override
    public void setClusterProperty(String name, String value, Deadline deadline) {
        cluster.setClusterProperty(name, value, deadline);
        synchronized (this) {
            written.put(name, value == null || value.trim().isEmpty() ? Optional.empty() : Optional.of(value.trim()));
        }
    }

    @Override
    public String localNode() {
        return cluster.localNode();
    }

    @Override
    public boolean hasQuorum(Deadline deadline) {
        return cluster.hasQuorum(deadline);
    }

    @Override
    public List<String> partitionMembers(Deadline deadline) {
        return cluster.partitionMembers(deadline);
    }

    @Override
    public VoteQuorum voteQuorum(Deadline deadline) {
        return cluster.voteQuorum(deadline);
    }

    @Override
    public List<String> knownNodes(Deadline deadline) {
        return cluster.knownNodes(deadline);
    }

    @Override
    public void setPromotionScore(String resource, int score, Deadline deadline) {
        cluster.setPromotionScore(resource, score, deadline);
    }

    @Override
    public void clearPromotionScore(String resource, Deadline deadline) {
        cluster.clearPromotionScore(resource, deadline);
    }

    @Override
    public void setNodeAttribute(String name, String value, boolean privateAttr, Deadline deadline) {
        cluster.setNodeAttribute(name, value, privateAttr, deadline);
    }

    @Override
    public void deleteNodeAttribute(String name, boolean privateAttr, Deadline deadline) {
        cluster.deleteNodeAttribute(name, privateAttr, deadline);
    }

    @Override
    public Map<String, String> nodeAttributes(String name, Deadline deadline) {
        return cluster.nodeAttributes(name, deadline);
    }
}
