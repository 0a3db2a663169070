package io.mysqlha.rt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** results.json and report.html (a per-fault table and the failover plot, drawn by XChart as inline SVG). */
public final class Report {
    private Report() {}

    /** Figures of one fault type over a round. */
    public record FaultStats(String fault, int iterations, int passed, int invalid, int unknown, double p50,
            double p99, double max, double median, long lostWrites, int splitBrainMoments, int operatorActions,
            double fullRedundancyP50, double fullRedundancyMax, double writePauseP50, double writePauseMax) {}

    /** The round's totals and the RESULT line. */
    public record Summary(int iterations, int invalid, int unknown, long lostWrites, int splitBrainMoments,
            double p50, double p99, Map<String, FaultStats> perFault, int operatorActions, double fullRedundancyP50,
            double fullRedundancyP99) {
        public String resultLine(Path report) {
            return String.format(Locale.ROOT, "RESULT iterations=%d invalid=%d lost_acked_writes=%d split_brain_moments=%d "
                    + "failover_p50_s=%s failover_p99_s=%s operator_actions=%d time_to_full_redundancy_p50_s=%s "
                    + "time_to_full_redundancy_p99_s=%s report=%s", iterations, invalid, lostWrites, splitBrainMoments,
                    Stats.fmt(p50), Stats.fmt(p99), operatorActions, Stats.fmt(fullRedundancyP50),
                    Stats.fmt(fullRedundancyP99), report);
        }
    }

    /** Seconds from the heal step to full redundancy, over the iterations that reached it. */
    static List<Double> fullRedundancy(List<IterationResult> rs) {
        return rs.stream().filter(r -> r.skipped() == null && !Double.isNaN(r.fullRedundancyAfterHealS()))
                .map(IterationResult::fullRedundancyAfterHealS).toList();
    }

    public static Summary summarize(List<IterationResult> results) {
        Map<String, List<IterationResult>> byFault = new LinkedHashMap<>();
        for (IterationResult r : results) {
            byFault.computeIfAbsent(r.fault().id, k -> new ArrayList<>()).add(r);
        }
        Map<String, FaultStats> per = new LinkedHashMap<>();
        for (Map.Entry<String, List<IterationResult>> e : byFault.entrySet()) {
            List<IterationResult> rs = e.getValue();
            List<Double> fo = failovers(rs);
            per.put(e.getKey(), new FaultStats(e.getKey(), rs.size(),
                    (int) rs.stream().filter(r -> r.status() == Verdict.Status.VALID).count(),
                    (int) rs.stream().filter(r -> r.status() == Verdict.Status.INVALID).count(),
                    (int) rs.stream().filter(r -> r.status() == Verdict.Status.UNKNOWN).count(),
                    Stats.percentile(fo, 50), Stats.percentile(fo, 99), Stats.max(fo), Stats.median(fo),
                    rs.stream().mapToLong(IterationResult::lostWrites).sum(),
                    rs.stream().mapToInt(IterationResult::splitBrainMoments).sum(),
                    rs.stream().mapToInt(r -> r.actions().size()).sum(),
                    Stats.percentile(fullRedundancy(rs), 50), Stats.max(fullRedundancy(rs)),
                    Stats.percentile(writePauses(rs), 50), Stats.max(writePauses(rs))));
        }
        List<Double> moving = failovers(results.stream().filter(r -> r.fault().movesPrimary).toList());
        return new Summary(results.size(),
                (int) results.stream().filter(r -> r.status() == Verdict.Status.INVALID).count(),
                (int) results.stream().filter(r -> r.status() == Verdict.Status.UNKNOWN).count(),
                results.stream().mapToLong(IterationResult::lostWrites).sum(),
                results.stream().mapToInt(IterationResult::splitBrainMoments).sum(),
                Stats.percentile(moving, 50), Stats.percentile(moving, 99), per,
                results.stream().mapToInt(r -> r.actions().size()).sum(),
                Stats.percentile(fullRedundancy(results), 50), Stats.percentile(fullRedundancy(results), 99));
    }

