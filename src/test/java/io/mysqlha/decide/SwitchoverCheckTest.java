package io.mysqlha.decide;

import io.mysqlha.decide.SwitchoverCheck.Facts;
import io.mysqlha.decide.SwitchoverCheck.OpenTransaction;
import io.mysqlha.decide.SwitchoverCheck.Plan;
import io.mysqlha.decide.SwitchoverCheck.Server;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.ReplicaStatus.IoState;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.ServerVersion;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The switchover's checks, each refusal alone, and the choice of the target. */
class SwitchoverCheckTest {
    static final ServerVersion V = ServerVersion.parse("10.11.19-MariaDB", "");
    static final SemiSync PRIMARY = new SemiSync(true, true, true, SemiSync.NEVER_DEGRADE_TIMEOUT_MS, "AFTER_SYNC", true, false, 2);
    static final SemiSync REPLICA = new SemiSync(true, false, false, SemiSync.NEVER_DEGRADE_TIMEOUT_MS, "AFTER_SYNC", true, true, 0);
    static final List<String> HA = List.of("node1", "node2", "node3");

    static InstanceState replica(IoState io, boolean sql, Long lag, SemiSync ss) {
        ReplicaStatus r = new ReplicaStatus(true, "node1", 3306, io, sql, 0, "", 0, "", lag, null, null, "Slave_Pos",
                "0-1-10", 0);
        MariaGtidPos p = MariaGtidPos.parse("0-1-10");
        return new InstanceState(V, 2, true, "/var/lib/mysql/", r, p, p, p, ss, true);
    }

    static InstanceState primary(SemiSync ss) {
        MariaGtidPos p = MariaGtidPos.parse("0-1-10");
        return new InstanceState(V, 1, false, "/var/lib/mysql/", ReplicaStatus.NONE, p, p, p, ss, true);
    }

    /** A healthy cluster: node1 primary, node2 (score 2000) and node3 (score 1000) replicas. */
    static Facts healthy(Map<String, Server> servers, List<OpenTransaction> trx, String to, boolean quorate,
            List<String> online) {
        Map<String, String> roles = new LinkedHashMap<>(Map.of("node1", "Promoted", "node2", "Unpromoted", "node3", "Unpromoted"));
        online.forEach(n -> roles.putIfAbsent(n, "Unpromoted"));
        roles.keySet().retainAll(online);
        Map<String, Server> s = new LinkedHashMap<>(Map.of("node1", Server.of(primary(PRIMARY)),
                "node2", Server.of(replica(IoState.YES, true, 0L, REPLICA)), "node3", Server.of(replica(IoState.YES, true, 0L, REPLICA))));
        s.putAll(servers);
        return new Facts(quorate, HA, online, roles, Map.of("node1", 100_000, "node2", 2000, "node3", 1000),
                Map.of("node2", "1", "node3", "1"), List.of(), s, trx, Map.of(), to, 5, 10, "db");
    }

    static Facts healthy() {
        return healthy(Map.of(), List.of(), null, true, HA);
    }

    @Test
    void aHealthyClusterSwitchesToTheHighestScore() {
        Plan p = SwitchoverCheck.check(healthy());
        assertEquals(List.of(), p.refusals());
        assertEquals("node1", p.primary());
        assertEquals("node2", p.target());
        assertEquals("node3", SwitchoverCheck.check(healthy(Map.of(), List.of(), "node3", true, HA)).target());
    }

    static void refusedWith(Facts f, String... parts) {
        Plan p = SwitchoverCheck.check(f);
        assertEquals(1, p.refusals().size(), p.refusals().toString());
        for (String part : parts) {
            assertTrue(p.refusals().get(0).contains(part), p.refusals().get(0) + " lacks " + part);
        }
    }

    @Test
    void eachProblemIsRefusedWithTheNodeAndTheFix() {
        refusedWith(healthy(Map.of("node2", Server.of(replica(IoState.YES, false, null, REPLICA))), List.of(), null, true, HA),
                "node2: replication threads not both running", "SQL no", "START SLAVE");
        refusedWith(healthy(Map.of("node2", Server.of(replica(IoState.YES, true, 30L, REPLICA))), List.of(), null, true, HA),
                "node2: lags 30 s", "--max-lag");
        refusedWith(healthy(Map.of(), List.of(new OpenTransaction(42, 60, "app@client", "RUNNING")), null, true, HA),
                "node1: transaction of thread 42", "open for 60 s", "KILL 42");
        refusedWith(healthy(Map.of(), List.of(), null, true, List.of("node1", "node2")), "node3: HA node is offline",
                "pcs cluster start node3");
        refusedWith(healthy(Map.of("node2", Server.of(replica(IoState.YES, true, 0L,
                new SemiSync(true, false, false, 0, "AFTER_SYNC", true, false, 0)))), List.of(), null, true, HA),
                "node2: does not send semi-sync ACKs");
        refusedWith(healthy(Map.of("node2", Server.unreachable("refused")), List.of(), null, true, HA), "node2: its server cannot be read");
        refusedWith(healthy(Map.of(), List.of(), "node1", true, HA), "node1: is already the primary");
        refusedWith(healthy(Map.of(), List.of(), "node9", true, HA), "node9: not an HA node");
        refusedWith(healthy(Map.of("node1", Server.of(primary(new SemiSync(true, true, true,
                SemiSync.NEVER_DEGRADE_TIMEOUT_MS, "AFTER_SYNC", true, false, 0)))), List.of(), null, true, HA),
                "node1: the primary's semi-sync has no ACKing replica");
        Plan noQuorum = SwitchoverCheck.check(healthy(Map.of(), List.of(), null, false, HA));
        assertTrue(noQuorum.refusals().get(0).contains("no quorum"), noQuorum.refusals().toString());
    }

    @Test
    void aYoungTransactionAndASmallLagPass() {
        Plan p = SwitchoverCheck.check(healthy(Map.of("node2", Server.of(replica(IoState.YES, true, 5L, REPLICA))),
                List.of(new OpenTransaction(7, 3, "app@client", "RUNNING")), null, true, HA));
        assertEquals(List.of(), p.refusals());
    }

    @Test
    void aFailedActionOrAHoldRefuses() {
        Facts f = healthy();
        Facts failed = new Facts(f.quorate(), f.haNodes(), f.online(), f.roles(), f.scores(), f.readable(),
                List.of("mysql_start_0 on node3 (error)"), f.servers(), f.transactions(), Map.of("node2", "3 unclean ends"),
                null, 5, 10, "db");
        List<String> r = SwitchoverCheck.check(failed).refusals();
        assertEquals(2, r.size(), r.toString());
        assertTrue(r.get(0).contains("failed action mysql_start_0 on node3") && r.get(0).contains("pcs resource cleanup db"));
        assertTrue(r.get(1).contains("node2: held out by the agent (3 unclean ends)"));
    }
}
