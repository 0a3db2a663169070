package io.mysqlha.decide;

import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MasterInfo;

import java.util.Optional;
import java.util.Set;

/**
 * Everything the monitor observed, as one snapshot: the verdict is a pure function of it.
 *
 * @param processAlive     a server process of this instance exists
 * @param datadirPresent   the datadir and its system schema exist
 * @param sql              what the SQL probe told
 * @param sqlError         the SQL error text, for reasons
 * @param state            server state; null unless {@code sql == OK}
 * @param promotedMarker   this node was promoted by the cluster and not demoted since
 * @param masterInfo       the cluster's record of the primary
 * @param localNode        this node's name
 * @param primarySources   {@code host:port} forms under which the master-info primary may appear as
 *                         this replica's source (node name and address)
 * @param maxLagS          max_lag parameter
 * @param semiSyncRequired whether a primary must run semi-sync that never degrades
 * @param diskFull         the datadir's filesystem has less free space than min_free_mb
 */
public record MonitorFacts(boolean processAlive, boolean datadirPresent, SqlProbe sql, String sqlError,
                           InstanceState state, boolean promotedMarker, Optional<MasterInfo> masterInfo,
                           String localNode, Set<String> primarySources, long maxLagS,
                           boolean semiSyncRequired, boolean diskFull) {
}