    /**
     * test-harness/bench-failover's lines, one per fault type: median failover, lost acknowledged writes,
     * the most servers seen writable at once, and whether the writer VIP was on the promoted node only.
     */
    public static List<String> benchLines(List<IterationResult> results) {
        Map<String, List<IterationResult>> byFault = new LinkedHashMap<>();
        for (IterationResult r : results) {
            if (r.skipped() == null) {
                byFault.computeIfAbsent(r.fault().id, k -> new ArrayList<>()).add(r);
            }
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<IterationResult>> e : byFault.entrySet()) {
            List<IterationResult> rs = e.getValue();
            boolean vipOk = rs.stream().allMatch(r -> r.verdicts().stream().filter(v -> v.checker().equals(Checkers.WRITER_VIP))
                    .allMatch(v -> v.status() == Verdict.Status.VALID));
            out.add(String.format(Locale.ROOT, "RESULT fault=%s failover_s=%s lost_acked_writes=%d writable_primaries=%d "
                    + "vip_on_primary=%s runs=%d failover_max_s=%s%s", e.getKey(), Stats.fmt(Stats.median(failovers(rs))),
                    rs.stream().mapToLong(IterationResult::lostWrites).sum(),
                    rs.stream().mapToInt(IterationResult::maxWritable).max().orElse(0), vipOk ? "yes" : "no", rs.size(),
                    Stats.fmt(Stats.max(failovers(rs))), writePauses(rs).isEmpty() ? ""
                            : " write_pause_p50_s=" + Stats.fmt(Stats.percentile(writePauses(rs), 50))));
        }
        return out;
    }

    /** The writers' pauses of the iterations that moved the primary. */
    static List<Double> writePauses(List<IterationResult> rs) {
        return rs.stream().filter(r -> r.skipped() == null && !Double.isNaN(r.writePauseS()))
                .map(IterationResult::writePauseS).toList();
    }

    static List<Double> failovers(List<IterationResult> rs) {
        return rs.stream().filter(r -> r.skipped() == null && !Double.isNaN(r.failoverS()))
                .map(IterationResult::failoverS).toList();
    }

