package io.mysqlha.decide;

import io.mysqlha.model.InstanceState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a planned switchover may start, as a pure function of what the command gathered: the cluster as
 * Pacemaker shows it, each HA node's server, and the primary's open transactions. Every refusal names the
 * node and the fix. The target, when the operator names none, is the node Pacemaker would promote: the
 * unpromoted HA node with the highest promotion score the agents published.
 */
public final class SwitchoverCheck {
    private SwitchoverCheck() {}

    /** One HA node's server as the command read it: empty state when it could not be reached (error says why). */
    public record Server(Optional<InstanceState> state, String error) {
        public static Server of(InstanceState st) {
            return new Server(Optional.of(st), "");
        }

        public static Server unreachable(String error) {
            return new Server(Optional.empty(), error);
        }
    }

    /** A transaction open on the primary: its thread, age in seconds, user@host and state. */
    public record OpenTransaction(long thread, long ageS, String who, String state) {}

    /**
     * What the command gathered. roles: node to the clone instance's role (Promoted, Unpromoted, Stopped...);
     * scores: the published promotion scores; readable: the agents' readable attribute ("1"/"0");
     * failures: the clone's failed actions as text; holds: node to a hold or crash-guard refusal found in its
     * state (only what the command could read).
     */
    public record Facts(boolean quorate, List<String> haNodes, List<String> online, Map<String, String> roles,
            Map<String, Integer> scores, Map<String, String> readable, List<String> failures,
            Map<String, Server> servers, List<OpenTransaction> transactions, Map<String, String> holds,
            String requestedTarget, long maxLagS, long maxTrxAgeS, String resource) {}

    /** The outcome: the current primary and the target (null when unknown), and every reason to refuse. */
    public record Plan(String primary, String target, List<String> refusals) {
        public boolean allowed() {
            return refusals.isEmpty();
        }
    }

    public static Plan check(Facts f) {
        List<String> why = new ArrayList<>();
        String rsc = f.resource();
        if (!f.quorate()) {
            why.add("this partition has no quorum; fix: bring the other nodes back (corosync-quorumtool -s) "
                    + "and run the switchover from a node of the quorate partition");
        }
        for (String n : f.haNodes()) {
            if (!f.online().contains(n)) {
                why.add(n + ": HA node is offline; fix: start the cluster on it (pcs cluster start " + n
                        + ") and wait until it replicates again");
            } else {
                String role = f.roles().getOrDefault(n, "Stopped");
                if (!role.equals("Promoted") && !role.equals("Unpromoted")) {
                    why.add(n + ": " + rsc + " is " + role + " there; fix: find why (pcs status --full), then "
                            + "pcs resource cleanup " + rsc + " --node " + n);
                }
            }
        }
        List<String> promoted = f.haNodes().stream().filter(n -> "Promoted".equals(f.roles().get(n))).toList();
        String primary = promoted.size() == 1 ? promoted.get(0) : null;
        if (promoted.size() != 1) {
            why.add("the cluster has " + promoted.size() + " promoted instances " + promoted
                    + "; fix: wait until Pacemaker has promoted exactly one (crm_mon)");
        }
        for (String fail : f.failures()) {
            why.add("failed action " + fail + "; fix: find its cause in the node's log, then pcs resource cleanup " + rsc);
        }
        String target = f.requestedTarget();
        if (target != null) {
            if (!f.haNodes().contains(target)) {
                why.add(target + ": not an HA node (ha_nodes: " + String.join(" ", f.haNodes())
                        + "); fix: name one of them with --to");
                target = null;
            } else if (target.equals(primary)) {
                why.add(target + ": is already the primary; fix: name another HA node with --to");
                target = null;
            }
        } else if (primary != null) {
            target = f.haNodes().stream().filter(n -> !n.equals(primary) && "Unpromoted".equals(f.roles().get(n)))
                    .max(Comparator.<String>comparingInt(n -> f.scores().getOrDefault(n, -1))
                            .thenComparing(Comparator.<String>reverseOrder()))
                    .orElse(null);
            if (target == null) {
                why.add("no unpromoted HA node to switch to; fix: start " + rsc + " on another HA node");
            }
        }
        if (target != null) {
            targetChecks(f, target, why);
        }
        if (primary != null) {
            primaryChecks(f, primary, why);
        }
        return new Plan(primary, target, List.copyOf(why));
    }

