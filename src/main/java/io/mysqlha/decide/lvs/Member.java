package io.mysqlha.decide.lvs;

import io.mysqlha.model.lvs.Endpoint;
import java.util.Objects;

/**
 * A node that may be in the read pool, as seen at this monitor.
 *
 * @param name      node name (Pacemaker's {@code crm_node -n}); the key of its damping state
 * @param endpoint  where its mysqld listens, as a real server
 * @param primary   whether it currently runs the promoted (primary) instance
 * @param health    what its mysql monitor last published
 * @param weight    its scheduler weight while in the pool, 1-65535
 */
public record Member(String name, Endpoint endpoint, boolean primary, Health health, int weight) {
    public Member {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("bad member name '" + name + "' (empty or with spaces)");
        }
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(health, "health");
        if (weight < 1 || weight > 65535) {
            throw new IllegalArgumentException("member " + name + ": weight " + weight + " is outside 1-65535");
        }
    }

    /** A replica with weight 1. */
    public static Member replica(String name, Endpoint endpoint, Health health) {
        return new Member(name, endpoint, false, health, 1);
    }

    /** The primary with weight 1. */
    public static Member primary(String name, Endpoint endpoint, Health health) {
        return new Member(name, endpoint, true, health, 1);
    }

    public Member withHealth(Health h) {
        return new Member(name, endpoint, primary, h, weight);
    }

    public Member withWeight(int w) {
        return new Member(name, endpoint, primary, health, w);
    }
}
