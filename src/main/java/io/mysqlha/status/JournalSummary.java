package io.mysqlha.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this node's failover journal ({@code state_dir/RESOURCE/journal.jsonl}) says in figures: how many
 * failovers it took part in, and the timings of the last one (its span, and each step's duration summed by
 * step name).
 *
 * @param failovers   distinct failover ids in the journal
 * @param lastId      the last failover's id, null when none
 * @param lastStartMs when its first step began (ms since the epoch)
 * @param lastSpanMs  from its first step's start to its last step's end
 * @param lastSteps   step name to milliseconds, summed over the last failover's steps of that name
 */
public record JournalSummary(int failovers, String lastId, long lastStartMs, long lastSpanMs,
                             Map<String, Long> lastSteps) {
    public static final JournalSummary NONE = new JournalSummary(0, null, 0, 0, Map.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    public static JournalSummary read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException e) {
            return NONE;
        }
    }

    public static JournalSummary parse(List<String> lines) {
        Map<String, long[]> span = new LinkedHashMap<>(); // id -> {first start, last end}
        Map<String, Map<String, Long>> steps = new LinkedHashMap<>();
        String last = null;
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (IOException e) {
                continue; // a line cut by a crash
            }
            if (n == null || !n.has("failover")) {
                continue;
            }
            String id = n.get("failover").asText();
            long ts = n.path("ts").asLong(0);
            long ms = n.path("ms").asLong(0);
            long[] s = span.computeIfAbsent(id, k -> new long[]{Long.MAX_VALUE, 0});
            s[0] = Math.min(s[0], ts);
            s[1] = Math.max(s[1], ts + ms);
            steps.computeIfAbsent(id, k -> new LinkedHashMap<>()).merge(n.path("step").asText("?"), ms, Long::sum);
            last = id;
        }
        if (last == null) {
            return NONE;
        }
        long[] s = span.get(last);
        return new JournalSummary(span.size(), last, s[0], s[1] - s[0], steps.get(last));
    }
}
