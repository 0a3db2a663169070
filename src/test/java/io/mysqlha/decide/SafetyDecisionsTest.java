package io.mysqlha.decide;

import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.MysqlGtidSet;
import io.mysqlha.model.Position;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.ServerVersion;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetyDecisionsTest {

    static Map<String, Position> positions(String... kv) {
        Map<String, Position> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], MariaGtidPos.parse(kv[i + 1]));
        }
        return m;
    }

    @Test
    void scoresRankByReceivedPositionAcrossDomains() {
        Map<String, Position> peers = positions("a", "0-1-100,1-2-5", "b", "0-1-90,1-2-5");
        assertEquals(3000, Election.replicaScore(MariaGtidPos.parse("0-1-100,1-2-5"), peers));
        assertEquals(2000, Election.replicaScore(MariaGtidPos.parse("0-1-95,1-2-5"), peers));
        // ahead in domain 0 but behind in domain 1: covers nobody
        assertEquals(1000, Election.replicaScore(MariaGtidPos.parse("0-1-200,1-2-4"), peers));
        assertTrue(Election.replicaScore(MariaGtidPos.parse("0-1-1"), Map.of()) < Election.PRIMARY_SCORE);
        assertTrue(Election.PRIMARY_SCORE < 1_000_000, "below INFINITY");
    }

    @Test
    void peersAheadAreNamedWithTheirLead() {
        Map<String, String> ahead = Election.peersAhead(MariaGtidPos.parse("0-1-98"),
                positions("a", "0-1-100", "b", "0-1-98", "c", ""));
        assertEquals(List.of("a"), List.copyOf(ahead.keySet()));
        assertTrue(ahead.get("a").contains("by 2 transaction(s)"), ahead.get("a"));
        assertTrue(Election.peersAhead(MariaGtidPos.parse("0-1-98"), positions("x", "0-2-98")).get("x").contains("diverged"));
    }

    @Test
    void mostAdvanced() {
        assertEquals("b", Election.mostAdvanced(positions("a", "0-1-5", "b", "0-1-7", "c", "0-1-6")));
        assertNull(Election.mostAdvanced(positions("a", "0-1-5,1-1-9", "b", "0-1-7,1-1-2")));
    }

    @Test
    void subsetCheckCatchesATransactionTheNewPrimaryNeverReceived() {
        // the old primary (server 1) binlogged 0-1-101 but no replica got it; server 2 went on from 100
        String newPrimaryState = "0-1-100,0-2-103";
        List<String> extra = Lineage.notInPrimary(MariaGtidPos.parse("0-1-101"), newPrimaryState);
        assertEquals(1, extra.size());
        assertTrue(extra.get(0).startsWith("0-1-101"), extra.toString());
        assertEquals(List.of(), Lineage.notInPrimary(MariaGtidPos.parse("0-1-100"), newPrimaryState));
        assertEquals(List.of(), Lineage.notInPrimary(MariaGtidPos.parse("0-2-102"), newPrimaryState));
        assertEquals(1, Lineage.notInPrimary(MariaGtidPos.parse("0-1-100,5-1-1"), newPrimaryState).size(),
                "a domain the primary never saw");
        assertEquals(List.of(), Lineage.notInPrimary(MariaGtidPos.EMPTY, ""));
    }

    @Test
    void mysqlSubsetIsSetInclusion() {
        String u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        assertEquals(List.of(), Lineage.notInPrimary(MysqlGtidSet.parse(u + ":1-5"), u + ":1-9"));
        assertEquals(1, Lineage.notInPrimary(MysqlGtidSet.parse(u + ":1-10"), u + ":1-9").size());
    }

    @Test
    void errantTransactionsOnAReplica() {
        ServerVersion v = ServerVersion.parse("10.11.19-MariaDB", "");
        ReplicaStatus r = new ReplicaStatus(true, "db1", 3306, ReplicaStatus.IoState.YES, true, 0, "", 0, "", 0L,
                null, null, "Slave_Pos", "0-1-10", 0);
        InstanceState clean = new InstanceState(v, 3, true, "/d", r, MariaGtidPos.parse("0-1-10"),
                MariaGtidPos.parse("0-1-10"), MariaGtidPos.parse("0-1-10"), SemiSync.UNAVAILABLE, true);
        assertEquals(List.of(), Lineage.errant(clean));
        InstanceState errant = new InstanceState(v, 3, true, "/d", r, MariaGtidPos.parse("0-3-11"),
                MariaGtidPos.parse("0-1-10"), MariaGtidPos.parse("0-3-11"), SemiSync.UNAVAILABLE, true);
        assertEquals(List.of("0-3-11"), Lineage.errant(errant));
        // a former primary whose own transactions were accounted for when it was repointed
        InstanceState former = new InstanceState(v, 3, true, "/d", r, MariaGtidPos.parse("0-3-11"),
                MariaGtidPos.parse("0-3-11"), MariaGtidPos.parse("0-3-11"), SemiSync.UNAVAILABLE, true);
        assertEquals(List.of(), Lineage.errant(former));
    }

    @Test
    void crashGuardTellsHowTheServerLastEnded() {
        assertEquals(CrashGuard.LastEnd.UNKNOWN, CrashGuard.lastEnd(null, "b1", false));
        assertEquals(CrashGuard.LastEnd.CLEAN, CrashGuard.lastEnd(CrashGuard.clean("b1"), "b1", false));
        assertEquals(CrashGuard.LastEnd.MYSQLD_CRASH, CrashGuard.lastEnd(CrashGuard.running("b1", 42), "b1", false));
        assertEquals(CrashGuard.LastEnd.CLEAN, CrashGuard.lastEnd(CrashGuard.running("b1", 42), "b1", true),
                "still running: a repeated start");
        assertEquals(CrashGuard.LastEnd.OS_CRASH, CrashGuard.lastEnd(CrashGuard.running("b0", 42), "b1", false));
        assertEquals(CrashGuard.LastEnd.MYSQLD_CRASH, CrashGuard.lastEnd(CrashGuard.killed("b1"), "b1", false));
        assertEquals(CrashGuard.LastEnd.REFUSED, CrashGuard.lastEnd(CrashGuard.refused("b1", "x\ny"), "b1", false));
        assertThrows(IllegalArgumentException.class, () -> CrashGuard.lastEnd("garbage", "b1", false));
    }

    @Test
    void thePromotedRoleDoesNotSurviveAReboot() {
        assertEquals(true, CrashGuard.promotedMarkerValid(CrashGuard.promotedMarker("b1"), "b1"));
        assertEquals(false, CrashGuard.promotedMarkerValid(CrashGuard.promotedMarker("b0"), "b1"),
                "written before a power fence or an OS crash: the instance is just stopped");
        assertEquals(true, CrashGuard.promotedMarkerValid("promoted\n", "b1"), "the older format: no boot id");
        assertEquals(false, CrashGuard.promotedMarkerValid("", "b1"));
        assertEquals(false, CrashGuard.promotedMarkerValid("unpromoted boot=b1", "b1"));
        assertEquals(false, CrashGuard.promotedMarkerValid(null, "b1"));
    }

    @Test
    void crashSafetySettings() {
        assertEquals(List.of(), CrashGuard.unsafeSettings(Map.of("sync_binlog", "1",
                "innodb_flush_log_at_trx_commit", "1", "relay_log_recovery", "1")));
        List<String> bad = CrashGuard.unsafeSettings(Map.of("sync_binlog", "0",
                "innodb_flush_log_at_trx_commit", "2", "relay_log_recovery", "0"));
        assertEquals(3, bad.size());
        assertTrue(bad.get(0).startsWith("sync_binlog=0"));
    }
}
