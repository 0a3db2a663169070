package io.mysqlha.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole of {@link MysqlAgentIT} (the idempotency matrix, failover, repairs, bad input, a hung server)
 * with every action handed by the shim to a node service: the same answers as through the fresh JVM.
 */
class MysqlAgentServiceIT extends MysqlAgentIT {
    @BeforeAll
    static void up() throws Exception {
        sb = Sandbox.forTests("agent-svc", "n1", "n2", "n3").startService();
    }

    /** Runs before the inherited clean-up: no action fell back to a JVM. */
    @AfterAll
    static void everyActionWentThroughTheService() throws Exception {
        if (sb != null) {
            assertEquals(sb.agentRuns(), sb.serviceAccepted(), "actions the node service accepted");
        }
    }
}
