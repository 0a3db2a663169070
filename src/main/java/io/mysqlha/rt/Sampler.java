package io.mysqlha.rt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Watches the cluster continuously while a round runs:
 * <ul>
 * <li>every server, every {@code intervalMs} (200 ms), asked on its own node through one long-lived client
 * session ({@code mariadb} reading statements from a pipe), so that a partitioned node is still seen and
 * sampling costs no process per sample: read_only, whether it replicates, semi-sync clients;</li>
 * <li>which nodes hold the VIPs, every 2 x interval;</li>
 * <li>the cluster's own view (crm_mon), every second.</li>
 * </ul>
 * A server that does not answer within a second is recorded as unknown and its session restarted.
 */
public final class Sampler {
    private static final String QUERY = "SELECT 'rt', %d, @@read_only, "
            + "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='SLAVE_RUNNING'), "
            + "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='RPL_SEMI_SYNC_MASTER_CLIENTS');\n";
    private final Target target;
    private final History history;
    private final long intervalMs;
    private final String dbResource;
    private final String writerVipResource;
    private final String readerVipResource;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile CrmMon lastView;

    public Sampler(Target target, History history, long intervalMs, String dbResource, String writerVipResource,
            String readerVipResource) {
        this.target = target;
        this.history = history;
        this.intervalMs = intervalMs;
        this.dbResource = dbResource;
        this.writerVipResource = writerVipResource;
        this.readerVipResource = readerVipResource;
    }

    public void start() {
        running = true;
        for (String n : target.allNodes()) {
            threads.add(thread("srv-" + n, () -> serverLoop(n)));
        }
        threads.add(thread("vips", this::vipLoop));
        threads.add(thread("crm", this::clusterLoop));
    }

    public void stop() {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    /** The most recent crm_mon view, if any. */
    public Optional<CrmMon> lastView() {
        return Optional.ofNullable(lastView);
    }

    private static Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, "rt-sample-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void serverLoop(String node) {
        Session s = null;
        long seq = 0;
        while (running) {
            long t0 = System.currentTimeMillis();
            try {
                if (s == null) {
                    s = new Session(target.spawn(node, "mariadb", "-N", "-B", "--force", "--unbuffered",
                            "--reconnect", "--connect-timeout=1"));
                }
                seq++;
                String[] row = s.ask(String.format(QUERY, seq), "rt\t" + seq + "\t", 1000);
                if (row == null) {
                    history.add(new Sample.Server(t0, node, null, null, null));
                    s.close();
                    s = null;
                } else {
                    history.add(new Sample.Server(t0, node, "1".equals(row[2]) ? Boolean.TRUE : "0".equals(row[2])
                            ? Boolean.FALSE : null, "ON".equalsIgnoreCase(row[3]), parseInt(row[4])));
                }
            } catch (IOException e) {
                history.add(new Sample.Server(t0, node, null, null, null));
                if (s != null) {
                    s.close();
                }
                s = null;
            }
            pause(t0 + intervalMs);
        }
        if (s != null) {
            s.close();
        }
    }

    private void vipLoop() {
        String wv = target.writerVip();
        String rv = target.readerVip().orElse(null);
        while (running) {
            long t0 = System.currentTimeMillis();
            List<String> w = new ArrayList<>();
            List<String> r = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (String n : target.allNodes()) {
                Optional<List<String>> a = target.addresses(n);
                if (a.isEmpty()) {
                    unknown.add(n);
                    continue;
                }
                if (a.get().contains(wv)) {
                    w.add(n);
                }
                if (rv != null && a.get().contains(rv)) {
                    r.add(n);
                }
            }
            history.add(new Sample.Vips(t0, w, r, unknown));
            pause(t0 + 2 * intervalMs);
        }
    }

    private void clusterLoop() {
        while (running) {
            long t0 = System.currentTimeMillis();
            for (String n : target.haNodes()) {
                Exec.Result r = target.exec(n, Duration.ofSeconds(3), "crm_mon", "-1", "--output-as=xml");
                if (r.ok()) {
                    try {
                        CrmMon v = CrmMon.parse(r.out(), dbResource, writerVipResource, readerVipResource);
                        if (!v.quorate()) {
                            continue; // a node without quorum knows nothing; ask the next one
                        }
                        lastView = v;
                        history.add(new Sample.Cluster(t0, n, v.promoted(), v.unpromoted(), v.quorate()));
                        break;
                    } catch (IllegalArgumentException e) {
                        // a truncated answer: ask the next node
                    }
                }
            }
            pause(t0 + 1000);
        }
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void pause(long untilMs) {
        long d = untilMs - System.currentTimeMillis();
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /** One client session on a node: statements in, tab-separated rows out, read by its own thread. */
    private static final class Session {
        private final Process p;
        private final OutputStream in;
        private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(256);

        Session(Process p) {
            this.p = p;
            this.in = p.getOutputStream();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.offer(line);
                    }
                } catch (IOException e) {
                    // process gone
                }
                lines.offer("\u0000eof");
            }, "rt-sample-reader");
            t.setDaemon(true);
            t.start();
        }

        /** Sends one statement and waits for the row starting with marker; null on timeout or exit. */
        String[] ask(String sql, String marker, long timeoutMs) throws IOException {
            in.write(sql.getBytes(StandardCharsets.UTF_8));
            in.flush();
            long end = System.currentTimeMillis() + timeoutMs;
            while (true) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                String line;
                try {
                    line = lines.poll(left, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                if (line == null || line.equals("\u0000eof")) {
                    return null;
                }
                if (line.startsWith(marker)) {
                    return line.split("\t", -1);
                }
            }
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                // gone
            }
            Exec.kill(p);
        }
    }
}