    private static void targetChecks(Facts f, String t, List<String> why) {
        String hold = f.holds().get(t);
        if (hold != null) {
            why.add(t + ": held out by the agent (" + hold + "); fix: check the node, then mysqlha rejoin "
                    + "--clear-hold on " + t + " and pcs resource cleanup " + f.resource());
        }
        int score = f.scores().getOrDefault(t, -1);
        if (score <= Election.YIELD_SCORE) {
            why.add(t + ": its promotion score is " + (score < 0 ? "absent" : Integer.toString(score))
                    + ", the agent does not consider it a candidate; fix: see its monitor's log (journalctl, "
                    + "pacemaker.log) and wait for a score above " + Election.YIELD_SCORE);
        }
        Server s = f.servers().get(t);
        if (s == null || s.state().isEmpty()) {
            why.add(t + ": its server cannot be read (" + (s == null ? "not asked" : s.error()) + "); fix: check "
                    + "that mariadbd runs there and answers on its node address");
            return;
        }
        InstanceState st = s.state().get();
        var r = st.replica();
        if (!r.configured()) {
            why.add(t + ": replicates from nothing; fix: let the agent repoint it (pcs resource cleanup "
                    + f.resource() + " --node " + t + ")");
            return;
        }
        if (!r.ioRunning() || !r.sqlRunning()) {
            why.add(t + ": replication threads not both running (IO " + r.ioState().name().toLowerCase() + ", SQL "
                    + (r.sqlRunning() ? "yes" : "no") + (r.hasError() ? ", " + errors(r) : "")
                    + "); fix: START SLAVE on " + t + " (or find why it stopped) and retry");
        } else if (r.secondsBehind() == null || r.secondsBehind() > f.maxLagS()) {
            why.add(t + ": lags " + (r.secondsBehind() == null ? "an unknown time" : r.secondsBehind() + " s")
                    + " behind the primary (bound " + f.maxLagS() + " s" + (r.sqlDelay() > 0 ? ", MASTER_DELAY "
                    + r.sqlDelay() + " s" : "") + "); fix: wait until it has caught up, or raise --max-lag");
        }
        if (!st.readOnly()) {
            why.add(t + ": is writable although it is a replica; fix: SET GLOBAL read_only=1 on " + t
                    + " and find who opened it");
        }
        if (st.semiSync().available() && !st.semiSync().replicaEnabled()) {
            why.add(t + ": does not send semi-sync ACKs (rpl_semi_sync_slave_enabled=OFF); fix: let the agent "
                    + "restart its replication (pcs resource cleanup " + f.resource() + " --node " + t + ")");
        }
        if ("0".equals(f.readable().get(t))) {
            why.add(t + ": its agent reports it not readable (its readable attribute is 0); fix: "
                    + "wait for its monitor to see it healthy");
        }
    }

    private static String errors(io.mysqlha.model.ReplicaStatus r) {
        StringBuilder b = new StringBuilder();
        if (r.lastIoErrno() != 0) {
            b.append("IO error ").append(r.lastIoErrno()).append(": ").append(r.lastIoError());
        }
        if (r.lastSqlErrno() != 0) {
            b.append(b.length() == 0 ? "" : ", ").append("SQL error ").append(r.lastSqlErrno()).append(": ")
                    .append(r.lastSqlError());
        }
        return b.toString();
    }

    private static void primaryChecks(Facts f, String p, List<String> why) {
        Server s = f.servers().get(p);
        if (s == null || s.state().isEmpty()) {
            why.add(p + ": the primary's server cannot be read (" + (s == null ? "not asked" : s.error())
                    + "); fix: check that it answers on its node address");
            return;
        }
        InstanceState st = s.state().get();
        if (st.readOnly()) {
            why.add(p + ": the primary is read-only; fix: wait until its promotion has finished (crm_mon)");
        }
        if (st.semiSync().available() && (!st.semiSync().primaryActive() || st.semiSync().clients() < 1)) {
            why.add(p + ": the primary's semi-sync has no ACKing replica (clients " + st.semiSync().clients()
                    + "); fix: wait until a replica is connected and ACKs (SHOW STATUS LIKE 'Rpl_semi_sync%')");
        }
        for (OpenTransaction t : f.transactions()) {
            if (t.ageS() > f.maxTrxAgeS()) {
                why.add(p + ": transaction of thread " + t.thread() + " (" + t.who() + ", " + t.state() + ") open for "
                        + t.ageS() + " s (bound " + f.maxTrxAgeS() + " s) would hold the demote; fix: let it "
                        + "finish or KILL " + t.thread() + " on " + p + ", or raise --max-trx-age");
            }
        }
    }
}
