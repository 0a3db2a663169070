package io.mysqlha.service;

import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfExit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node service (mysqlhad): one warm JVM that runs the agents' actions handed to it by the ra/ shims
 * over a root-only Unix socket.
 *
 * <p>It keeps no decision between actions: each request builds its agent afresh from the environment it
 * carries, so killing the service at any moment changes no outcome (the shim reports the failure of an
 * action in flight and never runs it again; the next action observes afresh). What it adds is warm code,
 * and three guarantees: one resource's actions never overlap (a request waits for the one before it, within
 * its own deadline); each action ends within its {@code CRM_meta_timeout}, enforced here; a hung action
 * holds only its own resource, never the others.
 */
public final class NodeService implements AutoCloseable {
    /** Runs one accepted request; returns its exit code. */
    public interface Handler {
        int handle(Protocol.Request request, PrintStream out, PrintStream err);
    }

    static final long DEFAULT_TIMEOUT_MS = 20_000;
    /** Kept between the service's own limit and Pacemaker's, so that the answer reaches Pacemaker first. */
    static final long ANSWER_MARGIN_MS = 500;
    /** How long a client may take to send its request. */
    static final long READ_LIMIT_MS = 5_000;

    private final Path socket;
    private final Handler handler;
    private final Consumer<String> log;
    private final long overrunGraceMs;
    private final Map<String, Semaphore> resourceLocks = new ConcurrentHashMap<>();
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final ExecutorService connections = Executors.newCachedThreadPool(daemon("mysqlhad-conn"));
    private final ExecutorService workers = Executors.newCachedThreadPool(daemon("mysqlhad-action"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("mysqlhad-timer"));
    private final Instant started = Instant.now();
    private final io.mysqlha.status.ActionStats actionStats = new io.mysqlha.status.ActionStats();
    private final String ownUser = System.getProperty("user.name");
    private ServerSocketChannel server;

    /** An action that runs now: for the status and the overrun watchdog. */
    record InFlight(String resource, String action, long startNanos, long limitMs) {
    }

    /**
     * @param overrunGraceMs how long past its deadline an action may go on before the service ends itself
     *                       (a thread stuck where no timeout reaches; the supervisor starts a fresh service,
     *                       which is safe since it holds no decision)
     */
    public NodeService(Path socket, Handler handler, Consumer<String> log, long overrunGraceMs) {
        this.socket = socket;
        this.handler = handler;
        this.log = log;
        this.overrunGraceMs = overrunGraceMs;
    }

    /** Binds the socket (0600 in a 0700 directory) and serves in the background. */
    public NodeService start() throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (Files.exists(socket)) {
            if (ServiceClient.answers(socket)) {
                throw new IOException("another node service already listens on " + socket);
            }
            Files.delete(socket); // left by a service that was killed
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Thread t = daemon("mysqlhad-accept").newThread(this::acceptLoop);
        t.start();
        if (overrunGraceMs > 0) {
            timers.scheduleAtFixedRate(this::watchdog, 1, 1, TimeUnit.SECONDS);
        }
        log.accept("listening on " + socket + " (pid " + ProcessHandle.current().pid() + ")");
        return this;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                connections.execute(() -> serve(ch));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.accept("accept failed: " + e.getMessage());
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            Protocol.FrameWriter w = new Protocol.FrameWriter(Channels.newOutputStream(ch));
            String peer = peerUser(ch);
            if (!"root".equals(peer) && !ownUser.equals(peer)) {
                refused.incrementAndGet();
                log.accept("refused a request from user " + peer + " (only root may use the service)");
                w.frame('E', "mysqlhad: refused: only root may use the node service (peer: " + peer + ")\n");
                // the request is still unread: closing now would reset the connection and could drop the
                // refusal before the client reads it. End our side, then discard what it sent (bounded).
                ch.shutdownOutput();
                var guard = timers.schedule(() -> closeQuietly(ch), READ_LIMIT_MS, TimeUnit.MILLISECONDS);
                try {
                    Channels.newInputStream(ch).skip(Protocol.MAX_ITEM);
                } finally {
                    guard.cancel(false);
                }
                return;
            }
            Protocol.Request r;
            var guard = timers.schedule(() -> closeQuietly(ch), READ_LIMIT_MS, TimeUnit.MILLISECONDS);
            try {
                r = Protocol.read(new java.io.BufferedInputStream(Channels.newInputStream(ch)));
            } finally {
                guard.cancel(false);
            }
            if ("status".equals(r.args().get(0))) {
                w.frame('A', "");
                w.frame('O', String.join("\n", describe()) + "\n");
                w.exit(0);
                return;
            }
            run(r, w);
        } catch (Protocol.BadRequest e) {
            log.accept("bad request: " + e.getMessage());
        } catch (IOException e) {
            // the client went away (Pacemaker killed it at its timeout): the action, if any, ran to its end
            log.accept("client gone: " + e.getMessage());
        }
    }

