package io.mysqlha.agent;

import io.mysqlha.ocf.ActionSpec;
import io.mysqlha.ocf.ParamSpec;

import java.util.List;

/** Parameters and actions of ocf:mysqlha:lvs: the one source for meta-data, validation and docs. */
public final class LvsParams {
    private LvsParams() {}

    public static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.string("virtual_service", null, "Virtual service (VIP:port)",
                    "The TCP virtual service clients connect to, as address:port: 10.0.0.100:3306, or "
                            + "[2001:db8::100]:3306. An address literal, never a host name. The agent creates, "
                            + "repairs and deletes this service only; other services in the IPVS table are never "
                            + "touched.").asRequired().asUnique(),
            ParamSpec.string("node_addresses", null, "Real-server address per node",
                    "Space-separated node=address or node=address:port pairs, one per node whose server may be "
                            + "in the pool (node names as Pacemaker knows them). A node not listed is never in "
                            + "the pool.").asRequired(),
            ParamSpec.integer("real_server_port", 0, "Real-server port",
                    "Port of the real servers when node_addresses gives none; 0: the virtual service's port. "
                            + "Direct routing and tunnelling always reach the real server on the virtual "
                            + "service's port (the kernel ignores any other); only nat can change it."),
            ParamSpec.string("scheduler", "wrr", "IPVS scheduler",
                    "The IPVS scheduler: wrr, rr, wlc, lc, sh, mh, ..."),
            ParamSpec.string("forwarding", "dr", "Forwarding method",
                    "dr (direct routing: each real server must hold the virtual address on its loopback and "
                            + "not answer ARP for it; see pcs-config/lvs.sh), nat (replies must route back "
                            + "through this node), or tunnel (IP-in-IP)."),
            ParamSpec.string("weights", "", "Weights",
                    "Space-separated node=weight pairs (1-65535), e.g. \"node1=2 node2=1\"; nodes not listed "
                            + "get weight 1."),
            ParamSpec.string("mysql_resource", "db", "mysql resource",
                    "Id of the ocf:mysqlha:mysql primitive whose monitor publishes the <id>-readable and <id>-lag "
                            + "node attributes that decide who is in the pool (the primitive's id, not its "
                            + "clone's)."),
            ParamSpec.integer("max_lag", 60, "Maximum lag (s)",
                    "A replica whose published lag exceeds this many seconds leaves the pool, on top of the "
                            + "mysql resource's own max_lag (which turns readable to 0)."),
            ParamSpec.string("primary_policy", "never", "Primary serves reads",
                    "never: the pool holds replicas only; always: the primary is in the pool too; fallback: "
                            + "the primary serves reads only while no replica can."),
            ParamSpec.bool("drain", true, "Drain leaving replicas",
                    "A replica that turns unreadable but is still up first gets weight 0 (no new connections) "
                            + "and is removed once its active connections have ended, or after drain_timeout. "
                            + "A node that is down is removed at once. false: remove at once."),
            ParamSpec.integer("drain_timeout", 60, "Drain bound (s)",
                    "Longest time a draining real server keeps its open connections before it is removed."),
            ParamSpec.integer("rise", 3, "Monitors before re-adding",
                    "A replica that left the pool comes back only after this many monitors in a row have "
                            + "found it readable, so that a flapping replica stays out. 1: at once."),
            ParamSpec.string("ipvsadm", "ipvsadm", "ipvsadm program",
                    "The ipvsadm program (Debian package ipvsadm): a name looked up on PATH, or a path."),
            ParamSpec.string("state_dir", "/var/lib/mysqlha", "State directory",
                    "Where the agent remembers the pool between monitors (healthy streaks, drain starts), in a "
                            + "subdirectory named after the resource. Losing it is safe."));

    public static final List<ActionSpec> ACTIONS = List.of(
            ActionSpec.of("start", 20),
            ActionSpec.of("stop", 20),
            new ActionSpec("monitor", 20, 5, null, 0),
            ActionSpec.of("meta-data", 5),
            ActionSpec.of("validate-all", 20));
}
