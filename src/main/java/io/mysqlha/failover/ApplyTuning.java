package io.mysqlha.failover;

import io.mysqlha.dialect.Dialect;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.port.LocalState;
import io.mysqlha.port.SqlSession;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The settings a compensation target applies with, and their restoration: relaxed durability
 * ({@code sync_binlog=0}, {@code innodb_flush_log_at_trx_commit=2}) and parallel apply workers, only while it
 * applies, never once writes are open.
 *
 * <p>The values to restore are written to the state file {@value #FILE} before anything is changed, so that
 * whatever ends the promote in the middle (the agent killed, the node service restarted, a timeout) leaves a
 * record that the next promote or start restores from, and a promote never opens writes while that record
 * exists. A crash of the server needs nothing: SET GLOBAL does not outlive it, and what it was applying still
 * exists on the replica it was applying from.
 */
public final class ApplyTuning {
    /** State file: one {@code name=value} line per global variable to restore (values as SQL literals). */
    public static final String FILE = "apply-tuning";
    /** The relaxed durability, in the order it is set (and recorded). */
    static final Map<String, String> RELAXED = relaxed();

    private static Map<String, String> relaxed() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sync_binlog", "0");
        m.put("innodb_flush_log_at_trx_commit", "2");
        return java.util.Collections.unmodifiableMap(m);
    }

    private final SqlSession session;
    private final Dialect dialect;
    private final LocalState state;
    private final Journal journal;
    private final String node;
    /** What to restore, in the order changed (kept in the state file too). */
    private final Map<String, String> saved = new LinkedHashMap<>();

    ApplyTuning(SqlSession session, Dialect dialect, LocalState state, Journal journal, String node) {
        this.session = session;
        this.dialect = dialect;
        this.state = state;
        this.journal = journal;
        this.node = node;
    }

    /** sync_binlog=0 and innodb_flush_log_at_trx_commit=2 until {@link #restore}. */
    void relaxDurability() {
        if (change(RELAXED)) {
            journal.step("durability-relaxed", node).put("detail", "sync_binlog=0, innodb_flush_log_at_trx_commit=2 "
                    + "while applying; restore " + text(saved)).write();
        }
    }

    /** {@code threads} parallel apply workers until {@link #restore}; replication must be stopped. */
    void parallel(int threads) {
        if (threads <= 1) {
            return;
        }
        Map<String, String> want = dialect.parallelApply(threads);
        if (change(want)) {
            journal.step("parallel-apply", node).put("detail", threads + " workers: " + text(want)).write();
        }
    }

    /** Changes the variables not changed yet that differ; records the old values first. */
    private boolean change(Map<String, String> want) {
        Map<String, String> old = new LinkedHashMap<>();
        for (var e : want.entrySet()) {
            if (saved.containsKey(e.getKey())) {
                continue;
            }
            String now = current(e.getKey());
            if (!now.equals(e.getValue())) {
                old.put(e.getKey(), now);
            }
        }
        if (old.isEmpty()) {
            return false;
        }
        saved.putAll(old);
        state.write(FILE, format(saved));
        for (String name : old.keySet()) {
            session.execute("SET GLOBAL " + name + "=" + want.get(name));
        }
        return true;
    }

    /**
     * Restores what was changed, flushes what was written with relaxed durability to disk, verifies the values
     * and removes the record. Throws when a value cannot be restored: writes must then not open.
     */
    void restore() {
        if (saved.isEmpty()) {
            return;
        }
        boolean durability = touchesDurability(saved);
        restore(session, state, saved);
        if (durability) {
            // the redo log written with innodb_flush_log_at_trx_commit=2 and the binlog written with sync_binlog=0
            // reach the disk: a rotation syncs the binlog it closes. NO_WRITE_TO_BINLOG: a plain FLUSH ENGINE LOGS
            // is written to the binlog as a transaction of this server's own, which a replica must never have
            session.execute("FLUSH NO_WRITE_TO_BINLOG ENGINE LOGS");
            session.execute("FLUSH BINARY LOGS");
        }
        journal.step("apply-settings-restored", node).put("detail", text(saved)
                + (durability ? "; engine and binary logs flushed" : "")).write();
        saved.clear();
    }

    /**
     * What a promote (before it opens writes) and a start run: when a record of changed settings was left,
     * restore and verify them. Returns what was restored, empty when there was nothing. Throws when they
     * cannot be restored.
     */
    public static Optional<String> restoreLeftover(SqlSession s, LocalState state) {
        Optional<String> text = state.read(FILE);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> want = parse(text.get());
        restore(s, state, want);
        if (touchesDurability(want)) {
            s.execute("FLUSH NO_WRITE_TO_BINLOG ENGINE LOGS");
        }
        return Optional.of(text(want));
    }

    /** Whether {@code values} name any of the relaxed durability settings. */
    private static boolean touchesDurability(Map<String, String> values) {
        return values.keySet().stream().anyMatch(RELAXED::containsKey);
    }

    /**
     * Sets every recorded value back (each tried, whatever failed before it), reads them back, and removes the
     * record when all match. A durability setting that does not match throws; any other is left recorded for
     * the next attempt and reported in the exception only if durability failed too.
     */
    private static void restore(SqlSession s, LocalState state, Map<String, String> want) {
        StringBuilder failed = new StringBuilder();
        boolean durabilityFailed = false;
        for (var e : want.entrySet()) {
            String problem;
            try {
                s.execute("SET GLOBAL " + e.getKey() + "=" + e.getValue());
                String now = current(s, e.getKey());
                problem = literal(now).equalsIgnoreCase(e.getValue()) ? null : "is " + now;
            } catch (RuntimeException ex) {
                problem = "could not be set: " + ex.getMessage();
            }
            if (problem != null) {
                failed.append(failed.length() == 0 ? "" : "; ").append(e.getKey()).append(' ').append(problem)
                        .append(" (restoring it to ").append(e.getValue()).append(')');
                durabilityFailed |= RELAXED.containsKey(e.getKey());
            }
        }
        if (durabilityFailed) {
            throw OcfException.generic(failed + ", recorded in " + state.path(FILE) + ": writes must not open "
                    + "with the durability of log compensation; set it in the server and retry");
        }
        if (failed.length() == 0) {
            state.delete(FILE);
        }
    }

    private String current(String name) {
        return literal(current(session, name));
    }

    private static String current(SqlSession s, String name) {
        Map<String, String> row = s.queryRow("SELECT @@global." + name + " AS v");
        if (row == null || row.get("v") == null) {
            throw OcfException.generic("the server has no global variable " + name);
        }
        return row.get("v");
    }

    /** A value as read back, as the literal SET GLOBAL takes: numbers bare, the rest quoted. */
    static String literal(String v) {
        return v.matches("-?[0-9]+") ? v : "'" + v.replace("'", "''") + "'";
    }

    static String format(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[a-z_]+")) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return m;
    }

    private static String text(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return b.toString();
    }
}
