package io.mysqlha.port;

import io.mysqlha.decide.lvs.ClusterSnapshot;

/** Where the LVS agent learns which replicas may serve reads: the mysql monitors' published attributes. */
public interface PoolHealthSource {
    /**
     * One snapshot of the partition, the mysql resource's roles and its {@code <rsc>-readable} and
     * {@code <rsc>-lag} node attributes, read with one external call.
     *
     * @param mysqlResource  the mysql primitive's id (the prefix of its attributes)
     * @throws io.mysqlha.ocf.OcfException ERR_GENERIC when the cluster cannot be asked
     */
    ClusterSnapshot snapshot(String mysqlResource, Deadline deadline);
}
