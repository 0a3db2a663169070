package io.mysqlha.decide.lvs;

import static io.mysqlha.decide.lvs.IpvsVmScenarios.E2;
import static io.mysqlha.decide.lvs.IpvsVmScenarios.E3;
import static io.mysqlha.decide.lvs.IpvsVmScenarios.VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.IpvsadmOutput;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The planner against real IPVS: boots the test-harness/ipvs-vm VM once, runs
 * {@link IpvsVmScenarios} in it (list with ipvsadm, plan, apply with ipvsadm, round after round),
 * and checks each round's {@code ipvsadm --save -n} output, parsed by {@link IpvsadmOutput}.
 * Skipped, with the reason, when no VM can be had here (run-in-vm exit status 77).
 */
class IpvsVmIT {
    private static final Map<String, Round> ROUNDS = new LinkedHashMap<>();
    private static final ServiceId FOREIGN = ServiceId.tcp("10.0.0.1:80");
    private static String unavailable;

    /** One round of the guest's report. */
    record Round(String name, List<String> header, List<String> changes, IpvsTable saved, IpvsTable listed) {
        List<String> pool() {
            return header.stream().filter(l -> l.startsWith("pool ")).findFirst().map(l -> List.of(l.substring(5).split(" ")))
                    .orElseThrow();
        }

        boolean hasNote(String text) {
            return header.contains("note " + text);
        }

        IpvsTable.Entry ours() {
            return saved.find(VIP).orElseThrow(() -> new AssertionError(name + ": no " + VIP + " in\n" + saved.toSaveFormat()));
        }

        /** The pool service's real servers as "endpoint method weight". */
        List<String> servers() {
            return ours().realServers().stream()
                    .map(r -> r.endpoint() + " " + r.forwarding().shortName() + " " + r.weight()).toList();
        }
    }

