package io.mysqlha.adapter;

import io.mysqlha.decide.lvs.ClusterSnapshot;
import io.mysqlha.decide.lvs.ClusterSnapshot.MysqlRole;
import io.mysqlha.decide.lvs.ClusterSnapshot.NodeFacts;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.PoolHealthSource;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The read pool's health from one {@code crm_mon --output-as=xml} call: the nodes online in this
 * partition, where the mysql resource runs and in which role (the clone's instances), and every node's
 * transient attributes. One call gives one consistent picture; crm_mon reads the CIB that attrd writes
 * the attributes into, so it also shows which of those attributes belong to a node that has left.
 */
public final class CrmMonPoolHealth implements PoolHealthSource {
    static final List<String> ARGV = List.of("crm_mon", "--output-as=xml", "--include=none",
            "--include=nodes,resources,attributes");
    private static final Set<String> PRIMARY_ROLES = Set.of("Promoted", "Master", "Promoting", "Demoting");
    private static final Set<String> REPLICA_ROLES = Set.of("Unpromoted", "Slave", "Started");

    private final CommandRunner runner;

    public CrmMonPoolHealth(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public ClusterSnapshot snapshot(String mysqlResource, Deadline deadline) {
        CommandRunner.Result r = runner.run(ARGV, null, deadline.atMost(10_000));
        if (!r.ok()) {
            String why = r.timedOut() ? "timed out" : "exit " + r.exit() + ": " + firstError(r);
            throw OcfException.generic("crm_mon --output-as=xml failed (" + why + ")");
        }
        try {
            return parse(r.stdout(), mysqlResource);
        } catch (IllegalArgumentException e) {
            throw OcfException.generic("cannot read crm_mon's output: " + e.getMessage());
        }
    }

    private static String firstError(CommandRunner.Result r) {
        // crm_mon puts its errors inside the XML result: <error>crm_mon: Connection to cluster failed...</error>
        String out = r.stdout();
        int e = out.indexOf("<error>");
        if (e >= 0) {
            int end = out.indexOf("</error>", e);
            if (end > e) {
                return XmlTags.unescape(out.substring(e + 7, end)).trim();
            }
        }
        return r.message();
    }

    /**
     * Reads crm_mon's XML (Pacemaker 2.1 {@code pacemaker-result} or the older {@code crm_mon} root).
     * The mysql resource is matched by primitive id ({@code db}, or {@code db:0} for unique clones).
     *
     * @throws IllegalArgumentException when the output is not readable, or reports a failure
     */
    static ClusterSnapshot parse(String xml, String rsc) {
        Map<String, Boolean> online = new LinkedHashMap<>();
        Map<String, MysqlRole> roles = new HashMap<>();
        Map<String, Map<String, String>> attrs = new HashMap<>();
        boolean[] found = {false};
        String[] status = {null, null};
        Deque<String> path = new ArrayDeque<>();
        String[] resource = {null, null, null}; // role, active, failed of the matching <resource> being read
        String[] attrNode = {null};
        XmlTags.scan(xml, t -> {
            if (t.end()) {
                if (!path.isEmpty()) {
                    String closed = path.pop();
                    if (closed.equals("resource")) {
                        resource[0] = null;
                    }
                }
                return;
            }
            String parent = path.peek();
            switch (t.name()) {
                case "status" -> {
                    if (path.size() == 1) {
                        status[0] = t.attr("code");
                        status[1] = t.attr("message");
                    }
                }
                case "node" -> {
                    if ("nodes".equals(parent)) {
                        online.put(t.attr("name"), "true".equals(t.attr("online"))
                                && !"true".equals(t.attr("unclean")));
                    } else if ("resource".equals(parent) && resource[0] != null) {
                        MysqlRole role = roleOf(resource[0], resource[1], resource[2]);
                        roles.merge(t.attr("name"), role, CrmMonPoolHealth::worse);
                    } else if ("node_attributes".equals(parent)) {
                        attrNode[0] = t.attr("name");
                    }
                }
                case "resource" -> {
                    String id = t.attr("id");
                    if (id != null && (id.equals(rsc) || id.startsWith(rsc + ":")) && path.contains("resources")) {
                        found[0] = true;
                        resource[0] = t.attr("role") == null ? "" : t.attr("role");
                        resource[1] = t.attr("active");
                        resource[2] = t.attr("failed");
                    }
                }
                case "attribute" -> {
                    if ("node".equals(parent) && attrNode[0] != null && path.contains("node_attributes")) {
                        attrs.computeIfAbsent(attrNode[0], k -> new HashMap<>()).put(t.attr("name"), t.attr("value"));
                    }
                }
                default -> { }
            }
            if (!t.empty()) {
                path.push(t.name());
            }
        });
        if (status[0] != null && !status[0].equals("0")) {
            throw new IllegalArgumentException("crm_mon reports status " + status[0] + " (" + status[1] + ")");
        }
        if (online.isEmpty()) {
            throw new IllegalArgumentException("no <nodes> section");
        }
        Map<String, NodeFacts> nodes = new LinkedHashMap<>();
        online.forEach((node, up) -> {
            Map<String, String> a = attrs.getOrDefault(node, Map.of());
            nodes.put(node, new NodeFacts(up, roles.getOrDefault(node, MysqlRole.STOPPED),
                    a.get(rsc + "-readable"), a.get(rsc + "-lag")));
        });
        return new ClusterSnapshot("crm_mon", found[0], nodes);
    }

    private static MysqlRole roleOf(String role, String active, String failed) {
        if ("true".equals(failed)) {
            return MysqlRole.FAILED;
        }
        if ("false".equals(active)) {
            return MysqlRole.STOPPED;
        }
        if (PRIMARY_ROLES.contains(role)) {
            return MysqlRole.PRIMARY;
        }
        return REPLICA_ROLES.contains(role) ? MysqlRole.REPLICA : MysqlRole.STOPPED;
    }

    // Two instances reported on one node (an orphan beside the live one): believe the more alarming.
    private static MysqlRole worse(MysqlRole x, MysqlRole y) {
        for (MysqlRole r : List.of(MysqlRole.FAILED, MysqlRole.PRIMARY, MysqlRole.STOPPED)) {
            if (x == r || y == r) {
                return r;
            }
        }
        return MysqlRole.REPLICA;
    }
}
