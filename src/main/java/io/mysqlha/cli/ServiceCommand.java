package io.mysqlha.cli;

import io.mysqlha.adapter.JnaSyslog;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.service.MetricsServer;
import io.mysqlha.service.NodeService;
import io.mysqlha.status.JournalSummary;
import io.mysqlha.status.StatusReport;
import io.mysqlha.service.Protocol;
import io.mysqlha.service.ServiceClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@code mysqlha service run|status}: the node service (mysqlhad) that runs the agents' actions warm. */
@Command(name = "service", description = "The node service (mysqlhad): runs the agents' actions in one warm JVM.",
        subcommands = {ServiceCommand.Run.class, ServiceCommand.Status.class})
public final class ServiceCommand {
    /** Where the shims look for the service; MYSQLHA_SOCKET overrides it for both sides. */
    static final String DEFAULT_SOCKET = "/run/mysqlha/agent.sock";

    static Path defaultSocket() {
        String s = System.getenv("MYSQLHA_SOCKET");
        return Path.of(s != null && !s.isEmpty() ? s : DEFAULT_SOCKET);
    }

    @Command(name = "run", description = "Serve in the foreground (what the systemd unit runs).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--socket", description = "Unix socket (default: $MYSQLHA_SOCKET or " + DEFAULT_SOCKET + ")")
        Path socket;

        @Option(names = "--overrun-grace-s", defaultValue = "60", description = "an action this many seconds past its "
                + "deadline makes the service exit (its supervisor starts a fresh one); 0: never")
        long graceS;

        @Option(names = "--metrics-listen", description = "where /metrics and /status are served: host:port, or off "
                + "(default: $MYSQLHA_METRICS_LISTEN or " + MetricsServer.Listen.DEFAULT + ")")
        String metricsListen;

        @Option(names = "--state-dir", defaultValue = "/var/lib/mysqlha", description = "the agent's state_dir, where "
                + "the failover journal is read for /metrics (default /var/lib/mysqlha)")
        Path stateDir;

        @Override
        public Integer call() throws Exception {
            Path sock = socket != null ? socket : defaultSocket();
            String env = System.getenv("MYSQLHA_METRICS_LISTEN");
            String listenText = metricsListen != null ? metricsListen
                    : env != null && !env.isBlank() ? env : MetricsServer.Listen.DEFAULT;
            MetricsServer.Listen listen;
            try {
                listen = MetricsServer.Listen.parse(listenText);
            } catch (IllegalArgumentException e) {
                log("cannot start: " + e.getMessage() + " (--metrics-listen or MYSQLHA_METRICS_LISTEN)");
                return 2;
            }
            Thread.setDefaultUncaughtExceptionHandler((t, e) -> log("unexpected error in " + t.getName() + ": " + e));
            try (NodeService s = serve(sock, graceS * 1000); MetricsServer m = metrics(listen, s, stateDir)) {
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    log("stopping (signalled): no new requests; actions in flight end with the process");
                    try {
                        s.close();
                    } catch (IOException e) {
                        // exiting anyway
                    }
                    stop.countDown();
                }));
                stop.await();
            } catch (IOException e) {
                log("cannot serve on " + sock + ": " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "status", description = "Tell whether this node's service answers, and what it is doing.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--socket", description = "Unix socket (default: $MYSQLHA_SOCKET or " + DEFAULT_SOCKET + ")")
        Path socket;

        @Override
        public Integer call() {
            Path sock = socket != null ? socket : defaultSocket();
            try {
                ServiceClient.Answer a = ServiceClient.call(sock, new Protocol.Request(ProcessHandle.current().pid(),
                        List.of("status"), Map.of()), null, null);
                System.out.print(a.out());
                System.out.println("RESULT service=running socket=" + sock);
                return 0;
            } catch (IOException e) {
                System.out.println("mysqlhad: not running (" + sock + ": " + e.getMessage() + "); agents run in a "
                        + "fresh JVM per action");
                System.out.println("RESULT service=stopped socket=" + sock);
                return 3;
            }
        }
    }

    /**
     * The HTTP side, when asked for. A failure to bind is logged and the service runs on without it: the
     * agents' actions never depend on the metrics.
     */
    static MetricsServer metrics(MetricsServer.Listen listen, NodeService s, Path stateDir) {
        if (listen == null) {
            log("metrics: off");
            return null;
        }
        io.mysqlha.status.ClusterStatus cs = StatusWiring.clusterStatus(null);
        String[] resource = {null};
        try {
            return MetricsServer.start(listen, () -> {
                StatusReport r = cs.gather(null, null, 2_000);
                resource[0] = r.resource();
                return r;
            }, () -> resource[0] == null ? JournalSummary.NONE
                    : JournalSummary.read(stateDir.resolve(resource[0]).resolve(io.mysqlha.failover.Journal.FILE)),
                    s.actionStats(), ServiceCommand::log);
        } catch (IOException | RuntimeException e) {
            log("metrics: cannot listen on " + listen.host() + ":" + listen.port() + ": " + e.getMessage()
                    + "; serving agent actions without metrics");
            return null;
        }
    }

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** The service's own lines go to standard error: the journal under systemd, a file in the lab. */
    static synchronized void log(String line) {
        System.err.println(LocalDateTime.now().format(TS) + " mysqlhad[" + ProcessHandle.current().pid() + "]: " + line);
    }

    /** Starts a service on {@code sock} that runs agent actions through {@link OcfCommand}. */
    static NodeService serve(Path sock, long overrunGraceMs) throws IOException {
        // one syslog for every action: openlog's ident is process-wide
        OcfLog.Syslog[] shared = new OcfLog.Syslog[1];
        java.util.function.Supplier<OcfLog.Syslog> syslog = () -> {
            synchronized (shared) {
                if (shared[0] == null) {
                    shared[0] = new JnaSyslog();
                }
                return shared[0];
            }
        };
        ExecutorService later = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mysqlhad-later");
            t.setDaemon(true);
            return t;
        });
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        NodeService.Handler handler = (r, out, err) -> {
            List<String> a = r.args();
            if (a.size() < 2 || !"ocf".equals(a.get(0))) {
                err.println("ocf-exit-reason:the node service runs agent actions only (ocf AGENT ACTION), not "
                        + String.join(" ", a));
                return OcfExit.ERR_UNIMPLEMENTED.code();
            }
            OcfCommand.Host host = new OcfCommand.Host(r.pid(), syslog, (agent, action, extra) -> {
                // what a fresh JVM would do detached: same environment plus the extra, output discarded
                Map<String, String> env = new HashMap<>(r.env());
                env.putAll(extra);
                later.execute(() -> OcfCommand.run(agent, action, env, discard, discard,
                        new OcfCommand.Host(r.pid(), syslog, (x, y, z) -> { })));
            });
            return OcfCommand.run(a.get(1), a.size() > 2 ? a.get(2) : "usage", r.env(), out, err, host);
        };
        return new NodeService(sock, handler, ServiceCommand::log, overrunGraceMs).start();
    }
}
