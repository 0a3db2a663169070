package io.mysqlha.it;

import io.mysqlha.service.NodeService;
import io.mysqlha.service.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The node service and the shims' fallback against a real mariadbd: the service absent, then started; killed
 * in the middle of a monitor and of a promote (the shim reports the failure, nothing runs twice, the next
 * action is right); a hung action that times out while another resource's actions still answer; a client
 * that is not root refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeServiceIT {
    static Sandbox sb;

    @BeforeAll
    static void up() throws Exception {
        sb = Sandbox.forTests("svc", "s1");
        assertEquals(0, sb.agent("s1", "start").rc());
    }

    @AfterAll
    static void down() {
        if (sb != null) {
            sb.close();
        }
    }

    static Path client() {
        Path c = Sandbox.basedir().resolve("target/mysqlha-client");
        assumeTrue(Files.isExecutable(c), "no target/mysqlha-client (no C compiler at build time)");
        return c;
    }

    /** A TCP port that accepts connections and never says a word: what a hung server looks like. */
    static final class Silent implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        final List<Socket> held = new ArrayList<>();

        Silent() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                        accepted.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void serviceAbsentThenStarted() throws Exception {
        Map<String, String> absent = new HashMap<>();
        absent.put("MYSQLHA_SERVICE", null);
        absent.put("MYSQLHA_SOCKET", sb.root().resolve("no-such-dir/agent.sock").toString());
        Sandbox.Run r = sb.agent("s1", "monitor", absent);
        assertEquals(0, r.rc(), "no service: the action runs in a fresh JVM: " + r);
        sb.startService();
        assertEquals(0, sb.agent("s1", "monitor").rc());
        assertEquals(1, sb.serviceAccepted(), "the monitor after the start went through the service");
    }

    @Test
    @Order(2)
    void killedDuringAMonitor() throws Exception {
        try (Silent hung = new Silent()) {
            CompletableFuture<Sandbox.Run> run = CompletableFuture.supplyAsync(() ->
                    sb.agent("s1", "monitor", Map.of("OCF_RESKEY_port", Integer.toString(hung.port()))));
            await().atMost(10, TimeUnit.SECONDS).until(() -> hung.accepted.get() == 1);
            sb.killService();
            Sandbox.Run r = run.get(20, TimeUnit.SECONDS);
            assertEquals(1, r.rc(), "the monitor in flight fails: " + r);
            assertTrue(r.stderr().contains("the node service ended during the action"), r.stderr());
            Thread.sleep(1_000);
            assertEquals(1, hung.accepted.get(), "the monitor was not run a second time");
        }
        // the service is gone, its socket file left behind: the next action falls back and is right
        assertTrue(Files.exists(sb.serviceSocket()));
        Sandbox.Run next = sb.agent("s1", "monitor");
        assertEquals(0, next.rc(), next.toString());
        // a new service replaces the stale socket
        sb.startService();
        assertEquals(0, sb.agent("s1", "monitor").rc());
        assertEquals(1, sb.serviceAccepted());
    }

    @Test
    @Order(3)
    void killedDuringAPromote() throws Exception {
        try (Silent ghost = new Silent()) {
            // a second HA node whose server hangs: promote waits for it (bounded), which is when the service dies
            Map<String, String> two = Map.of("OCF_RESKEY_ha_nodes", "s1 ghost", "OCF_RESKEY_node_addresses",
                    "s1=127.0.0.1:" + sb.port("s1") + " ghost=127.0.0.1:" + ghost.port());
            // the membership counts it present (its cluster stack answers, its server does not)
            Files.createDirectories(sb.root().resolve("cluster"));
            Files.writeString(sb.root().resolve("cluster/members"), "s1 ghost");
            CompletableFuture<Sandbox.Run> run = CompletableFuture.supplyAsync(() -> sb.agent("s1", "promote", two));
            await().atMost(20, TimeUnit.SECONDS).until(() -> ghost.accepted.get() >= 1 || run.isDone());
            assertEquals(false, run.isDone(), () -> "promote ended before it reached the hung peer: " + run.join());
            int seen = ghost.accepted.get();
            sb.killService();
            Sandbox.Run r = run.get(30, TimeUnit.SECONDS);
            assertEquals(1, r.rc(), "the promote in flight fails: " + r);
            assertTrue(r.stderr().contains("the node service ended during the action"), r.stderr());
            Thread.sleep(2_000);
            assertEquals(seen, ghost.accepted.get(), "the promote was not run a second time");
            // the next action tells the truth, whatever point the promote had reached
            Sandbox.Run mon = sb.agent("s1", "monitor", two);
            String readOnly = sb.scalar("s1", "SELECT @@read_only");
            assertTrue((mon.rc() == 8 && "0".equals(readOnly)) || (mon.rc() == 0 && "1".equals(readOnly)),
                    "monitor " + mon + " with read_only=" + readOnly);
            // Pacemaker's next promote (through the fallback: no service now) completes it
            Sandbox.Run again = sb.agent("s1", "promote", two);
            assertEquals(0, again.rc(), again.toString());
            assertEquals(8, sb.agent("s1", "monitor", two).rc());
            assertEquals("0", sb.scalar("s1", "SELECT @@read_only"));
        }
        Files.delete(sb.root().resolve("cluster/members"));
        sb.startService();
        assertEquals(8, sb.agent("s1", "monitor").rc());
        assertEquals(0, sb.agent("s1", "demote").rc());
        assertEquals(0, sb.agent("s1", "monitor").rc());
    }

    @Test
    @Order(4)
    void aHungActionTimesOutWhileAnotherResourceAnswers() throws Exception {
        Path sock = sb.root().resolve("svc-hung/agent.sock");
        AtomicInteger ran = new AtomicInteger();
        NodeService.Handler handler = (r, out, err) -> {
            ran.incrementAndGet();
            if ("hung".equals(r.env().get("OCF_RESOURCE_INSTANCE"))) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
                while (System.nanoTime() < end) { // stuck where no interrupt reaches, as in a blocking read
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        // ignored on purpose
                    }
                }
            }
            out.println("ran " + r.args());
            return 0;
        };
        try (NodeService s = new NodeService(sock, handler, line -> { }, 0).start()) {
            CompletableFuture<Sandbox.Run> hung = CompletableFuture.supplyAsync(() -> viaClient(sock, "hung", "2000"));
            await().atMost(5, TimeUnit.SECONDS).until(() -> ran.get() == 1);
            for (int i = 0; i < 3; i++) {
                Sandbox.Run other = viaClient(sock, "other", "2000");
                assertEquals(0, other.rc(), other.toString());
                assertTrue(other.millis() < 1_000, "another resource's monitor answers at once: " + other);
            }
            Sandbox.Run h = hung.get(10, TimeUnit.SECONDS);
            assertEquals(1, h.rc(), h.toString());
            assertTrue(h.stderr().contains("did not end within 1.5 s"), h.stderr());
            assertTrue(h.millis() < 2_000, "answered before Pacemaker's own timeout: " + h);
            // the stuck action still holds its resource: the next one waits, then says why, never overlapping it
            Sandbox.Run next = viaClient(sock, "hung", "2000");
            assertEquals(1, next.rc(), next.toString());
            assertTrue(next.stderr().contains("has not ended"), next.stderr());
            assertEquals(4, ran.get(), "the second action of the stuck resource never ran");
        }
    }

    @Test
    @Order(5)
    void aClientThatIsNotRootIsRefused() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "no setpriv");
        Path sock = sb.root().resolve("svc-root/agent.sock");
        AtomicInteger ran = new AtomicInteger();
        try (NodeService s = new NodeService(sock, (r, out, err) -> ran.incrementAndGet(), line -> { }, 0).start()) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            List<String> asNobody = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            // the directory keeps everyone else out
            Sandbox.Run blocked = runAs(asNobody, sock);
            assertEquals(Protocol.NOT_ACCEPTED, blocked.rc(), blocked.toString());
            // and if the modes were loosened, the service itself checks the peer's credentials
            Files.setPosixFilePermissions(sock.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
            for (Path p = sock.getParent().getParent(); p != null; p = p.getParent()) {
                assumeTrue(Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE),
                        "a parent directory keeps others out: " + p);
            }
            Sandbox.Run refused = runAs(asNobody, sock);
            assertEquals(Protocol.NOT_ACCEPTED, refused.rc(), refused.toString());
            assertTrue(refused.stderr().contains("only root may use the node service"), refused.stderr());
            assertEquals(0, ran.get(), "nothing ran for the refused clients");
        }
    }

    private static Sandbox.Run runAs(List<String> prefix, Path sock) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(client().toString(), sock.toString(), "ocf", "mysql", "monitor"));
        return Sandbox.run(Map.of("OCF_RESOURCE_INSTANCE", "db"), argv.toArray(String[]::new));
    }

    private static Sandbox.Run viaClient(Path sock, String resource, String timeoutMs) {
        return Sandbox.run(Map.of("OCF_RESOURCE_INSTANCE", resource, "OCF_RESKEY_CRM_meta_timeout", timeoutMs),
                client().toString(), sock.toString(), "ocf", "mysql", "monitor");
    }
}
