package io.mysqlha.decide.lvs;

import java.util.Locale;

/** Whether the promoted (primary) instance serves reads through the pool. */
public enum PrimaryPolicy {
    /** Never: the pool holds replicas only. */
    NEVER,
    /** Always, beside the replicas (with its own weight). */
    ALWAYS,
    /** Only while no replica is in the pool, so that reads keep working when every replica is out. */
    FALLBACK;

    /** Parses {@code never}, {@code always} or {@code fallback}, in any case. */
    public static PrimaryPolicy parse(String name) {
        try {
            return valueOf(name == null ? "" : name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown primary policy '" + name + "' (expected never, always or fallback)", e);
        }
    }
}
