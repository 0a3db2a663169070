package io.mysqlha.decide;

import org.junit.jupiter.api.Test;

import static io.mysqlha.decide.RelayDrain.Next.APPLIED;
import static io.mysqlha.decide.RelayDrain.Next.INCOMPLETE_TAIL;
import static io.mysqlha.decide.RelayDrain.Next.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayDrainTest {
    static final String IDLE = "Slave has read all relay log; waiting for more updates";
    static final String IDLE_MYSQL = "Replica has read all relay log; waiting for more updates";

    @Test
    void coordinatesReachedIsApplied() {
        assertEquals(APPLIED, RelayDrain.next(true, null, IDLE, 0));
        assertEquals(APPLIED, RelayDrain.next(true, false, "User sleep", 60_000));
    }

    @Test
    void aWholeTransactionReceivedAndNotAppliedIsWaitedForHoweverLongItStalls() {
        assertEquals(WAIT, RelayDrain.next(false, false, "User sleep", 60_000));
        // parallel workers apply while the SQL driver thread has read everything
        assertEquals(WAIT, RelayDrain.next(false, false, IDLE, 60_000));
    }

    @Test
    void aThreadStillApplyingIsNotAnIncompleteTail() {
        assertEquals(WAIT, RelayDrain.next(false, null, "Update_rows_log_event::find_row(-1) on table `t`", 10_000));
        assertEquals(WAIT, RelayDrain.next(false, true, "Executing event", 10_000));
    }

    @Test
    void aStalledIdleThreadLeavesTheIncompleteTail() {
        assertEquals(INCOMPLETE_TAIL, RelayDrain.next(false, null, IDLE, 2_001));
        assertEquals(INCOMPLETE_TAIL, RelayDrain.next(false, true, IDLE_MYSQL, 2_001));
        assertEquals(INCOMPLETE_TAIL, RelayDrain.next(false, null, "", 2_001));
        assertEquals(WAIT, RelayDrain.next(false, null, IDLE, 1_999));
    }

    @Test
    void statesThatMeanNothingIsApplying() {
        assertTrue(RelayDrain.waitsForEvents(IDLE));
        assertTrue(RelayDrain.waitsForEvents(IDLE_MYSQL));
        assertTrue(RelayDrain.waitsForEvents(null));
        assertFalse(RelayDrain.waitsForEvents("User sleep"));
        assertFalse(RelayDrain.waitsForEvents("Waiting for prior transaction to commit"));
    }
}
