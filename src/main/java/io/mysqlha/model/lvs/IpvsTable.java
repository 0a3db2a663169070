package io.mysqlha.model.lvs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot of the kernel's IPVS table: services with their real servers, sorted as ipvsadm sorts
 * them. Parse one with {@link IpvsadmOutput}.
 */
public record IpvsTable(List<Entry> services) {
    public static final IpvsTable EMPTY = new IpvsTable(List.of());

    /** A virtual service and its real servers. */
    public record Entry(VirtualService service, List<RealServer> realServers) {
        public Entry {
            Objects.requireNonNull(service, "service");
            realServers = realServers.stream().sorted().toList();
            Set<Endpoint> seen = new HashSet<>();
            for (RealServer r : realServers) {
                if (!seen.add(r.endpoint())) {
                    throw new IllegalArgumentException("real server " + r.endpoint() + " twice in " + service.id());
                }
            }
        }

        public ServiceId id() {
            return service.id();
        }

        public Optional<RealServer> find(Endpoint endpoint) {
            return realServers.stream().filter(r -> r.endpoint().equals(endpoint)).findFirst();
        }
    }

    public IpvsTable {
        services = services.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
        Set<ServiceId> seen = new HashSet<>();
        for (Entry e : services) {
            if (!seen.add(e.id())) {
                throw new IllegalArgumentException("virtual service " + e.id() + " twice in the table");
            }
        }
    }

    public Optional<Entry> find(ServiceId id) {
        return services.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public boolean isEmpty() {
        return services.isEmpty();
    }

    /**
     * This table with the connection counts of {@code listed} (a {@code ipvsadm -L -n} snapshot)
     * on the real servers both have; others keep what they had.
     */
    public IpvsTable withConnectionsFrom(IpvsTable listed) {
        Map<ServiceId, Map<Endpoint, RealServer.Connections>> counts = new HashMap<>();
        for (Entry e : listed.services) {
            Map<Endpoint, RealServer.Connections> m = counts.computeIfAbsent(e.id(), k -> new HashMap<>());
            for (RealServer r : e.realServers) {
                if (r.hasConnectionCounts()) {
                    m.put(r.endpoint(), r.connections());
                }
            }
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : services) {
            Map<Endpoint, RealServer.Connections> m = counts.getOrDefault(e.id(), Map.of());
            out.add(new Entry(e.service, e.realServers.stream()
                    .map(r -> m.containsKey(r.endpoint()) ? r.withConnections(m.get(r.endpoint())) : r)
                    .toList()));
        }
        return new IpvsTable(out);
    }

    /** The table in {@code ipvsadm --save -n} form (one line per service and per real server). */
    public String toSaveFormat() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : services) {
            sb.append(String.join(" ", line("-A", e.id().ipvsadmArgs(), e.service.configArgs()))).append('\n');
            for (RealServer r : e.realServers) {
                sb.append(String.join(" ", line("-a", e.id().ipvsadmArgs(), r.configArgs()))).append('\n');
            }
        }
        return sb.toString();
    }

    private static List<String> line(String command, List<String> id, List<String> config) {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.addAll(id);
        a.addAll(config);
        return a;
    }
}
