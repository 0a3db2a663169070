package io.mysqlha.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.decide.lvs.ClusterSnapshot;
import io.mysqlha.decide.lvs.ClusterSnapshot.MysqlRole;
import io.mysqlha.decide.lvs.ClusterSnapshot.NodeFacts;
import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.port.Clock;
import io.mysqlha.port.LocalState;
import io.mysqlha.port.PoolHealthSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's actions against an in-memory table ({@link FakeIpvs}) and a scripted cluster: the
 * idempotency matrix, the monitor's reconciliation and codes, bad input. The real kernel: LvsVmIT.
 */
class LvsAgentTest {
    static final String VIP = "-t 10.0.0.1:3306";

    final FakeIpvs ipvs = new FakeIpvs();
    final Map<String, NodeFacts> nodes = new LinkedHashMap<>();
    final Map<String, String> files = new HashMap<>();
    final Map<String, String> sysctls = new HashMap<>();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    OcfException healthFails;
    boolean resourceKnown = true;
    long now = 1_700_000_000_000L;
    int healthCalls;

    final LocalState state = new LocalState() {
        @Override
        public Optional<String> read(String name) {
            return Optional.ofNullable(files.get(name));
        }

        @Override
        public void write(String name, String content) {
            files.put(name, content);
        }

        @Override
        public void delete(String name) {
            files.remove(name);
        }

        @Override
        public String path(String name) {
            return "/state/" + name;
        }
    };

    final Clock clock = new Clock() {
        @Override
        public long nanoTime() {
            return now * 1_000_000L;
        }

        @Override
        public long wallMillis() {
            return now;
        }

        @Override
        public void sleepMillis(long ms) {
            now += ms;
        }
    };

    final PoolHealthSource health = (rsc, d) -> {
        healthCalls++;
        if (healthFails != null) {
            throw healthFails;
        }
        return new ClusterSnapshot("test", resourceKnown, nodes);
    };

    @BeforeEach
    void healthyCluster() {
        nodes.put("node1", new NodeFacts(true, MysqlRole.PRIMARY, "0", "-1"));
        nodes.put("node2", replica("1", "0"));
        nodes.put("node3", replica("1", "2"));
        sysctls.put("net.ipv4.conf.all.arp_ignore", "1");
        sysctls.put("net.ipv4.conf.all.arp_announce", "2");
    }

    static NodeFacts replica(String readable, String lag) {
        return new NodeFacts(true, MysqlRole.REPLICA, readable, lag);
    }

    Map<String, String> env(String... kv) {
        Map<String, String> e = new HashMap<>();
        e.put("OCF_RESOURCE_INSTANCE", "pool");
        e.put("OCF_RESKEY_virtual_service", "10.0.0.1:3306");
        e.put("OCF_RESKEY_node_addresses", "node1=10.0.0.11 node2=10.0.0.12 node3=10.0.0.13");
        e.put("OCF_RESKEY_rise", "2");
        e.put("OCF_RESKEY_drain_timeout", "30");
        e.put("OCF_RESKEY_CRM_meta_interval", "5000");
        for (int i = 0; i < kv.length; i += 2) {
            e.put(kv[i], kv[i + 1]);
        }
        return e;
    }

    int run(String action, String... kv) {
        OcfEnv env = OcfEnv.of(env(kv));
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        OcfLog log = new OcfLog("lvs-test", env, () -> null, ps);
        try {
            LvsAgent a = new LvsAgent(env, log, new LvsAgent.Ports(ipvs, health, () -> "node2",
                    name -> Optional.ofNullable(sysctls.get(name)), state, clock));
            return a.run(action);
        } catch (OcfException e) {
            log.exitReason(e.getMessage());
            return e.exit().code();
        }
    }

    String log() {
        return err.toString(StandardCharsets.UTF_8);
    }

    List<String> saved() {
        return List.of(ipvs.table().toSaveFormat().split("\n"));
    }

    List<String> servers() {
        return saved().stream().filter(l -> l.startsWith("-a " + VIP)).map(l -> l.substring(VIP.length() + 4)).toList();
    }

    @Test
    void metaDataListsEveryParameter() {
        String md = LvsAgent.metaData();
        for (var p : LvsParams.PARAMS) {
            assertTrue(md.contains("<parameter name=\"" + p.name() + "\""), p.name());
        }
        assertTrue(md.contains("<action name=\"monitor\" timeout=\"20s\" interval=\"5s\" depth=\"0\"/>"), md);
    }

