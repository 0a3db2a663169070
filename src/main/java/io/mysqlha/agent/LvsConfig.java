package io.mysqlha.agent;

import io.mysqlha.decide.lvs.Health;
import io.mysqlha.decide.lvs.Member;
import io.mysqlha.decide.lvs.PoolSpec;
import io.mysqlha.decide.lvs.PrimaryPolicy;
import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.Forwarding;
import io.mysqlha.model.lvs.Protocol;
import io.mysqlha.model.lvs.Schedulers;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import io.mysqlha.ocf.Notify;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.Params;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ocf:mysqlha:lvs's parameters, validated once: every error is ERR_CONFIGURED and names its parameter.
 *
 * @param spec           the pool: virtual service, forwarding, primary policy, rise, drain bound
 * @param addresses      node to real-server endpoint, in the order given
 * @param weights        node to weight (every node of {@code addresses})
 * @param mysqlResource  the mysql primitive whose attributes are read
 * @param maxLagS        the pool's lag bound
 */
record LvsConfig(PoolSpec spec, Map<String, Endpoint> addresses, Map<String, Integer> weights,
                 String mysqlResource, long maxLagS) {

    ServiceId id() {
        return spec.id();
    }

    /** The members with their health: the planner's input. */
    List<Member> members(Map<String, Health> health, Map<String, Boolean> primary) {
        List<Member> out = new ArrayList<>();
        addresses.forEach((node, ep) -> out.add(new Member(node, ep, primary.getOrDefault(node, false),
                health.getOrDefault(node, Health.DOWN), weights.get(node))));
        return out;
    }

    static LvsConfig from(Params p) {
        Endpoint vip;
        try {
            vip = Endpoint.parse(p.str("virtual_service").trim());
        } catch (IllegalArgumentException e) {
            throw bad("virtual_service", "'" + p.str("virtual_service") + "' is not address:port ("
                    + e.getMessage() + ")");
        }
        if (vip.port() == 0) {
            throw bad("virtual_service", "port 0 is not a service port");
        }
        ServiceId id = ServiceId.of(Protocol.TCP, vip);
        String scheduler = p.str("scheduler").trim();
        try {
            Schedulers.requireKnown(scheduler);
        } catch (IllegalArgumentException e) {
            throw bad("scheduler", e.getMessage());
        }
        Forwarding forwarding;
        try {
            forwarding = Forwarding.parse(p.str("forwarding"));
        } catch (IllegalArgumentException e) {
            throw bad("forwarding", e.getMessage());
        }
        PrimaryPolicy policy;
        try {
            policy = PrimaryPolicy.parse(p.str("primary_policy"));
        } catch (IllegalArgumentException e) {
            throw bad("primary_policy", e.getMessage());
        }
        long rise = p.integer("rise");
        if (rise < 1 || rise > 1000) {
            throw bad("rise", rise + " is outside 1-1000");
        }
        long drainTimeout = p.integer("drain_timeout");
        if (drainTimeout < 0) {
            throw bad("drain_timeout", "must not be negative");
        }
        long maxLag = p.integer("max_lag");
        if (maxLag < 0) {
            throw bad("max_lag", "must not be negative");
        }
        long realPort = p.integer("real_server_port");
        if (realPort < 0 || realPort > 65535) {
            throw bad("real_server_port", realPort + " is outside 0-65535");
        }
        int defaultPort = realPort == 0 ? vip.port() : (int) realPort;
        Map<String, Endpoint> addresses = new LinkedHashMap<>();
        for (String pair : Notify.split(p.str("node_addresses"))) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw bad("node_addresses", "'" + pair + "' is not node=address or node=address:port");
            }
            String node = pair.substring(0, eq);
            Endpoint ep;
            try {
                ep = Endpoint.parse(pair.substring(eq + 1), defaultPort);
            } catch (IllegalArgumentException e) {
                throw bad("node_addresses", node + ": " + e.getMessage());
            }
            if (addresses.put(node, ep) != null) {
                throw bad("node_addresses", "node " + node + " is listed twice");
            }
        }
        if (addresses.isEmpty()) {
            throw bad("node_addresses", "no node=address pair");
        }
        Map<String, Integer> weights = new LinkedHashMap<>();
        addresses.keySet().forEach(n -> weights.put(n, 1));
        for (String pair : Notify.split(p.str("weights"))) {
            int eq = pair.indexOf('=');
            String node = eq > 0 ? pair.substring(0, eq) : "";
            if (!addresses.containsKey(node)) {
                throw bad("weights", eq <= 0 ? "'" + pair + "' is not node=weight"
                        : "node " + node + " is not in node_addresses");
            }
            int w;
            try {
                w = Integer.parseInt(pair.substring(eq + 1));
            } catch (NumberFormatException e) {
                w = -1;
            }
            if (w < 1 || w > 65535) {
                throw bad("weights", "'" + pair + "': the weight must be a number in 1-65535");
            }
            weights.put(node, w);
        }
        String rsc = p.str("mysql_resource").trim();
        if (rsc.isEmpty() || rsc.chars().anyMatch(c -> c <= ' ')) {
            throw bad("mysql_resource", "'" + rsc + "' is not a resource id");
        }
        PoolSpec spec;
        try {
            spec = new PoolSpec(VirtualService.of(id, scheduler), forwarding, policy, (int) rise,
                    Duration.ofSeconds(p.bool("drain") ? drainTimeout : 0));
            LvsConfig c = new LvsConfig(spec, Collections.unmodifiableMap(addresses),
                    Collections.unmodifiableMap(weights), rsc, maxLag);
            spec.checkMembers(c.members(Map.of(), Map.of()));
            return c;
        } catch (IllegalArgumentException e) {
            throw bad("node_addresses", e.getMessage());
        }
    }

    private static OcfException bad(String param, String what) {
        return OcfException.configured(param + ": " + what + " (parameter '" + param + "')");
    }
}
