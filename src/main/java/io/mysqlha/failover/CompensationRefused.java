package io.mysqlha.failover;

/**
 * Log compensation cannot bring this node to the most advanced point (file/position mode: a relay log it
 * needs was purged, or can only be read on another node). Opening writes here would lose received
 * transactions, so the promotion fails; the agent lowers this node's score so that Pacemaker promotes the
 * node the reason names (or another) instead of retrying here.
 */
public final class CompensationRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompensationRefused(String reason) {
        super(reason);
    }
}
