package io.mysqlha.rt;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's record, kept in memory for the checkers and appended as it happens to history.jsonl (client
 * operations and nemesis events) and samples.jsonl (what the samplers saw), so an interrupted run still
 * leaves its data behind.
 */
public final class History implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Op> ops = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private final BufferedWriter historyOut;
    private final BufferedWriter samplesOut;

    public History(Path dir) throws IOException {
        Files.createDirectories(dir);
        historyOut = Files.newBufferedWriter(dir.resolve("history.jsonl"), StandardCharsets.UTF_8);
        samplesOut = Files.newBufferedWriter(dir.resolve("samples.jsonl"), StandardCharsets.UTF_8);
    }

    /** In memory only (tests). */
    public History() {
        historyOut = null;
        samplesOut = null;
    }

    public synchronized void add(Op op) {
        ops.add(op);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iteration", op.iteration());
        m.put("process", op.process());
        m.put("f", op.f().name().toLowerCase());
        m.put("key", op.key());
        m.put("type", op.type().name().toLowerCase());
        m.put("invoke_ms", op.invokeMs());
        m.put("complete_ms", op.completeMs());
        if (op.server() != null) {
            m.put("server", op.server());
        }
        if (op.error() != null) {
            m.put("error", op.error());
        }
        write(historyOut, m);
    }

    /** A nemesis or phase event (fault injected, healed, cleanup, rebuild, converged). */
    public synchronized void event(int iteration, String what, Map<String, Object> details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iteration", iteration);
        m.put("process", "nemesis");
        m.put("time_ms", System.currentTimeMillis());
        m.put("event", what);
        m.putAll(details);
        write(historyOut, m);
    }

    public synchronized void add(Sample s) {
        samples.add(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time_ms", s.timeMs());
        if (s instanceof Sample.Server v) {
            m.put("kind", "server");
            m.put("node", v.node());
            m.put("read_only", v.readOnly());
            m.put("replicating", v.replicating());
            m.put("semisync_clients", v.semiSyncClients());
        } else if (s instanceof Sample.Vips v) {
            m.put("kind", "vips");
            m.put("writer", v.writer());
            m.put("reader", v.reader());
            m.put("unknown", v.unknown());
        } else if (s instanceof Sample.Cluster v) {
            m.put("kind", "cluster");
            m.put("seen_from", v.seenFrom());
            m.put("promoted", v.promoted());
            m.put("unpromoted", v.unpromoted());
            m.put("quorate", v.quorate());
        }
        write(samplesOut, m);
    }

    public synchronized List<Op> ops(long fromMs, long toMs) {
        return ops.stream().filter(o -> o.invokeMs() >= fromMs && o.invokeMs() < toMs).toList();
    }

    public synchronized List<Op> allOps() {
        return List.copyOf(ops);
    }

    public synchronized List<Sample> samples(long fromMs, long toMs) {
        return samples.stream().filter(s -> s.timeMs() >= fromMs && s.timeMs() < toMs).toList();
    }

    private static void write(BufferedWriter w, Map<String, Object> m) {
        if (w == null) {
            return;
        }
        try {
            w.write(JSON.writeValueAsString(m));
            w.newLine();
        } catch (IOException e) {
            System.err.println("rt: cannot write history: " + e.getMessage());
        }
    }

    public synchronized void flush() {
        try {
            if (historyOut != null) {
                historyOut.flush();
                samplesOut.flush();
            }
        } catch (IOException e) {
            System.err.println("rt: cannot flush history: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (historyOut != null) {
                historyOut.close();
                samplesOut.close();
            }
        } catch (IOException e) {
            System.err.println("rt: cannot close history: " + e.getMessage());
        }
    }
}
