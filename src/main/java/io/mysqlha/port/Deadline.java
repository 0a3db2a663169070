package io.mysqlha.port;

/**
 * The end of an action's time budget, derived from Pacemaker's {@code OCF_RESKEY_CRM_meta_timeout} minus a
 * safety margin, so that the agent answers before Pacemaker gives up on it. Every SQL call and subprocess
 * takes its timeout from here.
 */
public final class Deadline {
    private final Clock clock;
    private final long endNanos;

    private Deadline(Clock clock, long endNanos) {
        this.clock = clock;
        this.endNanos = endNanos;
    }

    /** A deadline {@code millis} from now. */
    public static Deadline in(Clock clock, long millis) {
        return new Deadline(clock, clock.nanoTime() + Math.max(0, millis) * 1_000_000L);
    }

    /**
     * The budget of an action: its timeout less a margin (10% of it, at least 1 s and at most 5 s) kept for
     * answering and logging.
     */
    public static Deadline forAction(Clock clock, long timeoutMillis) {
        long margin = Math.min(5_000, Math.max(1_000, timeoutMillis / 10));
        return in(clock, Math.max(500, timeoutMillis - margin));
    }

    public long remainingMillis() {
        return Math.max(0, (endNanos - clock.nanoTime()) / 1_000_000L);
    }

    public boolean expired() {
        return remainingMillis() <= 0;
    }

    /** A sub-deadline: at most {@code millis}, never later than this one. */
    public Deadline atMost(long millis) {
        long end = Math.min(endNanos, clock.nanoTime() + Math.max(0, millis) * 1_000_000L);
        return new Deadline(clock, end);
    }

    /** This deadline brought forward by {@code millis} (e.g. to keep time for a later step). */
    public Deadline reserve(long millis) {
        return new Deadline(clock, endNanos - millis * 1_000_000L);
    }

    public Clock clock() {
        return clock;
    }
}