    @Test
    void startTwiceStopTwice() {
        assertEquals(7, run("monitor"));
        assertEquals(0, run("start"));
        List<String> after = saved();
        assertEquals(List.of("-A " + VIP + " -s wrr", "-a " + VIP + " -r 10.0.0.12:3306 -g -w 1",
                "-a " + VIP + " -r 10.0.0.13:3306 -g -w 1"), after);
        int calls = ipvs.applied.size();
        assertEquals(0, run("start"));
        assertEquals(after, saved());
        assertEquals(calls, ipvs.applied.size(), "a second start changes nothing");
        assertEquals(0, run("monitor"));
        assertEquals(calls, ipvs.applied.size(), "a steady monitor changes nothing");
        assertEquals(0, run("stop"));
        assertEquals(List.of(""), saved());
        assertEquals(0, run("stop"));
        assertEquals(7, run("monitor"));
        assertFalse(files.containsKey(LvsAgent.POOL_STATE));
    }

    @Test
    void otherServicesAreNeverTouched() {
        ipvs.lines.add("-A -t 10.0.0.1:80 -s rr");
        ipvs.lines.add("-a -t 10.0.0.1:80 -r 10.0.0.50:80 -m -w 1");
        run("start");
        nodes.put("node2", replica("0", "0"));
        run("monitor");
        run("stop");
        assertEquals(List.of("-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 10.0.0.50:80 -m -w 1"), saved());
    }

    @Test
    void weightsPrimaryPolicyAndPorts() {
        assertEquals(0, run("start", "OCF_RESKEY_weights", "node3=5", "OCF_RESKEY_primary_policy", "always",
                "OCF_RESKEY_forwarding", "nat", "OCF_RESKEY_real_server_port", "3307",
                "OCF_RESKEY_node_addresses", "node1=10.0.0.11 node2=10.0.0.12:3308 node3=10.0.0.13"));
        assertEquals(List.of("-r 10.0.0.11:3307 -m -w 1", "-r 10.0.0.12:3308 -m -w 1", "-r 10.0.0.13:3307 -m -w 5"),
                servers());
    }

    @Test
    void primaryAsFallbackOnly() {
        nodes.put("node2", replica("0", "0"));
        nodes.put("node3", new NodeFacts(false, MysqlRole.REPLICA, "1", "0"));
        assertEquals(0, run("start", "OCF_RESKEY_primary_policy", "fallback"));
        assertEquals(List.of("-r 10.0.0.11:3306 -g -w 1"), servers());
        assertTrue(log().contains("serves reads as fallback"), log());
    }

    @Test
    void unreadableReplicaIsDrainedThenRemovedAndComesBackAfterRise() {
        run("start");
        ipvs.active.put(Endpoint.parse("10.0.0.13:3306"), 2L);
        nodes.put("node3", replica("1", "300")); // lagging: unreadable, still up
        assertEquals(0, run("monitor"));
        assertEquals(List.of("-r 10.0.0.12:3306 -g -w 1", "-r 10.0.0.13:3306 -g -w 0"), servers());
        assertTrue(log().contains("drain real server 10.0.0.13:3306"), log());
        assertTrue(log().contains("node3: db-lag 300 > max_lag 60"), log());
        now += 10_000;
        assertEquals(0, run("monitor"));
        assertEquals(2, servers().size(), "still draining: 2 active connections, 20 s left");
        now += 25_000;
        assertEquals(0, run("monitor"));
        assertEquals(List.of("-r 10.0.0.12:3306 -g -w 1"), servers());
        assertTrue(log().contains("drain timeout passed with 2 active connections"), log());

        nodes.put("node3", replica("1", "0"));
        assertEquals(0, run("monitor"));
        assertEquals(1, servers().size(), "rise 2: one readable monitor is not enough");
        assertEquals(0, run("monitor"));
        assertEquals(List.of("-r 10.0.0.12:3306 -g -w 1", "-r 10.0.0.13:3306 -g -w 1"), servers());
    }

    @Test
    void drainEndsWhenTheConnectionsDo() {
        run("start");
        ipvs.active.put(Endpoint.parse("10.0.0.13:3306"), 1L);
        nodes.put("node3", replica("0", "0"));
        run("monitor");
        assertEquals(2, servers().size());
        ipvs.active.put(Endpoint.parse("10.0.0.13:3306"), 0L);
        run("monitor");
        assertEquals(List.of("-r 10.0.0.12:3306 -g -w 1"), servers());
    }

    @Test
    void withoutDrainAndForDownNodesRemovalIsImmediate() {
        run("start");
        ipvs.active.put(Endpoint.parse("10.0.0.13:3306"), 1L);
        ipvs.active.put(Endpoint.parse("10.0.0.12:3306"), 1L);
        nodes.put("node3", replica("0", "0"));
        nodes.remove("node2"); // left the partition
        assertEquals(OcfExit.DEGRADED.code(), run("monitor", "OCF_RESKEY_drain", "false"));
        assertEquals(List.of(), servers());
    }

