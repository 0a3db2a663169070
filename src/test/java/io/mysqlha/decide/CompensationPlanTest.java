package io.mysqlha.decide;

import io.mysqlha.decide.CompensationPlan.Facts;
import io.mysqlha.decide.CompensationPlan.Mode;
import io.mysqlha.decide.CompensationPlan.Plan;
import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.MariaGtidPos;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompensationPlanTest {
    static Facts gtid(String node, String received, String applied) {
        return new Facts(node, MariaGtidPos.parse(received), MariaGtidPos.parse(applied), null, null, true, false);
    }

    static Facts coords(String node, String received, String executed) {
        return new Facts(node, null, null, BinlogCoordinates.parse(received), BinlogCoordinates.parse(executed), true,
                false);
    }

    @Test
    void nobodyAheadMeansNothingToDo() {
        Plan p = CompensationPlan.plan(Mode.GTID, gtid("n2", "0-1-10", "0-1-10"), List.of(gtid("n3", "0-1-9", "0-1-9")));
        assertEquals("n2", p.latest());
        assertEquals(List.of(), p.catchUpSources());
        assertFalse(p.refused());
    }

    @Test
    void catchesUpFromTheMostAdvancedByReceivedNotApplied() {
        Plan p = CompensationPlan.plan(Mode.GTID, gtid("n2", "0-1-10", "0-1-10"),
                List.of(gtid("n3", "0-1-12", "0-1-11"), gtid("n4", "0-1-20", "0-1-5")));
        assertEquals("n4", p.latest());
        assertEquals(List.of("n4"), p.catchUpSources(), "n4 covers n3: one source is enough");
    }

    @Test
    void domainsAheadOnDifferentReplicasNeedSeveralSources() {
        Plan p = CompensationPlan.plan(Mode.GTID, gtid("n2", "0-1-10,1-1-5", "0-1-10,1-1-5"),
                List.of(gtid("n3", "0-1-12,1-1-5", "0-1-12,1-1-5"), gtid("n4", "0-1-10,1-1-9", "0-1-10,1-1-9")));
        assertEquals(List.of("n4", "n3"), p.catchUpSources());
    }

    @Test
    void aSourceThatCannotServeIsARefusal() {
        Facts noBinlog = new Facts("n3", MariaGtidPos.parse("0-1-12"), MariaGtidPos.parse("0-1-12"), null, null, false,
                false);
        Plan p = CompensationPlan.plan(Mode.GTID, gtid("n2", "0-1-10", "0-1-10"), List.of(noBinlog));
        assertTrue(p.refused());
        assertTrue(p.refusals().get(0).contains("log_slave_updates"), p.refusals().toString());
        Facts broken = new Facts("n3", MariaGtidPos.parse("0-1-12"), MariaGtidPos.parse("0-1-11"), null, null, true, true);
        assertTrue(CompensationPlan.plan(Mode.GTID, gtid("n2", "0-1-10", "0-1-10"), List.of(broken)).refused());
    }

    @Test
    void filePosDiffsEveryoneBehindTheLatestReceivedTheTargetFirst() {
        Plan p = CompensationPlan.plan(Mode.FILEPOS, coords("n2", "bin.000003:500", "bin.000003:500"),
                List.of(coords("n3", "bin.000004:120", "bin.000003:900"), coords("n4", "bin.000003:700", "bin.000003:700")));
        assertEquals("n3", p.latest());
        assertEquals(List.of("n2", "n4"), p.diffTargets(), "the latest applies its own relay log by draining");
    }

    @Test
    void filePosAcrossABinlogRotationComparesFileNumbersNotText() {
        Plan p = CompensationPlan.plan(Mode.FILEPOS, coords("n2", "bin.000010:4", "bin.000010:4"),
                List.of(coords("n3", "bin.000009:999999", "bin.000009:999999")));
        assertEquals("n2", p.latest());
        assertEquals(List.of("n3"), p.diffTargets());
    }

    @Test
    void modeAndSalvageDefaults() {
        assertEquals(Mode.GTID, CompensationPlan.mode("auto", true, true, true));
        assertEquals(Mode.FILEPOS, CompensationPlan.mode("auto", false, true, true));
        assertEquals(Mode.FILEPOS, CompensationPlan.mode("filepos", true, true, true));
        assertEquals(Mode.GTID, CompensationPlan.mode("auto", false, false, true));
        assertFalse(CompensationPlan.salvage("auto", true), "semi-sync: the tail holds no acknowledged write");
        assertTrue(CompensationPlan.salvage("auto", false));
        assertTrue(CompensationPlan.salvage("true", true));
        assertFalse(CompensationPlan.salvage("false", false));
    }
}
