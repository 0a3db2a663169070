package io.mysqlha.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every GTID compensation scenario of {@link GtidCompensationIT} (catch-up from the most advanced replica,
 * 2000 rows across a rotation, a 100,000-row transaction, the dead primary's tail salvaged over SQL with
 * mariadb-binlog and from its files) against servers that require TLS, the agents on tls=verify_identity:
 * the catch-up replication, the peers' sessions and the client tools all encrypted and verified.
 */
class GtidCompensationTlsIT extends GtidCompensationIT {
    @BeforeAll
    static void setUp() throws Exception {
        withTls = true;
        try {
            GtidCompensationIT.setUp();
        } finally {
            withTls = false;
        }
    }

    /** Runs before the inherited clean-up: the last repointed replicas still replicate over verified TLS. */
    @AfterAll
    static void replicationIsVerifiedTls() throws Exception {
        int replicas = 0;
        for (String n : sb.nodes()) {
            if (!n.equals(primary) && sb.pid(n) > 0) {
                java.util.Map<String, String> rs = sb.row(n, "SHOW SLAVE STATUS");
                if (!rs.isEmpty()) {
                    assertEquals("Yes", rs.get("Master_SSL_Allowed"), n + ": " + rs);
                    assertEquals("Yes", rs.get("Master_SSL_Verify_Server_Cert"), n + ": " + rs);
                    replicas++;
                }
            }
        }
        assertEquals(true, replicas > 0, "no replica left to check");
    }
}