    @Test
    void emptyPoolIsDegradedAndWarnedOnce() {
        run("start");
        nodes.put("node2", replica("0", "0"));
        nodes.put("node3", new NodeFacts(true, MysqlRole.STOPPED, "1", "0"));
        assertEquals(190, run("monitor"));
        assertEquals(190, run("monitor"));
        assertEquals(1, log().split("the read pool of TCP 10.0.0.1:3306 is empty", -1).length - 1, log());
    }

    @Test
    void tamperingIsRepairedAndLogged() {
        run("start");
        ipvs.apply(List.of("-E", "-t", "10.0.0.1:3306", "-s", "rr"), null);
        ipvs.apply(List.of("-e", "-t", "10.0.0.1:3306", "-r", "10.0.0.12:3306", "-g", "-w", "9"), null);
        ipvs.apply(List.of("-a", "-t", "10.0.0.1:3306", "-r", "10.0.0.99:3306", "-g", "-w", "1"), null);
        assertEquals(0, run("monitor"));
        assertEquals(List.of("-A " + VIP + " -s wrr", "-a " + VIP + " -r 10.0.0.12:3306 -g -w 1",
                "-a " + VIP + " -r 10.0.0.13:3306 -g -w 1"), saved());
        assertTrue(log().contains("WARNING: monitor: repair: edit virtual service TCP 10.0.0.1:3306: scheduler rr -> wrr"), log());
        assertTrue(log().contains("WARNING: monitor: repair: remove real server 10.0.0.99:3306"), log());
        assertTrue(log().contains("WARNING: monitor: repair: edit real server 10.0.0.12:3306"), log());
    }

    @Test
    void aServiceDeletedBehindTheAgentsBackIsNotRunning() {
        run("start");
        ipvs.lines.clear();
        assertEquals(7, run("monitor"));
        assertTrue(log().contains("is gone from the IPVS table"), log());
        assertEquals(List.of(""), saved(), "the monitor reports; Pacemaker restarts");
    }

    @Test
    void probeReportsAndChangesNothing() {
        run("start");
        nodes.put("node2", replica("0", "0"));
        int calls = ipvs.applied.size();
        assertEquals(0, run("monitor", "OCF_RESKEY_CRM_meta_interval", "0"));
        assertEquals(calls, ipvs.applied.size());
        ipvs.findFails = OcfException.installed("IPVS is not available");
        assertEquals(7, run("monitor", "OCF_RESKEY_CRM_meta_interval", "0"));
        assertEquals(5, run("monitor"));
    }

    @Test
    void unreadableHealthLeavesThePoolAlone() {
        run("start");
        healthFails = OcfException.generic("crm_mon --output-as=xml failed (exit 102)");
        nodes.clear();
        int calls = ipvs.applied.size();
        assertEquals(0, run("monitor"));
        assertEquals(calls, ipvs.applied.size());
        assertTrue(log().contains("cannot read replica health"), log());
    }

    @Test
    void startWithoutHealthCreatesTheServiceOnly() {
        healthFails = OcfException.generic("crm_mon failed");
        assertEquals(0, run("start"));
        assertEquals(List.of("-A " + VIP + " -s wrr"), saved());
    }

    @Test
    void failedChanges() {
        ipvs.failing = java.util.Set.of("-A");
        assertEquals(1, run("start"));
        assertTrue(log().contains("ocf-exit-reason:cannot create TCP 10.0.0.1:3306: ipvsadm -A -t 10.0.0.1:3306 -s wrr "
                + "failed (exit 255): Memory allocation problem"), log());
        assertEquals(1, ipvs.applied.size(), "nothing more is tried without the service");
        ipvs.failing = java.util.Set.of();
        assertEquals(0, run("start"));
        nodes.put("node3", replica("0", "0"));
        ipvs.failing = java.util.Set.of("-d", "-e");
        assertEquals(190, run("monitor"), "a real-server change that fails is retried; meanwhile degraded");
        ipvs.failing = java.util.Set.of();
        assertEquals(0, run("monitor"));
    }

    @Test
    void unknownMysqlResourceIsWarnedAndEmptiesThePool() {
        resourceKnown = false;
        nodes.replaceAll((n, f) -> new NodeFacts(true, MysqlRole.STOPPED, null, null));
        assertEquals(0, run("start", "OCF_RESKEY_mysql_resource", "dbx"));
        assertTrue(log().contains("knows no resource 'dbx'"), log());
        assertEquals(List.of(), servers());
    }

