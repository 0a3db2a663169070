package io.mysqlha.rt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Summaries, the RESULT lines and the stored files, from hand-made iteration results. */
class ReportTest {
    static IterationResult it(int n, Fault f, double failover, long lost, int moments, Verdict.Status status) {
        List<Verdict> v = List.of(new Verdict(Checkers.WRITER_VIP, status, "e", Map.of()));
        return new IterationResult(n, f, f.description, List.of("node1"), "node1", "node2", 0, 1, 2, 3, failover,
                failover, 10, 1, 0, lost, moments, moments > 0 ? 2 : 1, List.of(), List.of(), v, null);
    }

    static List<IterationResult> round() {
        List<IterationResult> rs = new ArrayList<>();
        rs.add(it(1, Fault.KILL_PRIMARY_MYSQLD, 3.0, 0, 0, Verdict.Status.VALID));
        rs.add(it(2, Fault.PRIMARY_PARTITIONED, 9.0, 0, 0, Verdict.Status.VALID));
        rs.add(it(3, Fault.KILL_PRIMARY_MYSQLD, 5.0, 0, 0, Verdict.Status.VALID));
        rs.add(it(4, Fault.PRIMARY_PARTITIONED, 11.0, 2, 1, Verdict.Status.INVALID));
        rs.add(it(5, Fault.KILL_REPLICA_MYSQLD, 0.1, 0, 0, Verdict.Status.VALID));
        rs.add(IterationResult.skipped(6, Fault.DISK_FULL, "no disk images", 0));
        return rs;
    }

    @Test
    void summaryAndResultLine() {
        Report.Summary s = Report.summarize(round());
        assertEquals(6, s.iterations());
        assertEquals(1, s.invalid());
        assertEquals(1, s.unknown());
        assertEquals(2, s.lostWrites());
        assertEquals(1, s.splitBrainMoments());
        // p50/p99 over the faults that move the primary only (not kill-replica-mysqld)
        assertEquals(5.0, s.p50());
        assertEquals(11.0, s.p99());
        assertEquals("RESULT iterations=6 invalid=1 lost_acked_writes=2 split_brain_moments=1 failover_p50_s=5.00 "
                + "failover_p99_s=11.00 operator_actions=0 time_to_full_redundancy_p50_s=none "
                + "time_to_full_redundancy_p99_s=none report=/r/report.html", s.resultLine(Path.of("/r/report.html")));
        Report.FaultStats k = s.perFault().get("kill-primary-mysqld");
        assertEquals(2, k.iterations());
        assertEquals(4.0, k.median());
        assertEquals(5.0, k.max());
    }

    /** Operator actions and the time to full redundancy, per iteration, per fault and in the RESULT line. */
    @Test
    void operatorActionsAndFullRedundancy(@TempDir Path dir) throws Exception {
        List<Verdict> v = List.of(new Verdict(Checkers.NO_OPERATOR, Verdict.Status.VALID, "e", Map.of()));
        List<IterationResult> rs = List.of(
                new IterationResult(1, Fault.KILL_PRIMARY_MYSQLD, "d", List.of("node1"), "node1", "node2", 0, 1, 2, 3, 3.0,
                        3.0, 10, 0, 0, 0, 0, 1, List.of(), List.of(), v, null, 4.0, 12.0, Map.of()),
                new IterationResult(2, Fault.KILL_NEW_PRIMARY_DURING_RECOVERY, "d", List.of("node2", "node3"), "node2",
                        "node1", 0, 1, 2, 3, 6.0, 14.0, 10, 0, 0, 0, 0, 1,
                        List.of("rebuilt node2 from node1 (refusing to rejoin: ...)", "crm_resource --cleanup"), List.of("node2"),
                        v, null, 20.0, 30.0, Map.of("node2", "refusing to rejoin: ...")));
        Report.Summary s = Report.summarize(rs);
        assertEquals(2, s.operatorActions());
        assertEquals(4.0, s.fullRedundancyP50());
        assertEquals(20.0, s.fullRedundancyP99());
        assertTrue(s.resultLine(Path.of("/r/report.html")).contains(
                " operator_actions=2 time_to_full_redundancy_p50_s=4.00 time_to_full_redundancy_p99_s=20.00 "), s.resultLine(dir));
        assertEquals(2, s.perFault().get("kill-new-primary-during-recovery").operatorActions());
        assertEquals(0, s.perFault().get("kill-primary-mysqld").operatorActions());
        Report.write(dir, rs, s, Map.of("target", "test"));
        JsonNode j = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertEquals(2, j.get("totals").get("operator_actions").asInt());
        assertEquals(2, j.get("per_fault").get("kill-new-primary-during-recovery").get("operator_actions").asInt());
        assertEquals(2, j.get("iterations").get(1).get("operator_actions").asInt());
        assertEquals("refusing to rejoin: ...", j.get("iterations").get(1).get("refusals").get("node2").asText());
        assertEquals(12.0, j.get("iterations").get(0).get("full_redundancy_after_fault_s").asDouble());
    }

