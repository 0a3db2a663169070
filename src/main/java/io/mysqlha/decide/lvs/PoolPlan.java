package io.mysqlha.decide.lvs;

import io.mysqlha.model.lvs.RealServer;
import java.util.List;

/**
 * The planner's answer for one monitor.
 *
 * @param changes    what to run, in order (service first, then additions and restores, then
 *                   drains, then removals: the pool never shrinks before it has grown); empty when
 *                   the table already is as it should be
 * @param pool       the real servers that take new connections once the changes are applied
 * @param nextState  what to store for the next monitor, whether or not the changes succeed
 *                   (a failed change is simply planned again)
 * @param notes      observations worth logging that are not changes (a member still rising, a
 *                   drain waiting for connections, the primary excluded or used as fallback)
 */
public record PoolPlan(List<IpvsChange> changes, List<RealServer> pool, PoolState nextState, List<String> notes) {
    public PoolPlan {
        changes = List.copyOf(changes);
        pool = List.copyOf(pool);
        notes = List.copyOf(notes);
    }

    /** Whether nothing needs to change. */
    public boolean isNoop() {
        return changes.isEmpty();
    }

    /** Whether no real server will take new connections: reads through the VIP will fail. */
    public boolean isEmptyPool() {
        return pool.isEmpty();
    }
}
