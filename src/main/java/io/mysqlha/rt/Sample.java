package io.mysqlha.rt;

import java.util.List;

/** What the harness saw of the cluster at one moment; written to samples.jsonl, read by the checkers. */
public sealed interface Sample {
    long timeMs();

    /**
     * One node's server, asked locally on the node (so a partitioned node is still seen).
     * readOnly null: the server did not answer in time (down, frozen, or the node is gone).
     */
    record Server(long timeMs, String node, Boolean readOnly, Boolean replicating, Integer semiSyncClients)
            implements Sample {
        public boolean writable() {
            return Boolean.FALSE.equals(readOnly);
        }
    }

    /** Who holds the VIPs: the nodes with each address configured; unknown lists nodes that could not be asked. */
    record Vips(long timeMs, List<String> writer, List<String> reader, List<String> unknown) implements Sample {}

    /** The cluster's own view (crm_mon on one node): where the promoted and unpromoted instances run. */
    record Cluster(long timeMs, String seenFrom, List<String> promoted, List<String> unpromoted, boolean quorate)
            implements Sample {}
}