    @Test
    void benchLines() {
        List<String> lines = Report.benchLines(round());
        assertEquals("RESULT fault=kill-primary-mysqld failover_s=4.00 lost_acked_writes=0 writable_primaries=1 "
                + "vip_on_primary=yes runs=2 failover_max_s=5.00", lines.get(0));
        assertEquals("RESULT fault=primary-partitioned failover_s=10.00 lost_acked_writes=2 writable_primaries=2 "
                + "vip_on_primary=no runs=2 failover_max_s=11.00", lines.get(1));
    }

    @Test
    void storedFiles(@TempDir Path dir) throws Exception {
        List<IterationResult> rs = round();
        Report.write(dir, rs, Report.summarize(rs), Map.of("target", "test"));
        JsonNode j = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertEquals(6, j.get("totals").get("iterations").asInt());
        assertEquals("invalid", j.get("iterations").get(3).get("status").asText());
        assertEquals("no disk images", j.get("iterations").get(5).get("skipped").asText());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<svg"), "the plot is inline SVG");
        assertTrue(html.contains("primary-partitioned"));
        assertTrue(Files.size(dir.resolve("failover.png")) > 1000);
    }

    /**
     * An interrupted round writes its report from a shutdown hook, where Java2D can no longer start: with
     * the round's warm-up the picture is written all the same; without it the failure is an IOException
     * (the RESULT line still follows) and results.json and report.html are there.
     */
    @Test
    void aReportWrittenFromAShutdownHook(@TempDir Path dir) throws Exception {
        Path warm = Files.createDirectory(dir.resolve("warm"));
        Path cold = Files.createDirectory(dir.resolve("cold"));
        for (Path d : List.of(warm, cold)) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                    FromShutdownHook.class.getName(), d.toString(), d == warm ? "warm" : "cold")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        }
        assertEquals("ok", Files.readString(warm.resolve("outcome")));
        assertTrue(Files.size(warm.resolve("failover.png")) > 1000);
        String coldOutcome = Files.readString(cold.resolve("outcome"));
        assertTrue(coldOutcome.equals("ok") || coldOutcome.startsWith("threw java.io.IOException: failover.png not written"),
                coldOutcome);
        assertTrue(Files.exists(cold.resolve("results.json")) && Files.exists(cold.resolve("report.html")));
    }

    /** Child JVM of {@link #aReportWrittenFromAShutdownHook}: args DIR warm|cold. */
    public static final class FromShutdownHook {
        public static void main(String[] a) {
            Path dir = Path.of(a[0]);
            if (a[1].equals("warm")) {
                Report.warmUp().ifPresent(e -> System.out.println("warm-up failed: " + e));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                List<IterationResult> rs = round();
                String outcome;
                try {
                    Report.write(dir, rs, Report.summarize(rs), Map.of("target", "test"));
                    outcome = "ok";
                } catch (Throwable e) {
                    outcome = "threw " + e;
                }
                try {
                    Files.writeString(dir.resolve("outcome"), outcome);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            System.exit(0);
        }
    }
}
