package io.mysqlha.model;

/** How one replication position relates to another. */
public enum Order {
    /** Same transactions. */
    EQUAL,
    /** This has everything the other has, and more. */
    AHEAD,
    /** The other has everything this has, and more. */
    BEHIND,
    /** Each has something the other lacks (errant transactions, or positions that are not comparable). */
    DIVERGED;

    /** True when this side has at least everything the other side has. */
    public boolean covers() {
        return this == EQUAL || this == AHEAD;
    }

    public Order reverse() {
        return switch (this) {
            case AHEAD -> BEHIND;
            case BEHIND -> AHEAD;
            default -> this;
        };
    }

    /** Combines per-part orders (e.g. per GTID domain) into an overall one. */
    public static Order combine(boolean anyAhead, boolean anyBehind) {
        if (anyAhead && anyBehind) {
            return DIVERGED;
        }
        if (anyAhead) {
            return AHEAD;
        }
        return anyBehind ? BEHIND : EQUAL;
    }
}
