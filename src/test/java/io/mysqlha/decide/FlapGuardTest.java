package io.mysqlha.decide;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlapGuardTest {
    static final long W = 300_000;

    @Test
    void firstCrashIsCountedAndLetThrough() {
        FlapGuard.Decision d = FlapGuard.atStart(null, null, true, 1_000_000, 4, W);
        assertFalse(d.heldOut());
        assertEquals(List.of(1_000_000L), d.history());
    }

    @Test
    void cleanStartCountsNothing() {
        FlapGuard.Decision d = FlapGuard.atStart("", null, false, 1_000_000, 4, W);
        assertFalse(d.heldOut());
        assertTrue(d.history().isEmpty());
    }

    @Test
    void theMaxthCrashInTheWindowHoldsTheNodeOut() {
        String h = FlapGuard.format(List.of(800_000L, 900_000L, 950_000L));
        FlapGuard.Decision d = FlapGuard.atStart(h, null, true, 1_000_000, 4, W);
        assertTrue(d.heldOut());
        assertEquals(4, d.history().size());
        assertEquals("held out: 4 unclean ends in 300 s", d.reason());
    }

    @Test
    void crashesOutsideTheWindowAreForgotten() {
        String h = FlapGuard.format(List.of(100_000L, 200_000L, 950_000L));
        FlapGuard.Decision d = FlapGuard.atStart(h, null, true, 1_000_000, 4, W);
        assertFalse(d.heldOut());
        assertEquals(List.of(950_000L, 1_000_000L), d.history());
    }

    @Test
    void theHoldIsStickyUntilCleared() {
        // the window has passed and this start follows no crash: still held, with the recorded reason
        FlapGuard.Decision d = FlapGuard.atStart("", "held out: 4 unclean ends in 300 s\n", false,
                9_000_000, 4, W);
        assertTrue(d.heldOut());
        assertEquals("held out: 4 unclean ends in 300 s", d.reason());
    }

    @Test
    void zeroTurnsTheGuardOff() {
        String h = FlapGuard.format(List.of(990_000L, 991_000L, 992_000L, 993_000L, 994_000L));
        assertFalse(FlapGuard.atStart(h, null, true, 1_000_000, 0, W).heldOut());
    }

    @Test
    void damagedLinesAndFutureStampsAreDropped() {
        FlapGuard.Decision d = FlapGuard.atStart("x\n990000\n\n5000000\n", null, false, 1_000_000, 4, W);
        assertEquals(List.of(990_000L), d.history());
    }

    @Test
    void theRefusalSaysWhatToRun() {
        String r = FlapGuard.refusal(FlapGuard.holdReason(4, W), "mysql");
        assertTrue(r.contains("mysqlha rejoin --clear-hold --resource mysql"), r);
        assertTrue(r.contains("pcs resource cleanup"), r);
        assertTrue(r.length() <= 128, "crm_mon shows 128 characters: " + r.length());
    }
}
