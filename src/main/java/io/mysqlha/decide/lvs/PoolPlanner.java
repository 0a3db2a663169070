package io.mysqlha.decide.lvs;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides how the IPVS table must change so that the virtual service holds exactly the members
 * fit to serve reads. A pure function of the pool spec, what the cluster says about each member,
 * the current table and the remembered state: no I/O, no clock of its own.
 *
 * <p>Rules:
 * <ul>
 * <li><b>Membership.</b> A member is in the pool when it is {@link Health#READABLE} and has been
 * readable {@code rise} monitors in a row. A member the state has never seen counts as having
 * risen already, so a fresh start fills the pool at once; damping applies to coming
 * <em>back</em>: after any unreadable or down monitor the count starts again from zero, so a
 * flapping replica stays out. The primary joins by {@link PrimaryPolicy}.</li>
 * <li><b>Repair.</b> The table is compared with that, not with what the agent did last time: a
 * missing service is re-created, a changed service configuration is edited back, a wrong weight or
 * forwarding method is edited back, and real servers nobody asked for leave the pool.</li>
 * <li><b>Leaving.</b> A real server that must leave is removed at once when its member is
 * {@link Health#DOWN}, when draining is off, or when it has no active connections. Otherwise it is
 * drained: weight 0 (no new connections), then removed once its active connections reach 0 or the
 * drain timeout has passed since the drain began.</li>
 * <li>Services other than the pool's own are never touched.</li>
 * </ul>
 */
public final class PoolPlanner {
    private PoolPlanner() {}

    /**
     * Plans one reconciliation.
     *
     * @param spec     the pool, validated
     * @param members  every node that may be in the pool, with its health at this monitor
     * @param table    the current IPVS table (from {@code ipvsadm -L -n}, so that draining sees
     *                 connection counts; from {@code --save} a drain just waits for its timeout)
     * @param state    what the previous plan returned as {@link PoolPlan#nextState}
     * @param now      the time of this monitor
     * @throws IllegalArgumentException when the members do not fit the spec (see {@link PoolSpec#checkMembers})
     */
    public static PoolPlan plan(PoolSpec spec, List<Member> members, IpvsTable table, PoolState state, Instant now) {
        spec.checkMembers(members);
        ServiceId id = spec.id();
        List<String> notes = new ArrayList<>();

        // Who is fit, after damping.
        Map<String, Integer> streaks = new TreeMap<>();
        List<Member> replicas = new ArrayList<>();
        List<Member> primaries = new ArrayList<>();
        Map<Member, String> outBecause = new HashMap<>();
        for (Member m : members) {
            Integer before = state.healthyStreaks().get(m.name());
            int streak = m.health() != Health.READABLE ? 0 : before == null ? spec.rise() : Math.min(before + 1, spec.rise());
            streaks.put(m.name(), streak);
            if (m.health() != Health.READABLE) {
                outBecause.put(m, m.name() + (m.health() == Health.DOWN ? " down" : " not readable"));
            } else if (streak < spec.rise()) {
                String why = m.name() + " readable " + streak + " of " + spec.rise() + " monitors in a row";
                outBecause.put(m, why);
                notes.add(why + ": not back in the pool yet");
            } else if (m.primary()) {
                primaries.add(m);
            } else {
                replicas.add(m);
            }
        }
        List<Member> chosen = new ArrayList<>(replicas);
        for (Member p : primaries) {
            boolean in = spec.primaryPolicy() == PrimaryPolicy.ALWAYS
                    || (spec.primaryPolicy() == PrimaryPolicy.FALLBACK && replicas.isEmpty());
            if (in) {
                chosen.add(p);
                if (spec.primaryPolicy() == PrimaryPolicy.FALLBACK) {
                    notes.add("no replica readable: primary " + p.name() + " serves reads as fallback");
                }
            } else {
                outBecause.put(p, p.name() + " is the primary (primary policy " + spec.primaryPolicy().name().toLowerCase(Locale.ROOT) + ")");
            }
        }

        Map<Endpoint, Member> byEndpoint = new HashMap<>();
        for (Member m : members) {
            byEndpoint.put(spec.realServerEndpoint(m), m);
        }
        Map<Endpoint, RealServer> wanted = new TreeMap<>();
        Map<Endpoint, Member> wantedBy = new HashMap<>();
        for (Member m : chosen) {
            Endpoint e = spec.realServerEndpoint(m);
            wanted.put(e, RealServer.of(e, spec.forwarding(), m.weight()));
            wantedBy.put(e, m);
        }

        // Compare with the table.
        List<IpvsChange> changes = new ArrayList<>();
        List<IpvsChange> drains = new ArrayList<>();
        List<IpvsChange> removals = new ArrayList<>();
        Map<Endpoint, Instant> draining = new TreeMap<>();
        Optional<IpvsTable.Entry> current = table.find(id);
        Map<Endpoint, RealServer> present = new TreeMap<>();
        if (current.isEmpty()) {
            changes.add(new IpvsChange.AddService(spec.service(), "not in the IPVS table"));
        } else {
            current.get().realServers().forEach(r -> present.put(r.endpoint(), r));
            if (!current.get().service().differencesFrom(spec.service()).isEmpty()) {
                changes.add(new IpvsChange.EditService(current.get().service(), spec.service(),
                        "configuration differs from the resource's"));
            }
        }
        for (RealServer want : wanted.values()) {
            Member m = wantedBy.get(want.endpoint());
            String who = m.name() + (m.primary() ? " (primary)" : "") + " readable";
            RealServer have = present.get(want.endpoint());
            if (have == null) {
                changes.add(new IpvsChange.AddServer(id, want, who));
            } else if (!have.sameConfig(want)) {
                String why = have.weight() == 0 && have.forwarding() == want.forwarding()
                        ? who + ": back in the pool" : who + ": table differs from the resource's";
                changes.add(new IpvsChange.EditServer(id, have, want, why));
            }
        }
        for (RealServer have : present.values()) {
            if (wanted.containsKey(have.endpoint())) {
                continue;
            }
            Member owner = byEndpoint.get(have.endpoint());
            String why = owner == null ? "not a member of the pool" : outBecause.get(owner);
            if (owner != null && owner.health() == Health.DOWN) {
                removals.add(new IpvsChange.DeleteServer(id, have, why));
            } else if (spec.drainTimeout().isZero()) {
                removals.add(new IpvsChange.DeleteServer(id, have, why + "; draining is off"));
            } else if (have.hasConnectionCounts() && have.connections().active() == 0) {
                removals.add(new IpvsChange.DeleteServer(id, have, why + "; no active connections"));
            } else {
                // A drain keeps its start when someone re-weights the server meanwhile: the deadline
                // must not move.
                Instant since = state.drainingSince().getOrDefault(have.endpoint(), now);
                Instant deadline = since.plus(spec.drainTimeout());
                String conns = have.hasConnectionCounts()
                        ? have.connections().active() + " active connections" : "active connections unknown";
                if (!now.isBefore(deadline)) {
                    removals.add(new IpvsChange.DeleteServer(id, have, why + "; drain timeout passed with " + conns));
                } else {
                    draining.put(have.endpoint(), since);
                    if (have.weight() > 0) {
                        drains.add(new IpvsChange.EditServer(id, have, have.withWeight(0), why + "; " + conns));
                    } else {
                        notes.add("draining " + have.endpoint() + " (" + why + "): " + conns + ", removed by " + deadline);
                    }
                }
            }
        }
        changes.addAll(drains);
        changes.addAll(removals);
        if (wanted.isEmpty()) {
            notes.add("the read pool of " + id + " is empty: no member may serve reads");
        }
        return new PoolPlan(changes, List.copyOf(wanted.values()), new PoolState(streaks, draining), notes);
    }

    /** Plans the resource's stop: delete the virtual service (with its real servers) if it is there. */
    public static List<IpvsChange> planStop(ServiceId id, IpvsTable table) {
        return table.find(id).isPresent()
                ? List.of(new IpvsChange.DeleteService(id, "resource stopping"))
                : List.of();
    }

    /** Whether the pool's virtual service exists in the table: the agent's notion of "running". */
    public static boolean isRunning(ServiceId id, IpvsTable table) {
        return table.find(id).isPresent();
    }
}
