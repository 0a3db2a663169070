package io.mysqlha.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Grafana dashboard graphs only metrics the node service exports, and the README lists every one. */
class DashboardTest {
    private static final Pattern NAME = Pattern.compile("mysqlha_[a-z_]+");

    static Set<String> exported() {
        ActionStats a = new ActionStats();
        a.record("mysql", "monitor", 30_000_000L, 0);
        String text = Metrics.render(StatusRenderingTest.report(new StatusReport.QuorumDeviceView(1)),
                new JournalSummary(1, "node2@1", 1_000, 1_500, Map.of("compensate", 900L)), a.snapshot());
        Set<String> names = new TreeSet<>();
        text.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> names.add(l.split(" ")[2]));
        return names;
    }

    @Test
    void everyExpressionNamesAnExportedMetric() throws Exception {
        JsonNode d = new ObjectMapper().readTree(Files.readString(Path.of("packaging/grafana/mysqlha-dashboard.json")));
        Set<String> exported = exported();
        Set<String> used = new TreeSet<>();
        for (JsonNode p : d.get("panels")) {
            for (JsonNode t : p.get("targets")) {
                Matcher m = NAME.matcher(t.get("expr").asText());
                while (m.find()) {
                    String n = m.group();
                    String family = n.replaceAll("_(bucket|sum|count)$", "");
                    used.add(exported.contains(n) ? n : family);
                }
            }
        }
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(exported);
        assertEquals(Set.of(), unknown, "graphed but not exported");
        assertTrue(used.size() >= 15, used.toString());
    }

    @Test
    void theReadmeListsEveryMetric() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> missing = new TreeSet<>();
        for (String n : exported()) {
            if (!readme.contains("`" + n + "`")) {
                missing.add(n);
            }
        }
        assertEquals(Set.of(), missing, "metrics the README does not list");
    }
}
