package io.mysqlha.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mysqlha.status.ActionStats;
import io.mysqlha.status.JournalSummary;
import io.mysqlha.status.Metrics;
import io.mysqlha.status.StatusJson;
import io.mysqlha.status.StatusReport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The node service's HTTP side: {@code GET /metrics} (Prometheus text format) and {@code GET /status} (the
 * status JSON of {@code mysqlha status --json}). It runs on threads of its own (two, with a short queue: a
 * flood of scrapes is refused, never queued without bound) and shares nothing with the actions but the
 * timings they record, so a slow, failing or hostile client never delays an agent action. One gathering
 * serves every scrape within {@link #CACHE_MS}; concurrent scrapes wait for the one in flight.
 * No answer carries a secret: the report holds names, positions and figures only.
 */
public final class MetricsServer implements AutoCloseable {
    /** A report younger than this is served again instead of asking the cluster anew. */
    static final long CACHE_MS = 2_000;

    /** Where to listen: {@code off}, or {@code host:port} ({@code [v6]:port}); a bad value names the fix. */
    public record Listen(String host, int port) {
        public static final String DEFAULT = "127.0.0.1:9104";

        /** @return null for {@code off} */
        public static Listen parse(String text) {
            String t = text == null ? "" : text.trim();
            if (t.equalsIgnoreCase("off")) {
                return null;
            }
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException("metrics listen address '" + text + "' is not host:port or off "
                        + "(e.g. 127.0.0.1:9104)");
            }
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("metrics listen address '" + text + "': the port must be 1 to 65535");
            }
            return new Listen(host, port);
        }
    }

    private final HttpServer http;
    private final ExecutorService threads;
    private final Supplier<StatusReport> gather;
    private final Supplier<JournalSummary> journal;
    private final ActionStats actions;
    private final Consumer<String> log;
    private StatusReport cached;
    private long cachedAt;

    private MetricsServer(HttpServer http, ExecutorService threads, Supplier<StatusReport> gather,
                          Supplier<JournalSummary> journal, ActionStats actions, Consumer<String> log) {
        this.http = http;
        this.threads = threads;
        this.gather = gather;
        this.journal = journal;
        this.actions = actions;
        this.log = log;
    }

    public static MetricsServer start(Listen listen, Supplier<StatusReport> gather, Supplier<JournalSummary> journal,
                                      ActionStats actions, Consumer<String> log) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 8);
        ExecutorService ex = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(8), r -> {
            Thread t = new Thread(r, "mysqlhad-http");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        http.setExecutor(ex);
        MetricsServer m = new MetricsServer(http, ex, gather, journal, actions, log);
        http.createContext("/", m::handle);
        http.start();
        log.accept("metrics and status on http://" + listen.host() + ":" + http.getAddress().getPort()
                + "/metrics and /status");
        return m;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private synchronized StatusReport report() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAt > CACHE_MS * 1_000_000L) {
            cached = gather.get();
            cachedAt = System.nanoTime();
        }
        return cached;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
                send(x, 405, "text/plain; charset=utf-8", "only GET\n");
                return;
            }
            switch (path) {
                case "/metrics" -> send(x, 200, Metrics.CONTENT_TYPE, Metrics.render(report(), journal.get(),
                        actions.snapshot()));
                case "/status" -> send(x, 200, "application/json", StatusJson.render(report()) + "\n");
                case "/" -> send(x, 200, "text/plain; charset=utf-8", "mysqlha node service: /metrics, /status\n");
                default -> send(x, 404, "text/plain; charset=utf-8", "not found: " + path + " (try /metrics or /status)\n");
            }
        } catch (RuntimeException e) {
            log.accept("http: " + x.getRequestURI().getPath() + " failed: " + e);
            try {
                send(x, 500, "text/plain; charset=utf-8", "status unavailable: " + e.getClass().getSimpleName() + "\n");
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
        }
    }

    private static void send(HttpExchange x, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(code, head ? -1 : b.length);
        if (!head) {
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }
}
