package io.mysqlha.decide.lvs;

import static io.mysqlha.decide.lvs.Health.DOWN;
import static io.mysqlha.decide.lvs.Health.READABLE;
import static io.mysqlha.decide.lvs.Health.UNREADABLE;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.Forwarding;
import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.IpvsadmOutput;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The guest half of {@link IpvsVmIT}: runs inside the IPVS VM (as root, real kernel, real
 * ipvsadm) the way the agent's monitor will: list the table, plan, run each change with ipvsadm,
 * and records each round for the host to check. Real TCP connections through the virtual service
 * (all addresses live on the guest's lo) make the drain wait on real connection counts.
 *
 * <p>Usage (in the guest): {@code java -cp classes:test-classes io.mysqlha.decide.lvs.IpvsVmScenarios REPORT}.
 * Exit status 1 when any ipvsadm call failed or the kernel did not behave as the scenario needs.
 */
final class IpvsVmScenarios {
    static final ServiceId VIP = ServiceId.tcp("10.0.0.1:3306");
    static final PoolSpec SPEC = new PoolSpec(VirtualService.of(VIP, "wrr"), Forwarding.DIRECT_ROUTE,
            PrimaryPolicy.NEVER, 3, Duration.ofSeconds(60));
    static final Endpoint E1 = Endpoint.parse("10.0.0.11:3306");
    static final Endpoint E2 = Endpoint.parse("10.0.0.12:3306");
    static final Endpoint E3 = Endpoint.parse("10.0.0.13:3306");

    private final PrintWriter out;
    private final List<String> failures = new ArrayList<>();
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private PoolState state = PoolState.EMPTY;
    private Instant now = Instant.parse("2024-05-01T12:00:00Z");

    private IpvsVmScenarios(PrintWriter out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int status;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8))) {
            IpvsVmScenarios s = new IpvsVmScenarios(out);
            s.run();
            s.failures.forEach(f -> System.err.println("FAILED: " + f));
            status = s.failures.isEmpty() ? 0 : 1;
        }
        System.exit(status);
    }

    static List<Member> cluster(Health node2, Health node3) {
        return List.of(Member.primary("node1", E1, READABLE), Member.replica("node2", E2, node2),
                Member.replica("node3", E3, node3));
    }

    private void run() throws Exception {
        for (String a : List.of("10.0.0.1", "10.0.0.11", "10.0.0.12", "10.0.0.13")) {
            command(List.of("ip", "addr", "add", a + "/32", "dev", "lo"));
        }
        // Someone else's service on the same director: must survive everything below.
        ipvsadm("-A", "-t", "10.0.0.1:80", "-s", "rr");
        ipvsadm("-a", "-t", "10.0.0.1:80", "-r", "10.0.0.50:80", "-m", "-w", "1");
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("0.0.0.0", 3306));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(listener.accept());
                    }
                } catch (IOException closed) {
                    // listener closed at the end
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            story();
        }
    }

    private void story() throws Exception {
        round("01-start", cluster(READABLE, READABLE));
        round("02-again", cluster(READABLE, READABLE));

        // Behind the agent's back: scheduler, a weight, a forwarding method, a stranger.
        ipvsadm("-E", "-t", "10.0.0.1:3306", "-s", "rr");
        ipvsadm("-e", "-t", "10.0.0.1:3306", "-r", "10.0.0.12:3306", "-g", "-w", "5");
        ipvsadm("-e", "-t", "10.0.0.1:3306", "-r", "10.0.0.13:3306", "-m", "-w", "1");
        ipvsadm("-a", "-t", "10.0.0.1:3306", "-r", "10.0.0.99:3306", "-g", "-w", "1");
        round("03-tampered", cluster(READABLE, READABLE));
        ipvsadm("-D", "-t", "10.0.0.1:3306");
        round("04-service-deleted", cluster(READABLE, READABLE));

        // node3 flaps; rise is 3.
        round("05-flap-down", cluster(READABLE, UNREADABLE));
        round("06-flap-up-1", cluster(READABLE, READABLE));
        round("07-flap-down", cluster(READABLE, UNREADABLE));
        round("08-flap-up-1", cluster(READABLE, READABLE));
        round("09-flap-up-2", cluster(READABLE, READABLE));
        round("10-flap-up-3", cluster(READABLE, READABLE));

        // node3 dies; a client holds a connection to node2 when node2 turns unreadable.
        round("11-node3-down", cluster(READABLE, DOWN));
        Socket client = connect();
        round("12-node2-unreadable-busy", cluster(UNREADABLE, DOWN));
        round("13-still-busy", cluster(UNREADABLE, DOWN));
        client.close();
        closeAccepted();
        awaitActive(E2, 0);
        round("14-connection-ended", cluster(UNREADABLE, DOWN));

        // node2 rises again, takes a connection, turns unreadable, and the drain times out.
        round("15-rise-1", cluster(READABLE, DOWN));
        round("16-rise-2", cluster(READABLE, DOWN));
        round("17-rise-3", cluster(READABLE, DOWN));
        Socket client2 = connect();
        round("18-node2-unreadable-busy", cluster(UNREADABLE, DOWN));
        now = now.plus(SPEC.drainTimeout());
        round("19-drain-timeout", cluster(UNREADABLE, DOWN));
        client2.close();
        closeAccepted();

        List<IpvsChange> stop = PoolPlanner.planStop(VIP, list());
        for (IpvsChange c : stop) {
            ipvsadm(c.ipvsadmArgs().toArray(String[]::new));
        }
        section("20-stop", stop, "stop");
        section("21-stop-again", PoolPlanner.planStop(VIP, list()), "stop");
    }

    private void round(String name, List<Member> members) throws Exception {
        PoolPlan plan = PoolPlanner.plan(SPEC, members, list(), state, now);
        for (IpvsChange c : plan.changes()) {
            ipvsadm(c.ipvsadmArgs().toArray(String[]::new));
        }
        state = plan.nextState();
        String header = "members " + members.stream().map(m -> m.name() + "=" + m.health()).collect(Collectors.joining(" "))
                + "\npool " + (plan.isEmptyPool() ? "(empty)" : plan.pool().stream().map(r -> r.endpoint().toString())
                .collect(Collectors.joining(" ")));
        for (String n : plan.notes()) {
            header += "\nnote " + n;
        }
        section(name, plan.changes(), header);
        now = now.plusSeconds(10);
    }

    private void section(String name, List<IpvsChange> changes, String header) throws Exception {
        out.println("=== " + name);
        out.println(header);
        for (IpvsChange c : changes) {
            out.println("change " + c.describe());
        }
        out.println("--- save");
        out.print(ipvsadm("--save", "-n"));
        out.println("--- list");
        out.print(ipvsadm("-L", "-n"));
        out.println("--- end");
        out.flush();
    }

    private IpvsTable list() throws Exception {
        return IpvsadmOutput.parseList(ipvsadm("-L", "-n"));
    }

    // A client connection to the VIP; IPVS picks the only serving real server, a local address.
    private Socket connect() throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("10.0.0.1", 3306), 5000);
        awaitActive(E2, 1);
        return s;
    }

    private void closeAccepted() throws IOException {
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
            accepted.clear();
        }
    }

    private void awaitActive(Endpoint server, long active) throws Exception {
        long seen = -1;
        for (int i = 0; i < 100; i++) {
            seen = list().find(VIP).flatMap(e -> e.find(server)).map(RealServer::connections)
                    .map(RealServer.Connections::active).orElse(-1L);
            if (seen == active) {
                return;
            }
            Thread.sleep(100);
        }
        failures.add(server + ": " + seen + " active connections, waited for " + active);
    }

    private String ipvsadm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("ipvsadm");
        cmd.addAll(List.of(args));
        return command(cmd);
    }

    private String command(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            failures.add(String.join(" ", cmd) + ": timed out");
        } else if (p.exitValue() != 0) {
            failures.add(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + output.strip());
        }
        return output;
    }
}
