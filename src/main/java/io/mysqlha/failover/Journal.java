package io.mysqlha.failover;

import io.mysqlha.port.Clock;
import io.mysqlha.port.LocalState;

/**
 * The failover journal: every compensation step as one JSON line in {@code journal.jsonl} of the resource's state
 * directory, appended and synced as it happens, so that a failover that dies half-way still says how far it got.
 * Members: {@code ts} (wall ms), {@code failover} (the promotion's id, shared by the lines the other nodes write
 * for it), {@code step}, {@code node}, then what the step measured ({@code before}, {@code after},
 * {@code transactions}, {@code bytes}, {@code ms}, {@code detail}).
 */
public final class Journal {
    public static final String FILE = "journal.jsonl";

    private final LocalState state;
    private final Clock clock;
    private final String failoverId;

    public Journal(LocalState state, Clock clock, String failoverId) {
        this.state = state;
        this.clock = clock;
        this.failoverId = failoverId;
    }

    public String failoverId() {
        return failoverId;
    }

    /** A step record to fill and {@link Step#write()}. */
    public Step step(String step, String node) {
        return new Step(step, node);
    }

    /** One journal line under construction; the duration runs from its creation. */
    public final class Step {
        private final JsonLine line = new JsonLine();
        private final long t0 = clock.nanoTime();

        Step(String step, String node) {
            line.put("ts", clock.wallMillis()).put("failover", failoverId).put("step", step).put("node", node);
        }

        public Step put(String key, Object value) {
            line.put(key, value);
            return this;
        }

        /** Milliseconds since the step began. */
        public long elapsedMs() {
            return (clock.nanoTime() - t0) / 1_000_000;
        }

        /** Appends the line (with its duration); a journal that cannot be written never fails the failover. */
        public String write() {
            line.put("ms", elapsedMs());
            String s = line.toString();
            try {
                state.append(FILE, s);
            } catch (RuntimeException e) {
                // the journal is a record, not a precondition
            }
            return s;
        }
    }
}
