package io.mysqlha.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {

    @Test
    void versionsParseLeadingNumbersOnly() {
        ServerVersion m = ServerVersion.parse("10.11.19-MariaDB-0+deb12u1-log", "");
        assertTrue(m.isMariaDb());
        assertEquals(10, m.major());
        assertEquals(11, m.minor());
        assertEquals(19, m.patch());
        ServerVersion h = ServerVersion.parse("5.5.5-10.6.12-MariaDB", null);
        assertTrue(h.isMariaDb());
        assertEquals(10, h.major());
        ServerVersion my = ServerVersion.parse("8.4.3", "MySQL Community Server - GPL");
        assertFalse(my.isMariaDb());
        assertTrue(my.atLeast(8, 4));
        assertFalse(ServerVersion.parse("8.0.36", "").atLeast(8, 4));
        assertTrue(ServerVersion.parse("10.5.1", "mariadb.org binary distribution").isMariaDb());
        assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse("garbage", ""));
    }

    @Test
    void masterInfoRoundTrip() {
        MasterInfo mi = new MasterInfo("node2", 7, "0-2-100,1-1-4", 1700000000000L);
        assertEquals(mi, MasterInfo.parse(mi.format()));
        MasterInfo next = mi.next("node3", "0-3-101", 1700000001000L);
        assertEquals(8, next.epoch());
        assertEquals("node3", next.node());
    }

    @Test
    void masterInfoRejectsCorruption() {
        assertThrows(IllegalArgumentException.class, () -> MasterInfo.parse(""));
        assertThrows(IllegalArgumentException.class, () -> MasterInfo.parse("node=a;epoch=1"));
        assertThrows(IllegalArgumentException.class, () -> MasterInfo.parse("node=a;epoch=x;pos=;time=1"));
        assertThrows(IllegalArgumentException.class, () -> MasterInfo.parse("garbage"));
        assertThrows(IllegalArgumentException.class, () -> new MasterInfo("a;b", 1, "", 0));
    }

    @Test
    void replicaSummaryNamesErrors() {
        ReplicaStatus r = new ReplicaStatus(true, "db1", 3306, ReplicaStatus.IoState.CONNECTING, true, 2003,
                "cannot connect", 0, "", null, null, null, "Slave_Pos", "0-1-5", 0);
        assertTrue(r.summary().contains("io connecting"));
        assertTrue(r.summary().contains("2003"));
        assertTrue(r.summary().contains("lag NULL"));
        assertEquals("replication not configured", ReplicaStatus.NONE.summary());
    }
}