    private void run(Protocol.Request r, Protocol.FrameWriter w) throws IOException {
        OcfEnv env = OcfEnv.of(r.env());
        long begin = System.nanoTime();
        long limitMs = Math.max(1_000, env.timeoutMillis(DEFAULT_TIMEOUT_MS) - ANSWER_MARGIN_MS);
        String resource = resourceKey(r, env);
        String action = r.args().size() > 2 ? r.args().get(2) : String.join(" ", r.args());
        Semaphore lock = resourceLocks.computeIfAbsent(resource, k -> new Semaphore(1));
        // Accepted from here on: the shim will not run this request itself, whatever happens next.
        w.frame('A', "");
        served.incrementAndGet();
        boolean locked;
        try {
            locked = lock.tryAcquire(limitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            String holder = inFlight.values().stream().filter(f -> f.resource().equals(resource))
                    .map(f -> f.action() + " running for " + (System.nanoTime() - f.startNanos()) / 1_000_000_000L + " s")
                    .findFirst().orElse("another action");
            fail(w, action + " of " + resource + " not run: the " + holder + " has not ended (node service)");
            return;
        }
        long id = ids.incrementAndGet();
        PrintStream out = new PrintStream(w.stream('O'), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(w.stream('E'), true, StandardCharsets.UTF_8);
        Future<Integer> f;
        try {
            inFlight.put(id, new InFlight(resource, action, begin, limitMs));
            f = workers.submit(() -> {
                try {
                    return handler.handle(r, out, err);
                } finally {
                    out.flush();
                    err.flush();
                    inFlight.remove(id);
                    lock.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(id);
            lock.release();
            throw e;
        }
        long left = limitMs - (System.nanoTime() - begin) / 1_000_000L;
        try {
            int code = f.get(Math.max(0, left), TimeUnit.MILLISECONDS);
            actionStats.record(env.resourceName(), action, System.nanoTime() - begin, code);
            w.exit(code);
        } catch (TimeoutException e) {
            timedOut.incrementAndGet();
            actionStats.record(env.resourceName(), action, System.nanoTime() - begin, OcfExit.ERR_GENERIC.code());
            f.cancel(true);
            fail(w, action + " of " + resource + " did not end within " + limitMs / 1000.0
                    + " s (CRM_meta_timeout, enforced by the node service)");
        } catch (ExecutionException e) {
            fail(w, action + " failed in the node service: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(w, action + " interrupted: the node service is stopping");
        }
    }

    private void fail(Protocol.FrameWriter w, String reason) throws IOException {
        log.accept(reason);
        w.frame('E', "ocf-exit-reason:" + reason + "\n");
        w.exit(OcfExit.ERR_GENERIC.code());
    }

    /** One resource's actions never overlap: the key is the agent and the resource (clone suffix removed). */
    static String resourceKey(Protocol.Request r, OcfEnv env) {
        String agent = r.args().size() > 1 ? r.args().get(1) : r.args().get(0);
        return agent + ":" + env.resourceName();
    }

    private void watchdog() {
        long now = System.nanoTime();
        for (InFlight f : inFlight.values()) {
            long overMs = (now - f.startNanos()) / 1_000_000L - f.limitMs();
            if (overMs > overrunGraceMs) {
                log.accept("the " + f.action() + " of " + f.resource() + " is " + overMs / 1000
                        + " s past its deadline and does not end: exiting so that the supervisor starts a fresh "
                        + "service (it holds no state)");
                Runtime.getRuntime().halt(70);
            }
        }
    }

    private static String peerUser(SocketChannel ch) {
        try {
            return ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** The durations of the actions this service ran, for /metrics. */
    public io.mysqlha.status.ActionStats actionStats() {
        return actionStats;
    }

    /** The service's own figures, for {@code mysqlha service status}. */
    public List<String> describe() {
        List<String> l = new ArrayList<>();
        l.add("pid:        " + ProcessHandle.current().pid());
        l.add("socket:     " + socket);
        l.add("up since:   " + started + " (" + (Instant.now().getEpochSecond() - started.getEpochSecond()) + " s)");
        l.add("requests:   " + served.get() + " accepted, " + timedOut.get() + " timed out, " + refused.get()
                + " refused");
        long now = System.nanoTime();
        if (inFlight.isEmpty()) {
            l.add("running:    none");
        }
        for (InFlight f : inFlight.values()) {
            l.add("running:    " + f.resource() + " " + f.action() + " for " + (now - f.startNanos()) / 1_000_000L
                    + " ms (limit " + f.limitMs() + " ms)");
        }
        return l;
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
            Files.deleteIfExists(socket);
        }
        timers.shutdownNow();
        connections.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
