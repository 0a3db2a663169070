package io.mysqlha.model.lvs;

import java.util.List;
import java.util.Objects;

/**
 * A real server of a virtual service.
 *
 * @param endpoint     its address and port, as the kernel stores it (see {@link Forwarding#keepsServicePort})
 * @param forwarding   how packets reach it
 * @param weight       0-65535; 0 takes no new connections ("quiesced") but keeps the ones it has
 * @param connections  connection counts from {@code ipvsadm -L -n}; null when unknown
 *                     (read from {@code ipvsadm --save}, or a server yet to be added)
 */
public record RealServer(Endpoint endpoint, Forwarding forwarding, int weight, Connections connections)
        implements Comparable<RealServer> {
    public RealServer {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(forwarding, "forwarding");
        if (weight < 0 || weight > 65535) {
            throw new IllegalArgumentException("weight " + weight + " is outside 0-65535");
        }
    }

    /** Connection counts of a real server. */
    public record Connections(long active, long inactive) {
        public Connections {
            if (active < 0 || inactive < 0) {
                throw new IllegalArgumentException("negative connection count");
            }
        }
    }

    /** A real server with no known connection counts. */
    public static RealServer of(Endpoint endpoint, Forwarding forwarding, int weight) {
        return new RealServer(endpoint, forwarding, weight, null);
    }

    public RealServer withWeight(int newWeight) {
        return new RealServer(endpoint, forwarding, newWeight, connections);
    }

    public RealServer withConnections(Connections counts) {
        return new RealServer(endpoint, forwarding, weight, counts);
    }

    /** Whether the connection counts are known. */
    public boolean hasConnectionCounts() {
        return connections != null;
    }

    /** The ipvsadm options for this server after the service: {@code -r 10.0.0.2:3306 -g -w 1}. */
    public List<String> configArgs() {
        return List.of("-r", endpoint.toString(), forwarding.option(), "-w", Integer.toString(weight));
    }

    /** Same endpoint, forwarding and weight (connection counts aside). */
    public boolean sameConfig(RealServer o) {
        return endpoint.equals(o.endpoint) && forwarding == o.forwarding && weight == o.weight;
    }

    @Override
    public int compareTo(RealServer o) {
        return endpoint.compareTo(o.endpoint);
    }

    @Override
    public String toString() {
        return endpoint + " " + forwarding.shortName() + " w" + weight
                + (connections == null ? "" : " conns " + connections.active() + "/" + connections.inactive());
    }
}
