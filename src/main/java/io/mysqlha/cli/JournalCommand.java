package io.mysqlha.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mysqlha.failover.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code mysqlha journal}: the last failover this node took part in, step by step, from its journal
 * ({@code state_dir/<resource>/journal.jsonl}). The promoting node holds the compensation steps; every other
 * node holds its own repoint steps under the same failover id.
 */
@Command(name = "journal", description = "Print the last failover recorded in this node's journal, readably.")
public final class JournalCommand implements Callable<Integer> {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final Set<String> SHOWN = Set.of("ts", "failover", "step", "node", "ms");

    @Option(names = "--resource", defaultValue = "db", description = "the ocf:mysqlha:mysql resource (default: db)")
    String resource;

    @Option(names = "--state-dir", defaultValue = "/var/lib/mysqlha", description = "the agent's state_dir")
    Path stateDir;

    @Option(names = "--all", description = "every failover in the journal, not only the last")
    boolean all;

    @Option(names = "--json", description = "the journal lines as they are")
    boolean json;

    @Override
    public Integer call() throws IOException {
        return print(stateDir.resolve(resource).resolve(Journal.FILE), all, json, System.out);
    }

    static int print(Path file, boolean all, boolean json, PrintStream out) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            out.println("no journal at " + file + ": this node has not taken part in a failover");
            return 0;
        }
        ObjectMapper mapper = new ObjectMapper();
        List<Map<String, Object>> records = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = mapper.readValue(l, LinkedHashMap.class);
                records.add(m);
                raw.add(l);
            } catch (IOException e) {
                // a line cut by a crash: skip it
            }
        }
        if (records.isEmpty()) {
            out.println("the journal at " + file + " is empty");
            return 0;
        }
        String last = String.valueOf(records.get(records.size() - 1).get("failover"));
        if (!json) {
            // a step's line is written when it ends, stamped when it began: show them in the order they began
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                order.add(i);
            }
            order.sort(java.util.Comparator.comparing((Integer i) -> String.valueOf(records.get(i).get("failover")),
                    (a, b) -> 0).thenComparingLong(i -> records.get(i).get("ts") instanceof Number n ? n.longValue() : 0));
            List<Map<String, Object>> sorted = new ArrayList<>();
            List<String> sortedRaw = new ArrayList<>();
            for (int i : order) {
                sorted.add(records.get(i));
                sortedRaw.add(raw.get(i));
            }
            records.clear();
            records.addAll(sorted);
            raw.clear();
            raw.addAll(sortedRaw);
        }
        String current = null;
        for (int i = 0; i < records.size(); i++) {
            Map<String, Object> r = records.get(i);
            String id = String.valueOf(r.get("failover"));
            if (!all && !id.equals(last)) {
                continue;
            }
            if (json) {
                out.println(raw.get(i));
                continue;
            }
            if (!id.equals(current)) {
                current = id;
                out.println("failover " + id);
            }
            StringBuilder b = new StringBuilder("  ");
            Object ts = r.get("ts");
            b.append(ts instanceof Number n ? TIME.format(Instant.ofEpochMilli(n.longValue())) : "?");
            b.append(String.format("  %-18s %-6s %6s ms", r.get("step"), r.get("node"), r.getOrDefault("ms", "")));
            for (Map.Entry<String, Object> e : r.entrySet()) {
                if (!SHOWN.contains(e.getKey()) && !String.valueOf(e.getValue()).isEmpty()) {
                    b.append("  ").append(e.getKey()).append('=').append(e.getValue());
                }
            }
            out.println(b);
        }
        return 0;
    }
}