    @BeforeAll
    static void runScenariosInTheVm() throws Exception {
        Path base = Path.of(System.getProperty("mysqlha.basedir", ".")).toAbsolutePath().normalize();
        Path runner = base.resolve("test-harness/ipvs-vm/run-in-vm");
        if (!Files.isExecutable(runner)) {
            unavailable = "IPVS VM unavailable: no " + runner;
            return;
        }
        Path shared = base.resolve("target/ipvs-vm-it");
        Files.createDirectories(shared);
        Files.deleteIfExists(shared.resolve("report.txt"));
        Path script = shared.resolve("scenarios.sh");
        Files.writeString(script, "exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
                + " -cp /repo/target/classes:/repo/target/test-classes " + IpvsVmScenarios.class.getName()
                + " /shared/report.txt\n");

        Process p = new ProcessBuilder(runner.toString(), "--timeout", "240", "--repo", base.toString(),
                shared.toString(), script.toString())
                .redirectOutput(shared.resolve("run-in-vm.out").toFile())
                .redirectError(shared.resolve("run-in-vm.err").toFile())
                .start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroy(); // run-in-vm kills its qemu on TERM
            p.waitFor(10, TimeUnit.SECONDS);
            fail("run-in-vm did not finish in 300 s");
        }
        String err = Files.readString(shared.resolve("run-in-vm.err"));
        if (p.exitValue() == 77) {
            String reason = err.lines().filter(l -> l.startsWith("IPVS VM unavailable")).findFirst()
                    .orElse("IPVS VM unavailable: run-in-vm exit status 77");
            System.out.println(IpvsVmIT.class.getSimpleName() + " skipped: " + reason);
            unavailable = reason;
            return;
        }
        assertEquals(0, p.exitValue(), "run-in-vm failed:\n" + err);
        parse(Files.readString(shared.resolve("report.txt"), StandardCharsets.UTF_8));
    }

    // Per test rather than in @BeforeAll, so that every test is reported as skipped, with the reason.
    @BeforeEach
    void requireTheVm() {
        Assumptions.assumeTrue(unavailable == null, unavailable);
    }

    private static void parse(String report) {
        String name = null;
        List<String> header = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        StringBuilder save = new StringBuilder();
        StringBuilder list = new StringBuilder();
        StringBuilder into = null;
        for (String line : report.split("\n")) {
            if (line.startsWith("=== ")) {
                name = line.substring(4);
                header = new ArrayList<>();
                changes = new ArrayList<>();
                save.setLength(0);
                list.setLength(0);
                into = null;
            } else if (line.equals("--- save")) {
                into = save;
            } else if (line.equals("--- list")) {
                into = list;
            } else if (line.equals("--- end")) {
                ROUNDS.put(name, new Round(name, header, changes, IpvsadmOutput.parseSave(save.toString()),
                        IpvsadmOutput.parseList(list.toString())));
            } else if (into != null) {
                into.append(line).append('\n');
            } else if (line.startsWith("change ")) {
                changes.add(line.substring(7));
            } else {
                header.add(line);
            }
        }
    }

    private static Round round(String name) {
        Round r = ROUNDS.get(name);
        assertNotNull(r, "no round " + name + " in the report (rounds: " + ROUNDS.keySet() + ")");
        return r;
    }

    @Test
    void everyRoundWasReported() {
        assertEquals(21, ROUNDS.size(), ROUNDS.keySet().toString());
    }

    @Test
    void freshStartBuildsTheServiceAndPool() {
        Round r = round("01-start");
        assertEquals(VirtualService.of(VIP, "wrr"), r.ours().service());
        assertEquals(List.of("10.0.0.12:3306 dr 1", "10.0.0.13:3306 dr 1"), r.servers());
        assertEquals(3, r.changes().size());
    }

    @Test
    void aSecondMonitorChangesNothing() {
        Round r = round("02-again");
        assertEquals(List.of(), r.changes());
        assertEquals(round("01-start").saved(), r.saved());
    }

    @Test
    void tamperedTableIsRepaired() {
        Round r = round("03-tampered");
        assertEquals(4, r.changes().size(), r.changes().toString());
        assertTrue(r.changes().contains("edit virtual service TCP 10.0.0.1:3306: scheduler rr -> wrr (configuration differs from the resource's)"));
        assertTrue(r.changes().contains("remove real server 10.0.0.99:3306 from TCP 10.0.0.1:3306 (not a member of the pool; no active connections)"));
        assertEquals(round("01-start").saved(), r.saved());
    }

    @Test
    void deletedServiceIsRecreated() {
        Round r = round("04-service-deleted");
        assertTrue(r.changes().get(0).startsWith("add virtual service TCP 10.0.0.1:3306"), r.changes().toString());
        assertEquals(round("01-start").saved(), r.saved());
    }

    @Test
    void otherServicesAreNeverTouched() {
        IpvsTable.Entry foreign = round("01-start").saved().find(FOREIGN).orElseThrow();
        assertEquals(1, foreign.realServers().size());
        for (Round r : ROUNDS.values()) {
            assertEquals(foreign, r.saved().find(FOREIGN).orElse(null), r.name());
        }
    }

    @Test
    void flappingReplicaIsDamped() {
        assertEquals(List.of("10.0.0.12:3306 dr 1"), round("05-flap-down").servers());
        for (String name : List.of("06-flap-up-1", "07-flap-down", "08-flap-up-1", "09-flap-up-2")) {
            Round r = round(name);
            assertEquals(List.of("10.0.0.12:3306 dr 1"), r.servers(), name);
            assertEquals(List.of(), r.changes(), name);
        }
        assertTrue(round("09-flap-up-2").hasNote("node3 readable 2 of 3 monitors in a row: not back in the pool yet"));
        assertEquals(List.of("10.0.0.12:3306 dr 1", "10.0.0.13:3306 dr 1"), round("10-flap-up-3").servers());
    }

    @Test
    void downReplicaIsRemovedAtOnce() {
        Round r = round("11-node3-down");
        assertEquals(List.of("remove real server 10.0.0.13:3306 from TCP 10.0.0.1:3306 (node3 down)"), r.changes());
        assertEquals(List.of("10.0.0.12:3306 dr 1"), r.servers());
    }

    @Test
    void busyReplicaIsDrainedUntilItsConnectionEnds() {
        Round busy = round("12-node2-unreadable-busy");
        assertEquals(List.of("10.0.0.12:3306 dr 0"), busy.servers());
        assertEquals(1, active(busy, E2));
        assertEquals(List.of("(empty)"), busy.pool());
        assertTrue(busy.hasNote("the read pool of TCP 10.0.0.1:3306 is empty: no member may serve reads"));

        Round still = round("13-still-busy");
        assertEquals(List.of(), still.changes());
        assertEquals(List.of("10.0.0.12:3306 dr 0"), still.servers());

        Round ended = round("14-connection-ended");
        assertEquals(List.of("remove real server 10.0.0.12:3306 from TCP 10.0.0.1:3306 (node2 not readable; no active connections)"),
                ended.changes());
        assertEquals(List.of(), ended.servers());
        assertEquals(VirtualService.of(VIP, "wrr"), ended.ours().service());
    }

    @Test
    void drainEndsAtItsTimeout() {
        assertEquals(List.of(), round("16-rise-2").servers());
        assertEquals(List.of("10.0.0.12:3306 dr 1"), round("17-rise-3").servers());
        Round busy = round("18-node2-unreadable-busy");
        assertEquals(List.of("10.0.0.12:3306 dr 0"), busy.servers());
        assertEquals(1, active(busy, E2));
        Round timeout = round("19-drain-timeout");
        assertEquals(List.of("remove real server 10.0.0.12:3306 from TCP 10.0.0.1:3306 "
                + "(node2 not readable; drain timeout passed with 1 active connections)"), timeout.changes());
        assertEquals(List.of(), timeout.servers());
    }

    @Test
    void stopDeletesOnlyThePoolService() {
        Round stop = round("20-stop");
        assertFalse(stop.saved().find(VIP).isPresent());
        assertTrue(stop.saved().find(FOREIGN).isPresent());
        assertEquals(List.of(), round("21-stop-again").changes());
    }

    @Test
    void listAndSaveAgree() {
        for (Round r : ROUNDS.values()) {
            assertEquals(r.saved().services().size(), r.listed().services().size(), r.name());
            for (IpvsTable.Entry e : r.saved().services()) {
                IpvsTable.Entry l = r.listed().find(e.id()).orElseThrow();
                assertEquals(e.service(), l.service(), r.name());
                assertEquals(e.realServers().stream().map(RealServer::toString).toList(),
                        l.realServers().stream().map(x -> x.withConnections(null).toString()).toList(), r.name());
            }
        }
        assertFalse(round("13-still-busy").listed().find(VIP).orElseThrow().find(E3).isPresent());
    }

    private static long active(Round r, Endpoint server) {
        return r.listed().find(VIP).flatMap(e -> e.find(server)).map(RealServer::connections)
                .map(RealServer.Connections::active).orElse(-1L);
    }
}
