package io.mysqlha.it;

import io.mysqlha.it.TestLab.Run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mysqlha status} and the node service's {@code /metrics} on a real lab (three namespaced nodes with
 * Corosync, Pacemaker, MariaDB and the node service), one bring-up for the class:
 * <ol>
 * <li>the whole cluster's status, text and JSON, from a replica: every node reachable, one promoted and
 * writable, the writer VIP on it; /metrics scraped inside the node and parsed by the Prometheus client's own
 * text parser (python3-prometheus-client), agreeing with the status;</li>
 * <li>a kill -9 of the primary's mariadbd: after the promotion the same node's /metrics shows the promoted
 * role moved, one more failover in its journal and the master-info epoch one higher;</li>
 * <li>a node powered off: the status still answers within its bound and shows that node unreachable.</li>
 * </ol>
 * Skipped, with the reason printed, when not root or when the cluster packages are missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterStatusIT {
    static final Path BASE = Path.of(System.getProperty("mysqlha.basedir", "."));
    static final Path LAB = BASE.resolve("test-harness/lab");
    static final Path JAR = BASE.resolve("target/mysqlha.jar");
    static final String PY = "/usr/bin/python3";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> LAB_ENV = Map.of("MYSQLHA_LAB_DIR", "/var/tmp/mysqlha-statusit",
            "MYSQLHA_LAB_PREFIX", "mhsit", "MYSQLHA_LAB_NET", "10.250.5");
    static final TestLab TL = new TestLab("ClusterStatusIT", LAB_ENV);
    /** Reads /metrics inside a node (its loopback is its own). */
    static final String FETCH = "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen("
            + "'http://127.0.0.1:9104/metrics', timeout=20).read().decode())";
    /** The Prometheus client's text parser: one JSON line per sample. */
    static final String PARSE = "import sys,json\n"
            + "from prometheus_client.parser import text_string_to_metric_families as parse\n"
            + "for f in parse(sys.stdin.read()):\n"
            + "    for s in f.samples:\n"
            + "        print(json.dumps({'family': f.name, 'type': f.type, 'name': s.name, 'labels': s.labels,"
            + " 'value': s.value}))\n";
    static String observer;
    static String primary;
    static double failoversBefore;
    static double epochBefore;


    record Sample(String family, String type, String name, Map<String, String> labels, double value) {}

    @BeforeAll
    static void bringUpTheLab() throws Exception {
        TL.assumeRunnable(Files.isExecutable(Path.of(PY)) ? null
                : PY + " is not installed (test-harness/setup installs it)");
        TL.bringUp();
        JsonNode st = awaitStatus("node1", s -> promoted(s) != null && allReplicating(s), 90);
        primary = promoted(st);
        observer = primary.equals("node1") ? "node2" : "node1";
        System.out.printf("ClusterStatusIT: lab up, %s promoted, in %.1f s%n", primary, TL.seconds());
    }

    @AfterAll
    static void tearDown() throws Exception {
        TL.tearDown();
    }

    @Test
    @Order(1)
    void wholeClusterFromAReplicaAndItsMetrics() throws Exception {
        Run text = status(observer, false);
        assertEquals(0, text.rc(), text.out() + text.err());
        for (String line : text.out().split("\n")) {
            assertTrue(line.length() <= 100, "fits 100 columns: " + line);
        }
        assertTrue(text.out().contains("NODE     PACEMAKER"), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith(primary + " ") && l.contains("promoted")
                && l.contains("WRITABLE")), text.out());
        JsonNode s = statusJson(observer);
        assertEquals(1, s.get("schema_version").asInt());
        assertEquals(observer, s.get("from_node").asText());
        assertEquals(3, s.get("nodes").size());
        for (JsonNode n : s.get("nodes")) {
            assertTrue(n.get("reachable").asBoolean(), n.toString());
            boolean isPrimary = n.get("name").asText().equals(primary);
            assertEquals(!isPrimary, n.get("server").get("read_only").asBoolean(), n.toString());
            assertEquals(isPrimary ? "primary" : "replica", n.get("server").get("semi_sync").get("mode").asText());
        }
        assertEquals(List.of(primary), holders(s, "writer-vip"));
        assertTrue(node(s, observer).get("local").get("lifecycle").asText().startsWith("running"), s.toString());

        List<Sample> m = scrape(observer);
        assertEquals(1.0, value(m, "mysqlha_node_promoted", Map.of("node", primary)));
        assertEquals(0.0, value(m, "mysqlha_node_read_only", Map.of("node", primary)));
        assertEquals(2.0, value(m, "mysqlha_node_semisync_clients", Map.of("node", primary)));
        assertEquals(1.0, value(m, "mysqlha_vip_holder", Map.of("vip", "writer-vip", "node", primary)));
        assertTrue(m.stream().anyMatch(x -> x.name().equals("mysqlha_node_applied_seq") && x.value() > 0));
        assertTrue(m.stream().anyMatch(x -> x.family().equals("mysqlha_action_duration_seconds")
                && x.type().equals("histogram") && "monitor".equals(x.labels().get("action"))),
                "the service's monitor durations");
        assertTrue(m.stream().noneMatch(x -> x.labels().toString().toLowerCase().contains("password")));
        failoversBefore = value(m, "mysqlha_failovers_total", Map.of("node", observer));
        epochBefore = value(m, "mysqlha_master_info_epoch", Map.of());
    }

    @Test
    @Order(2)
    void afterAFailoverTheMetricsFollow() throws Exception {
        String old = primary;
        Run k = run(List.of(LAB.toString(), "kill-mysqld", old), 30, null);
        assertEquals(0, k.rc(), k.out() + k.err());
        JsonNode s = awaitStatus(observer, x -> promoted(x) != null && !promoted(x).equals(old)
                && !node(x, promoted(x)).get("server").get("read_only").asBoolean(), 90);
        primary = promoted(s);
        long end = System.nanoTime() + 30_000_000_000L;
        List<Sample> m;
        do {
            m = scrape(observer);
            Thread.sleep(1000);
        } while (System.nanoTime() < end && !(value(m, "mysqlha_failovers_total", Map.of("node", observer))
                > failoversBefore && value(m, "mysqlha_node_promoted", Map.of("node", primary)) == 1.0));
        // each promote attempt journals under an id of its own: one failover may take more than one attempt
        assertTrue(value(m, "mysqlha_failovers_total", Map.of("node", observer)) > failoversBefore,
                "the failover in " + observer + "'s journal");
        assertEquals(1.0, value(m, "mysqlha_node_promoted", Map.of("node", primary)));
        assertEquals(0.0, value(m, "mysqlha_node_promoted", Map.of("node", old)));
        assertEquals(epochBefore + 1, value(m, "mysqlha_master_info_epoch", Map.of()));
        assertTrue(m.stream().anyMatch(x -> x.family().equals("mysqlha_last_failover_duration_seconds")));
        System.out.printf("ClusterStatusIT: failover %s -> %s seen in %s's /metrics%n", old, primary, observer);
    }

    @Test
    @Order(3)
    void aNodeDownIsUnreachableWithinTheBound() throws Exception {
        String victim = List.of("node1", "node2", "node3").stream()
                .filter(n -> !n.equals(observer) && !n.equals(primary)).findFirst().orElseThrow();
        Run k = run(List.of(LAB.toString(), "kill-node", victim), 60, null);
        assertEquals(0, k.rc(), k.out() + k.err());
        Run j = run(List.of(LAB.toString(), "exec", observer, "java", "-jar", "/usr/share/mysqlha/mysqlha.jar", "status",
                "--json", "--timeout-ms", "5000"), 60, null);
        assertEquals(1, j.rc(), "exit 1 when a node does not answer\n" + j.out() + j.err());
        assertTrue(j.millis() < 25_000, "bounded: " + j.millis() + " ms");
        JsonNode s = JSON.readTree(j.out());
        JsonNode v = node(s, victim);
        assertFalse(v.get("reachable").asBoolean(), v.toString());
        assertTrue(v.get("server").isNull());
        assertFalse(v.get("unreachable_reason").asText().isEmpty());
        assertTrue(node(s, primary).get("reachable").asBoolean(), "the others still answer: " + s);
        Run t = status(observer, false);
        assertEquals(1, t.rc());
        assertTrue(t.out().lines().anyMatch(l -> l.startsWith(victim + " ") && l.contains("UNREACHABLE")), t.out());
        assertTrue(t.out().lines().anyMatch(l -> l.startsWith(primary + " ") && l.contains("WRITABLE")),
                "the primary answers within the default bound, in a fresh JVM:\n" + t.out());
        System.out.printf("ClusterStatusIT: %s down: status in %d ms:%n%s", victim, j.millis(), t.out());
    }

    // ------------------------------------------------------------------ helpers

    static Run status(String node, boolean json) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAB.toString(), "exec", node, "java", "-jar",
                "/usr/share/mysqlha/mysqlha.jar", "status"));
        if (json) {
            cmd.add("--json");
        }
        return run(cmd, 60, null);
    }

    static JsonNode statusJson(String node) throws Exception {
        Run r = status(node, true);
        return JSON.readTree(r.out());
    }

    static JsonNode awaitStatus(String node, java.util.function.Predicate<JsonNode> ok, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < end) {
            try {
                last = statusJson(node);
                if (ok.test(last)) {
                    return last;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not up yet
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("status from " + node + " not as expected within " + seconds + " s: " + last);
    }

    static String promoted(JsonNode s) {
        String p = null;
        for (JsonNode n : s.get("nodes")) {
            if (n.get("pacemaker").get("role").asText().equals("promoted")) {
                if (p != null) {
                    return null;
                }
                p = n.get("name").asText();
            }
        }
        return p;
    }

    static boolean allReplicating(JsonNode s) {
        for (JsonNode n : s.get("nodes")) {
            if (!n.get("reachable").asBoolean()) {
                return false;
            }
            JsonNode r = n.get("server").get("replication");
            if (!n.get("pacemaker").get("role").asText().equals("promoted")
                    && (r.isNull() || !r.get("io_thread").asText().equals("yes"))) {
                return false;
            }
        }
        return true;
    }

    static JsonNode node(JsonNode s, String name) {
        for (JsonNode n : s.get("nodes")) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + s);
    }

    static List<String> holders(JsonNode s, String vip) {
        for (JsonNode v : s.get("vips")) {
            if (v.get("id").asText().equals(vip)) {
                List<String> h = new ArrayList<>();
                v.get("holders").forEach(x -> h.add(x.asText()));
                return h;
            }
        }
        return List.of();
    }

    static List<Sample> scrape(String node) throws Exception {
        Run f = run(List.of(LAB.toString(), "exec", node, PY, "-c", FETCH), 60, null);
        assertEquals(0, f.rc(), "GET /metrics on " + node + ":\n" + f.err());
        Run p = run(List.of(PY, "-c", PARSE), 60, f.out());
        assertEquals(0, p.rc(), "the Prometheus text parser rejects the exposition:\n" + p.err() + "\n" + f.out());
        List<Sample> out = new ArrayList<>();
        for (String line : p.out().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode j = JSON.readTree(line);
            Map<String, String> labels = new HashMap<>();
            j.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(new Sample(j.get("family").asText(), j.get("type").asText(), j.get("name").asText(), labels,
                    j.get("value").asDouble()));
        }
        assertFalse(out.isEmpty(), f.out());
        return out;
    }

    /** The one sample of {@code name} whose labels include {@code labels}. */
    static double value(List<Sample> m, String name, Map<String, String> labels) {
        List<Sample> hit = m.stream().filter(s -> s.name().equals(name)
                && s.labels().entrySet().containsAll(labels.entrySet())).toList();
        assertEquals(1, hit.size(), name + labels + " in " + m.stream().filter(s -> s.name().equals(name)).toList());
        return hit.get(0).value();
    }

    static Run run(List<String> cmd, int timeoutS, String stdin) throws Exception {
        return TL.run(cmd, timeoutS, java.util.Map.of(), stdin, false);
    }
}