    public static void write(Path dir, List<IterationResult> results, Summary sum, Map<String, Object> run)
            throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("run", run);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("iterations", sum.iterations());
        totals.put("invalid", sum.invalid());
        totals.put("unknown", sum.unknown());
        totals.put("lost_acked_writes", sum.lostWrites());
        totals.put("split_brain_moments", sum.splitBrainMoments());
        totals.put("failover_p50_s", num(sum.p50()));
        totals.put("failover_p99_s", num(sum.p99()));
        totals.put("operator_actions", sum.operatorActions());
        totals.put("time_to_full_redundancy_p50_s", num(sum.fullRedundancyP50()));
        totals.put("time_to_full_redundancy_p99_s", num(sum.fullRedundancyP99()));
        doc.put("totals", totals);
        Map<String, Object> per = new LinkedHashMap<>();
        for (FaultStats s : sum.perFault().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("iterations", s.iterations());
            m.put("valid", s.passed());
            m.put("invalid", s.invalid());
            m.put("unknown", s.unknown());
            m.put("failover_p50_s", num(s.p50()));
            m.put("failover_p99_s", num(s.p99()));
            m.put("failover_max_s", num(s.max()));
            m.put("failover_median_s", num(s.median()));
            m.put("lost_acked_writes", s.lostWrites());
            m.put("split_brain_moments", s.splitBrainMoments());
            m.put("operator_actions", s.operatorActions());
            m.put("time_to_full_redundancy_p50_s", num(s.fullRedundancyP50()));
            m.put("time_to_full_redundancy_max_s", num(s.fullRedundancyMax()));
            m.put("write_pause_p50_s", num(s.writePauseP50()));
            m.put("write_pause_max_s", num(s.writePauseMax()));
            per.put(s.fault(), m);
        }
        doc.put("per_fault", per);
        List<Object> its = new ArrayList<>();
        for (IterationResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", r.n());
            m.put("fault", r.fault().id);
            m.put("status", r.status().name().toLowerCase());
            m.put("what", r.description());
            if (r.skipped() != null) {
                m.put("skipped", r.skipped());
                its.add(m);
                continue;
            }
            m.put("nodes", r.nodes());
            m.put("primary_before", r.primaryBefore());
            m.put("primary_after", r.primaryAfter());
            m.put("start_ms", r.startMs());
            m.put("fault_ms", r.faultMs());
            m.put("heal_ms", r.healMs());
            m.put("end_ms", r.endMs());
            m.put("failover_s", num(r.failoverS()));
            m.put("longest_write_gap_s", num(r.longestWriteGapS()));
            m.put("write_pause_s", num(r.writePauseS()));
            if (!r.measured().isEmpty()) {
                m.put("command_measured", r.measured());
            }
            m.put("writes", Map.of("ok", r.acked(), "fail", r.failed(), "info", r.info()));
            m.put("lost_acked_writes", r.lostWrites());
            m.put("split_brain_moments", r.splitBrainMoments());
            m.put("max_writable_at_once", r.maxWritable());
            m.put("operator_actions", r.actions().size());
            m.put("operator_action_list", r.actions());
            m.put("refusals", r.refusals());
            m.put("rebuilt", r.rebuilt());
            m.put("full_redundancy_after_heal_s", num(r.fullRedundancyAfterHealS()));
            m.put("full_redundancy_after_fault_s", num(r.fullRedundancyAfterFaultS()));
            List<Object> vs = new ArrayList<>();
            for (Verdict v : r.verdicts()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("checker", v.checker());
                x.put("status", v.status().name().toLowerCase());
                x.put("evidence", v.evidence());
                x.put("data", v.data());
                vs.add(x);
            }
            m.put("checkers", vs);
            its.add(m);
        }
        doc.put("iterations", its);
        Files.writeString(dir.resolve("results.json"), json.writeValueAsString(doc));
        XYChart chart = chart(results);
        Files.writeString(dir.resolve("report.html"), html(results, sum, run, chart));
        if (chart != null) {
            // the same plot as a picture, for mail and CI pages that do not render inline SVG
            Path png = dir.resolve("failover.png");
            try {
                Files.write(png, org.knowm.xchart.BitmapEncoder.getBitmapBytes(chart,
                        org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG));
            } catch (RuntimeException | LinkageError e) {
                // Java2D failing to start: in a shutdown hook (an interrupted round) unless warmUp() ran first
                Files.deleteIfExists(png);
                throw new IOException("failover.png not written (results.json and report.html are): " + e, e);
            }
        }
    }

    /**
     * Starts Java2D now by drawing a small picture. Its start-up registers shutdown hooks, which is refused
     * once the JVM is shutting down: a round interrupted by Ctrl-C or SIGTERM writes its report from a
     * shutdown hook, so the round calls this before its first fault. A failure here is only reported.
     */
    public static Optional<String> warmUp() {
        try {
            XYChart c = new XYChartBuilder().width(40).height(30).build();
            c.addSeries("warm-up", new double[] {0, 1}, new double[] {0, 1});
            org.knowm.xchart.BitmapEncoder.getBitmapBytes(c, org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
            return Optional.empty();
        } catch (RuntimeException | LinkageError | IOException e) {
            return Optional.of(e.toString());
        }
    }

    private static Object num(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
    }

    /** The plot: failover time per iteration, one series per fault (null when nothing was measured). */
    static XYChart chart(List<IterationResult> results) {
        XYChart chart = new XYChartBuilder().width(900).height(420).title("Failover time per iteration (fault -> first acknowledged write)")
                .xAxisTitle("iteration").yAxisTitle("seconds").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        Map<String, List<IterationResult>> byFault = new LinkedHashMap<>();
        for (IterationResult r : results) {
            if (r.skipped() == null && !Double.isNaN(r.failoverS())) {
                byFault.computeIfAbsent(r.fault().id, k -> new ArrayList<>()).add(r);
            }
        }
        if (byFault.isEmpty()) {
            return null;
        }
        for (Map.Entry<String, List<IterationResult>> e : byFault.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(IterationResult::n).toArray();
            double[] y = e.getValue().stream().mapToDouble(IterationResult::failoverS).toArray();
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    static String chartSvg(XYChart chart) throws IOException {
        if (chart == null) {
            return "<p>(no failover measured)</p>";
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, buf, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String svg = buf.toString(StandardCharsets.UTF_8);
        int at = svg.indexOf("<svg");
        return at < 0 ? svg : svg.substring(at);
    }

    static String html(List<IterationResult> results, Summary sum, Map<String, Object> run, XYChart chart)
            throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mysqlha failover RT run</title>\n<style>"
                + "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #bbb;"
                + "padding:3px 8px;text-align:right}th{background:#eee}td.l{text-align:left}.invalid{background:#fcc}"
                + ".unknown{background:#ffd}.valid{background:#dfd}</style></head><body>\n");
        h.append("<h1>mysqlha failover RT run</h1>\n<p>");
        for (Map.Entry<String, Object> e : run.entrySet()) {
            h.append("<b>").append(esc(e.getKey())).append("</b>: ").append(esc(String.valueOf(e.getValue()))).append("<br>\n");
        }
        h.append("</p>\n<p><code>").append(esc(sum.resultLine(Path.of("report.html")))).append("</code></p>\n");
        h.append("<h2>Per fault</h2>\n<table><tr><th>fault</th><th>iterations</th><th>valid</th><th>invalid</th>"
                + "<th>unknown</th><th>failover p50 (s)</th><th>p99 (s)</th><th>max (s)</th><th>lost acked writes</th>"
                + "<th>split-brain moments</th><th>operator actions</th><th>full redundancy after heal p50 (s)</th>"
                + "<th>max (s)</th><th>write pause p50 (s)</th><th>max (s)</th></tr>\n");
        for (FaultStats s : sum.perFault().values()) {
            h.append("<tr class=\"").append(s.invalid() > 0 ? "invalid" : s.unknown() > 0 ? "unknown" : "valid").append("\"><td class=l>")
                    .append(esc(s.fault())).append("</td><td>").append(s.iterations()).append("</td><td>").append(s.passed())
                    .append("</td><td>").append(s.invalid()).append("</td><td>").append(s.unknown()).append("</td><td>")
                    .append(Stats.fmt(s.p50())).append("</td><td>").append(Stats.fmt(s.p99())).append("</td><td>")
                    .append(Stats.fmt(s.max())).append("</td><td>").append(s.lostWrites()).append("</td><td>")
                    .append(s.splitBrainMoments()).append("</td><td>").append(s.operatorActions()).append("</td><td>")
                    .append(Stats.fmt(s.fullRedundancyP50())).append("</td><td>").append(Stats.fmt(s.fullRedundancyMax()))
                    .append("</td><td>").append(Stats.fmt(s.writePauseP50())).append("</td><td>")
                    .append(Stats.fmt(s.writePauseMax())).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Failover times</h2>\n").append(chartSvg(chart)).append("\n");
        h.append("<h2>Iterations</h2>\n<table><tr><th>#</th><th>fault</th><th>what</th><th>status</th><th>primary before/after</th>"
                + "<th>failover (s)</th><th>writes ok/fail/info</th><th>lost</th><th>operator actions</th><th>not valid</th></tr>\n");
        for (IterationResult r : results) {
            String st = r.status().name().toLowerCase();
            h.append("<tr class=\"").append(st).append("\"><td>").append(r.n()).append("</td><td class=l>").append(esc(r.fault().id))
                    .append("</td><td class=l>").append(esc(r.description())).append("</td><td class=l>").append(st)
                    .append(r.skipped() != null ? " (" + esc(r.skipped()) + ")" : "").append("</td><td class=l>")
                    .append(esc(r.primaryBefore() + " / " + r.primaryAfter())).append("</td><td>").append(Stats.fmt(r.failoverS()))
                    .append("</td><td>").append(r.acked()).append('/').append(r.failed()).append('/').append(r.info())
                    .append("</td><td>").append(r.lostWrites()).append("</td><td class=l>")
                    .append(r.actions().size()).append(r.actions().isEmpty() ? "" : ": ")
                    .append(esc(String.join("; ", r.actions()))).append("</td><td class=l>");
            for (Verdict v : r.verdicts()) {
                if (v.status() != Verdict.Status.VALID) {
                    h.append(esc(v.toString())).append("<br>");
                }
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n<p>Files: history.jsonl (every operation: invoke/complete time, ok/fail/info; nemesis events), "
                + "samples.jsonl (read_only of every server every sample, VIP holders, crm_mon), results.json, failover.png "
                + "(this plot), and "
                + "iterations/ (node logs of the iterations that were not valid).</p>\n</body></html>\n");
        return h.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