    @Test
    void badInputNamesTheParameter() {
        assertBad(6, "virtual_service", "OCF_RESKEY_virtual_service", "10.0.0.1");
        assertBad(6, "virtual_service", "OCF_RESKEY_virtual_service", "db.example.com:3306");
        assertBad(6, "virtual_service", "OCF_RESKEY_virtual_service", "10.0.0.1:99999");
        assertBad(6, "virtual_service", "OCF_RESKEY_virtual_service", "");
        assertBad(6, "scheduler", "OCF_RESKEY_scheduler", "fastest");
        assertBad(6, "forwarding", "OCF_RESKEY_forwarding", "magic");
        assertBad(6, "primary_policy", "OCF_RESKEY_primary_policy", "sometimes");
        assertBad(6, "node_addresses", "OCF_RESKEY_node_addresses", "node1");
        assertBad(6, "node_addresses", "OCF_RESKEY_node_addresses", "node1=db1");
        assertBad(6, "node_addresses", "OCF_RESKEY_node_addresses", "node1=10.0.0.2 node2=10.0.0.2");
        assertBad(6, "node_addresses", "OCF_RESKEY_node_addresses", "node1=2001:db8::2");
        assertBad(6, "weights", "OCF_RESKEY_weights", "node9=2");
        assertBad(6, "weights", "OCF_RESKEY_weights", "node2=0");
        assertBad(6, "rise", "OCF_RESKEY_rise", "0");
        assertBad(6, "max_lag", "OCF_RESKEY_max_lag", "-1");
        assertBad(6, "drain_timeout", "OCF_RESKEY_drain_timeout", "-5");
        assertBad(6, "rise", "OCF_RESKEY_rise", "three");
    }

    void assertBad(int code, String param, String key, String value) {
        err.reset();
        for (String action : List.of("validate-all", "start", "monitor")) {
            assertEquals(code, run(action, key, value), key + "=" + value + " " + action);
            assertTrue(log().contains("ocf-exit-reason:") && log().contains("'" + param + "'"), log());
        }
        assertEquals(0, run("stop", key, value), "stop never fails on configuration");
    }

    @Test
    void ipvsadmMissingOrNoIpvs() {
        ipvs.installed = false;
        assertEquals(5, run("validate-all"));
        assertTrue(log().contains("ocf-exit-reason:ipvsadm not found: install the ipvsadm package"), log());
        assertEquals(5, run("start"));
        assertEquals(7, run("monitor", "OCF_RESKEY_CRM_meta_interval", "0"));
        assertEquals(0, run("stop"));
        ipvs.installed = true;
        ipvs.findFails = OcfException.installed("IPVS is not available in this node's kernel (...)");
        assertEquals(5, run("validate-all"));
        assertEquals(5, run("start"));
        assertEquals(0, run("stop"));
    }

    @Test
    void arpSysctlsAreCheckedOnARealServer() {
        assertEquals(0, run("validate-all"));
        assertFalse(log().contains("arp_ignore"), log());
        sysctls.put("net.ipv4.conf.all.arp_ignore", "0");
        sysctls.remove("net.ipv4.conf.all.arp_announce");
        assertEquals(0, run("validate-all"));
        assertTrue(log().contains("WARNING: forwarding=dr and this node (node2) is a real server, but "
                + "net.ipv4.conf.all.arp_ignore=0 (needs 1), net.ipv4.conf.all.arp_announce=(absent) (needs 2)"), log());
        err.reset();
        assertEquals(0, run("validate-all", "OCF_RESKEY_forwarding", "nat"));
        assertEquals(0, run("validate-all", "OCF_RESKEY_node_addresses", "node1=10.0.0.11 node3=10.0.0.13"));
        assertFalse(log().contains("arp_ignore"), log());
    }

    @Test
    void healthIsReadOncePerMonitor() {
        run("start");
        healthCalls = 0;
        run("monitor");
        assertEquals(1, healthCalls);
    }

    @Test
    void healthChangesAreLoggedOnceAtInfo() {
        run("start");
        err.reset();
        run("monitor");
        assertFalse(log().contains("INFO"), "a steady pool logs nothing at info: " + log());
        nodes.put("node3", replica("0", "0"));
        run("monitor");
        assertTrue(log().contains("INFO: monitor: node node3 UNREADABLE - node3: db-readable=0"), log());
    }

    @Test
    void unimplementedAction() {
        assertEquals(3, run("promote"));
    }

    @Test
    void lostStateIsHarmless() {
        run("start");
        files.put(LvsAgent.POOL_STATE, "garbage\n");
        assertEquals(0, run("monitor"));
        assertTrue(log().contains("unreadable /state/pool-state"), log());
        assertThrows(IllegalArgumentException.class, () -> io.mysqlha.decide.lvs.PoolState.parse("garbage"));
    }
}
