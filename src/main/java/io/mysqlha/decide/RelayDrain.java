package io.mysqlha.decide;

import java.util.Locale;

/**
 * When a promote's own relay-log drain is over. The IO thread is stopped; what the SQL thread has not applied
 * yet is either a complete transaction still being applied (a long statement, a big transaction: the
 * executed position does not move until it commits, for as long as that takes) or the incomplete tail of one
 * whose rest never arrived. Only the second may be left behind: stopping replication under the first rolls
 * it back, and the reset that follows a promotion deletes the relay log that held it, so an acknowledged
 * transaction would be gone. Pure.
 */
public final class RelayDrain {
    /** No progress for this long, with the SQL thread waiting for events, marks an incomplete tail. */
    public static final long STALL_MS = 2_000;

    /** What the drain does next. */
    public enum Next { APPLIED, INCOMPLETE_TAIL, WAIT }

    private RelayDrain() {}

    /**
     * @param coordinatesMet the SQL thread executed up to what the IO thread received (source coordinates)
     * @param gtidApplied    whether the applied GTID position covers every transaction received, where the
     *                       received set counts whole transactions only (MariaDB's Gtid_IO_Pos); null where
     *                       that is not known (file/position replication, or MySQL, whose Retrieved_Gtid_Set
     *                       can name a transaction received in part)
     * @param sqlState       the SQL thread's state (Slave_SQL_Running_State / Replica_SQL_Running_State)
     * @param stalledMs      how long the executed coordinates have not moved
     */
    public static Next next(boolean coordinatesMet, Boolean gtidApplied, String sqlState, long stalledMs) {
        if (coordinatesMet) {
            return Next.APPLIED;
        }
        if (Boolean.FALSE.equals(gtidApplied)) {
            // a whole transaction is received and not applied: however long it takes, it is not a tail
            return Next.WAIT;
        }
        return stalledMs > STALL_MS && waitsForEvents(sqlState) ? Next.INCOMPLETE_TAIL : Next.WAIT;
    }

    /**
     * Whether the SQL thread has read its whole relay log and waits for more: it is applying nothing. An
     * empty state (not reported) counts as waiting, as the stall alone did before the state was read.
     */
    public static boolean waitsForEvents(String sqlState) {
        return sqlState == null || sqlState.isBlank()
                || sqlState.toLowerCase(Locale.ROOT).contains("has read all relay log");
    }
}
