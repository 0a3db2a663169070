package io.mysqlha.failover;

/**
 * This node holds transactions the primary lacks (it wrote as a primary what no replica received, or a
 * client wrote on it directly), so it cannot replicate from the primary: only a rebuild from the primary
 * brings it back. Not a passing state, unlike an unreachable primary: the agent reports it as a failure
 * (monitor, start) so that crm_mon shows it with the reason, and never deletes anything.
 */
public final class Diverged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Diverged(String reason) {
        super(reason);
    }
}
