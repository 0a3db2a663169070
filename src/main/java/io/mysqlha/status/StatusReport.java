package io.mysqlha.status;

import java.util.List;
import java.util.Map;

/**
 * The whole cluster as one node sees it at one moment: what {@code mysqlha status} prints and the node
 * service serves as {@code /status} and {@code /metrics}. Plain data: gathered by {@link ClusterStatus},
 * rendered by {@link StatusText}, {@link StatusJson} and {@link Metrics}. A field that could not be learned
 * is null (never a guessed value); the reason is in the matching {@code error} field.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param takenAtMs     wall-clock time the gathering began, ms since the epoch
 * @param elapsedMs     how long the gathering took
 * @param fromNode      the node that gathered it
 * @param resource      the ocf:mysqlha:mysql primitive (its attributes are named after it)
 * @param cloneId         the promotable clone that holds it
 * @param quorum        this partition has quorum; null when Pacemaker did not answer
 * @param clusterError  why Pacemaker's state is missing, else null
 * @param masterInfo    the CIB's master-info record, null when none
 * @param nodes         every node Pacemaker knows, in its order
 * @param vips          the VIP resources and their holders
 * @param quorumDevice  the quorum device's vote in this partition; null when none is configured or
 *                      corosync-quorumtool could not be read
 */
public record StatusReport(int schemaVersion, long takenAtMs, long elapsedMs, String fromNode, String resource,
                           String cloneId, Boolean quorum, String clusterError, MasterInfoView masterInfo,
                           List<NodeView> nodes, List<VipView> vips, QuorumDeviceView quorumDevice) {
    /** Grows only when a field changes meaning or goes away; new fields keep the version. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * The quorum device (corosync-qdevice, voting through a qnetd arbitrator) as Corosync counts it here.
     *
     * @param votesHere the votes it casts for this partition now (0: the arbitrator is lost, or it chose the
     *                  other side of a split: a half of the HA nodes cannot promote until it votes again)
     */
    public record QuorumDeviceView(int votesHere) {
        public boolean voting() {
            return votesHere > 0;
        }
    }

    /** The master-info record: who was promoted, at which epoch and position, when. */
    public record MasterInfoView(String node, long epoch, String position, long timeMs, String raw) {
    }

    /**
     * One node.
     *
     * @param name           node name
     * @param address        where its server is reached (node_addresses, else the name) as host:port
     * @param online         Pacemaker counts it online in this partition
     * @param role           Pacemaker's role of the mysql instance there: promoted, unpromoted, stopped, failed
     * @param promotionScore the master-RESOURCE attribute, null when absent (cannot be promoted)
     * @param readable       the RESOURCE-readable attribute (the read pool takes readable nodes), null when absent
     * @param lagAttr        the RESOURCE-lag attribute the agent publishes, s (-1: not a replica)
     * @param failCounts     Pacemaker fail counts of this node's resources, resource id to count
     * @param failedActions  Pacemaker's failed actions on this node, with their exit reasons
     * @param server         what the server answered; null when unreachable
     * @param unreachable    why the server could not be asked (within the per-node bound), else null
     * @param local          records only the node itself can read; null on the other nodes
     */
    public record NodeView(String name, String address, boolean online, String role, Integer promotionScore,
                           Boolean readable, Long lagAttr, Map<String, Integer> failCounts,
                           List<String> failedActions, ServerView server, String unreachable, LocalView local) {
        public boolean inReadPool() {
            return Boolean.TRUE.equals(readable) && online && ("unpromoted".equals(role) || "promoted".equals(role));
        }
    }

    /**
     * The server's own answer.
     *
     * @param readOnly      @@read_only
     * @param applied       applied GTID position (text)
     * @param received      received GTID position (text)
     * @param appliedSeq    applied position as sequence numbers per domain (MariaDB) or per source UUID (MySQL)
     * @param receivedSeq   received position, likewise
     * @param replication   replica threads, null when replication is not configured
     * @param semiSync      semi-sync state
     * @param queryMs       how long the server took to answer
     */
    public record ServerView(String version, long serverId, boolean readOnly, String applied, String received,
                             Map<String, Long> appliedSeq, Map<String, Long> receivedSeq,
                             ReplicationView replication, SemiSyncView semiSync, long queryMs) {
    }

    /** SHOW SLAVE STATUS, the fields an operator reads. {@code lagS} null when the server shows NULL. */
    public record ReplicationView(String source, String ioThread, boolean sqlThread, Long lagS, int lastIoErrno,
                                  String lastIoError, int lastSqlErrno, String lastSqlError, String usingGtid) {
    }

    /**
     * Semi-sync.
     *
     * @param mode         primary, replica, off or unavailable
     * @param active       on a primary: Rpl_semi_sync_master_status (false: degraded to async)
     * @param clients      on a primary: replicas sending ACKs (Rpl_semi_sync_master_clients)
     * @param waitSessions on a primary: sessions waiting for an ACK now
     * @param yesTx        on a primary: transactions ACKed since start
     * @param noTx         on a primary: transactions committed without ACK since start
     * @param acking       on a primary: the nodes seen replicating from it with semi-sync on
     * @param problem      what is wrong with it, else null
     */
    public record SemiSyncView(String mode, boolean active, long clients, long waitSessions, long yesTx, long noTx,
                               List<String> acking, String problem) {
    }

    /**
     * Records on the node's own disk (the state directory).
     *
     * @param fenceFile   the fence file's master-info, null when none
     * @param fenceEpoch  its epoch, null when none or unreadable
     * @param lifecycle   the crash guard's lifecycle record (a REFUSED start keeps its reason there)
     * @param hold        why the node is held out (flapping), else null
     * @param crashes     unclean ends inside the flap window
     */
    public record LocalView(String fenceFile, Long fenceEpoch, String lifecycle, String hold, int crashes) {
    }

    /** A VIP resource: its id, address, agent, and the nodes it runs on now. */
    public record VipView(String id, String ip, String agent, List<String> holders) {
    }
}
