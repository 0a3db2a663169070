package io.mysqlha.decide;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuorumAndGrantsTest {
    static final List<String> HA = List.of("n1", "n2", "n3");

    @Test
    void majorityOfHaNodesWithClusterQuorum() {
        assertTrue(Quorum.check(true, List.of("n1", "n2"), HA, "n1").allowed());
        assertTrue(Quorum.check(true, List.of("n1", "n2", "n3", "a1"), HA, "n2").allowed());
    }

    @Test
    void minorityNeverPromotes() {
        Quorum q = Quorum.check(true, List.of("n1", "a1", "a2"), HA, "n1");
        assertFalse(q.allowed(), "async replicas do not count toward the HA majority");
        assertTrue(String.join(";", q.reasons()).contains("1 of 3"));
        assertFalse(Quorum.check(false, List.of("n1", "n2", "n3"), HA, "n1").allowed());
        assertFalse(Quorum.check(true, List.of("n1", "n2"), List.of("n1", "n2", "n3", "n4"), "n1").allowed(), "2 of 4 is no majority");
    }

    @Test
    void asyncReplicaIsNeverACandidate() {
        Quorum q = Quorum.check(true, List.of("n1", "n2", "n3", "a1"), HA, "a1");
        assertFalse(q.allowed());
        assertTrue(q.reasons().get(1).contains("a1 is not an HA node"));
    }

    @Test
    void emptyHaNodesMeansClusterQuorumOnly() {
        assertTrue(Quorum.check(true, List.of("x"), List.of(), "x").allowed());
        assertFalse(Quorum.check(false, List.of("x"), List.of(), "x").allowed());
    }

    @Test
    void allPrivilegesSatisfiesEverything() {
        assertEquals(List.of(), GrantCheck.missing(GrantCheck.Account.ADMIN, true,
                List.of("GRANT ALL PRIVILEGES ON *.* TO `mysqlha_admin`@`%` IDENTIFIED BY PASSWORD '*X' WITH GRANT OPTION")));
    }

    @Test
    void mariadbMonitorAndReplicationGrants() {
        List<String> monitor = List.of("GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `mysqlha_monitor`@`%` IDENTIFIED BY PASSWORD '*X'");
        assertEquals(List.of(), GrantCheck.missing(GrantCheck.Account.MONITOR, true, monitor));
        assertEquals(List.of("REPLICATION SLAVE"), GrantCheck.missing(GrantCheck.Account.REPLICATION, true, monitor));
        List<String> dbOnly = List.of("GRANT USAGE ON *.* TO `m`@`%`", "GRANT ALL PRIVILEGES ON `app`.* TO `m`@`%`");
        assertEquals(List.of("SLAVE MONITOR", "BINLOG MONITOR", "PROCESS"), GrantCheck.missing(GrantCheck.Account.MONITOR, true, dbOnly));
    }

    @Test
    void mysqlAdminNeedsDynamicPrivilegesOrSuper() {
        List<String> partial = List.of("GRANT PROCESS, REPLICATION CLIENT, SHUTDOWN ON *.* TO `a`@`%`",
                "GRANT SYSTEM_VARIABLES_ADMIN,REPLICATION_SLAVE_ADMIN ON *.* TO `a`@`%`");
        assertEquals(List.of("CONNECTION_ADMIN"), GrantCheck.missing(GrantCheck.Account.ADMIN, false, partial));
    }
}
