package io.mysqlha.ops;

import io.mysqlha.rt.CrmMon;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecloneTest {
    /** node1 primary, node2 a replica, node3 refused (its start failed), all online. */
    static CrmMon cluster(List<CrmMon.Failure> failures) {
        return new CrmMon(true, List.of("node1", "node2", "node3"), List.of(),
                List.of(new CrmMon.Instance("Promoted", "node1", false), new CrmMon.Instance("Unpromoted", "node2", false),
                        new CrmMon.Instance("Stopped", null, false)),
                Optional.of("node1"), Optional.empty(), failures);
    }

    static final CrmMon.Failure REFUSED = new CrmMon.Failure("mysql_start_0", "node3", "error",
            "refusing to rejoin: this node has transactions the primary node1 lacks: 0-3-12");

    static String refusal(String node, String from, boolean allowPrimary, boolean force) {
        return Reclone.refusal(cluster(List.of(REFUSED)), node, from, allowPrimary, force).orElse(null);
    }

    @Test
    void aRefusedNodeMayBeRebuiltFromAReplicaOrFromThePrimaryWhenAllowed() {
        assertEquals(null, refusal("node3", null, false, false));
        assertEquals(null, refusal("node3", "node2", false, false));
        assertEquals(null, refusal("node3", "node1", true, false));
    }

    @Test
    void thePrimaryIsNeverRebuiltNotEvenWithForce() {
        for (boolean force : new boolean[] {false, true}) {
            String r = refusal("node1", null, true, force);
            assertTrue(r.startsWith("node1 is the primary"), r);
            assertTrue(r.contains("Move the primary first"), r);
        }
    }

    @Test
    void aHealthyReplicaNeedsForce() {
        String r = refusal("node2", "node3", false, false);
        assertTrue(r.startsWith("node2 runs as a healthy replica"), r);
        assertTrue(r.contains("--force"), r);
        // with --force the next check applies: node3 cannot be the source, it is refused itself
        String s = refusal("node2", "node3", false, true);
        assertTrue(s.startsWith("--from node3 is not running as a healthy replica"), s);
        assertEquals(null, refusal("node2", "node1", true, true));
    }

    @Test
    void copyingFromThePrimaryNeedsAllowPrimary() {
        String r = refusal("node3", "node1", false, false);
        assertTrue(r.startsWith("--from node1 is the primary"), r);
        assertTrue(r.contains("--allow-primary"), r);
    }

    @Test
    void theSourceIsNotTheNodeItself() {
        assertTrue(refusal("node3", "node3", false, false).startsWith("--from node3 is the node to rebuild"));
    }

    @Test
    void anOfflineNodeOrNoPrimaryIsRefused() {
        assertTrue(refusal("node4", null, false, false).startsWith("node4 is not an online cluster node"));
        CrmMon none = new CrmMon(true, List.of("node1", "node2", "node3"), List.of(),
                List.of(new CrmMon.Instance("Unpromoted", "node1", false), new CrmMon.Instance("Unpromoted", "node2", false)),
                Optional.empty(), Optional.empty(), List.of(REFUSED));
        String r = Reclone.refusal(none, "node3", null, false, false).orElseThrow();
        assertTrue(r.startsWith("the cluster has no primary"), r);
    }

    @Test
    void aReplicaWithAFailedActionIsNotHealthy() {
        CrmMon v = cluster(List.of(new CrmMon.Failure("mysql_monitor_3000", "node2", "error", "")));
        assertFalse(Reclone.healthyReplica(v, "node2"));
        assertTrue(Reclone.healthyReplica(cluster(List.of()), "node2"));
        assertFalse(Reclone.healthyReplica(cluster(List.of()), "node1"));
    }

    @Test
    void replicationRunsOnlyWithBothThreads() {
        assertTrue(Reclone.replicatingIn("  Slave_IO_Running: Yes\n  Slave_SQL_Running: Yes\n"));
        assertFalse(Reclone.replicatingIn("  Slave_IO_Running: Connecting\n  Slave_SQL_Running: Yes\n"));
        assertFalse(Reclone.replicatingIn(""));
    }

    @Test
    void noHealthySourceIsARefusalNamingTheWayOut() {
        // node2 is a running replica whose threads do not run (answer of SHOW SLAVE STATUS)
        NodeShell shell = (node, argv) -> argv.contains("SHOW SLAVE STATUS\\G")
                ? List.of("printf", "Slave_IO_Running: No\\nSlave_SQL_Running: Yes\\n") : List.of("false");
        Reclone r = new Reclone(shell, new Reclone.Options("node3", null, false, false, false, "db", "mysql",
                "/var/lib/mysql", "/etc/mysql/my.cnf", null, java.time.Duration.ofSeconds(1)), System.out, false);
        Reclone.Refused e = assertThrows(Reclone.Refused.class, () -> r.source(cluster(List.of(REFUSED))));
        assertTrue(e.getMessage().contains("--from node1 --allow-primary"), e.getMessage());
        assertTrue(e.getMessage().contains("node2, not replicating"), e.getMessage());
    }

    @Test
    void progressShowsBytesRateAndTimeLeft() {
        assertEquals("512.0 MiB of ~1.0 GiB (50%), 64.0 MiB/s, about 8 s left",
                Reclone.progress(512L << 20, 1L << 30, 8));
        assertEquals("10 B, 5 B/s", Reclone.progress(10, 0, 2));
    }

    @Test
    void viaNeedsTheNodePlaceholderAndSshQuotes() {
        assertThrows(IllegalArgumentException.class, () -> NodeShell.via("lab exec"));
        assertEquals(List.of("lab", "exec", "node2", "true"), NodeShell.via("lab exec {node}").wrap("node2", List.of("true")));
        List<String> ssh = NodeShell.ssh("root", List.of("-o", "BatchMode=yes"), "node1").wrap("node2",
                List.of("sh", "-c", "echo 'a b'"));
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "root@node2", "--", "sh", "-c", "'echo '\\''a b'\\'''"), ssh);
        assertEquals(List.of("true"), NodeShell.ssh("root", List.of(), "node1").wrap("node1", List.of("true")));
    }

    @Test
    void datadirAndOptionFileComeFromTheResourceUnlessGiven() {
        String cib = "<resources><clone id=\"db\"><primitive id=\"mysql\" class=\"ocf\" provider=\"mysqlha\" "
                + "type=\"mysql\"><instance_attributes id=\"a\"><nvpair id=\"d\" name=\"datadir\" "
                + "value=\"/srv/mysql\"/><nvpair id=\"c\" name=\"config\" value=\"/etc/mysql/ha.cnf\"/>"
                + "</instance_attributes></primitive></clone></resources>";
        NodeShell shell = (node, argv) -> argv.contains("cibadmin") ? List.of("printf", "%s", cib) : List.of("false");
        Reclone.Options none = new Reclone.Options("node3", null, false, false, false, "db", "mysql", null, null, null,
                java.time.Duration.ofSeconds(1));
        Reclone r = new Reclone(shell, none, System.out, false);
        Reclone.Options got = r.withResourceSettings(none, "node1");
        assertEquals("/srv/mysql", got.datadir());
        assertEquals("/etc/mysql/ha.cnf", got.config());
        Reclone.Options given = new Reclone.Options("node3", null, false, false, false, "db", "mysql", "/data", null,
                null, java.time.Duration.ofSeconds(1));
        assertEquals("/data", r.withResourceSettings(given, "node1").datadir(), "an option wins");
        NodeShell noCib = (node, argv) -> List.of("false");
        Reclone.Options dflt = new Reclone(noCib, none, System.out, false).withResourceSettings(none, "node1");
        assertEquals("/var/lib/mysql", dflt.datadir());
        assertEquals("/etc/mysql/my.cnf", dflt.config());
    }

    @Test
    void copyFromAPrimaryWithNoSemiSyncReplicaIsRefused() {
        // the primary of a two-node cluster whose other node lost its data: commits wait, the copy would too
        Optional<String> no = Reclone.ackDeadlock("node1", "node2", "3\t0\tON\n");
        assertTrue(no.isPresent());
        assertTrue(no.get().contains("node1 (the primary)"), no.get());
        assertTrue(no.get().contains("3 session(s) waiting"), no.get());
        assertTrue(no.get().contains("Nothing was changed"), no.get());
        // a connected semi-sync replica ACKs the commits the copy's lock waits for; semi-sync off never waits
        assertFalse(Reclone.ackDeadlock("node1", "node2", "0\t1\tON\n").isPresent());
        assertFalse(Reclone.ackDeadlock("node1", "node2", "0\t0\tOFF\n").isPresent());
        // no answer (a server without semi-sync): nothing to refuse on
        assertFalse(Reclone.ackDeadlock("node1", "node2", "").isPresent());
    }
}
