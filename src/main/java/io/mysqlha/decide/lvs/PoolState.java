package io.mysqlha.decide.lvs;

import io.mysqlha.model.lvs.Endpoint;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the planner remembers between two monitors; the agent stores it (for example in
 * {@code /var/lib/mysqlha/<resource>/pool-state}) with {@link #format} and reads it back with
 * {@link #parse}. Losing it is safe: every member then counts as never seen unhealthy, and
 * real servers already at weight 0 start a new drain period.
 *
 * @param healthyStreaks  per member name: readable monitors in a row, capped at the spec's rise
 *                        (0 after any unreadable or down monitor)
 * @param drainingSince   per real server at weight 0 on its way out: when its drain began
 */
public record PoolState(Map<String, Integer> healthyStreaks, Map<Endpoint, Instant> drainingSince) {
    private static final String HEADER = "# mysqlha lvs pool state v1";

    public static final PoolState EMPTY = new PoolState(Map.of(), Map.of());

    public PoolState {
        healthyStreaks = Collections.unmodifiableMap(new TreeMap<>(healthyStreaks));
        drainingSince = Collections.unmodifiableMap(new TreeMap<>(drainingSince));
        healthyStreaks.forEach((k, v) -> {
            if (v < 0) {
                throw new IllegalArgumentException("negative streak for " + k);
            }
        });
    }

    /** One line per entry: {@code streak <member> <n>} and {@code drain <endpoint> <ISO-8601 instant>}. */
    public String format() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        healthyStreaks.forEach((k, v) -> sb.append("streak ").append(k).append(' ').append(v).append('\n'));
        drainingSince.forEach((k, v) -> sb.append("drain ").append(k).append(' ').append(v).append('\n'));
        return sb.toString();
    }

    /**
     * Reads what {@link #format} wrote; blank and {@code #} lines are skipped.
     *
     * @throws IllegalArgumentException naming the bad line
     */
    public static PoolState parse(String text) {
        Map<String, Integer> streaks = new TreeMap<>();
        Map<Endpoint, Instant> drains = new TreeMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+");
            try {
                if (w.length == 3 && w[0].equals("streak")) {
                    int n = Integer.parseInt(w[2]);
                    if (n < 0) {
                        throw new IllegalArgumentException("negative streak");
                    }
                    streaks.put(w[1], n);
                } else if (w.length == 3 && w[0].equals("drain")) {
                    drains.put(Endpoint.parse(w[1]), Instant.parse(w[2]));
                } else {
                    throw new IllegalArgumentException("expected 'streak NAME N' or 'drain ENDPOINT INSTANT'");
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new IllegalArgumentException("pool state line " + (i + 1) + ": '" + line + "': " + e.getMessage(), e);
            }
        }
        return new PoolState(streaks, drains);
    }
}
