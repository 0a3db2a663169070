package io.mysqlha.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole of {@link MysqlAgentIT} (the idempotency matrix, failover, repairs, bad input, a hung server)
 * against servers that refuse any connection without TLS (require_secure_transport=ON), with the agents
 * on tls=verify_identity and certificates made by the test: every session the agents open and every
 * replication link is encrypted, or nothing in the matrix would work. Plus what only TLS has: the
 * replicas' links verify the primary's certificate, and a wrong CA, a missing CA file, an expired client
 * certificate and an expired server certificate each fail with a reason that names them.
 */
class MysqlAgentTlsIT extends MysqlAgentIT {
    @BeforeAll
    static void up() throws Exception {
        sb = Sandbox.forTests("agent-tls", "n1", "n2", "n3").withTls();
    }

    private static String tlsFile(String name) {
        return sb.tls().resolve(name).toString();
    }

    /** After the first promotion and repointing: replication runs over verified TLS, plain sessions are refused. */
    @Test
    @Order(25)
    void everyConnectionAndReplicationIsEncrypted() throws Exception {
        for (String n : sb.nodes()) {
            assertEquals("1", sb.scalar(n, "SELECT @@require_secure_transport"), n);
            SQLException plain = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:mysql://127.0.0.1:" + sb.port(n) + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true",
                    Sandbox.ADMIN, Sandbox.ADMIN_PW).close(), n + " accepted a session without TLS");
            // the server counted the agents' TLS sessions (every action opened at least one)
            long accepts = Long.parseLong(sb.scalar(n, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                    + "WHERE VARIABLE_NAME='SSL_FINISHED_ACCEPTS'"));
            assertTrue(accepts > 3, n + ": " + accepts + " TLS sessions");
            assertNotEquals("", sb.row(n, "SHOW SESSION STATUS LIKE 'Ssl_cipher'").get("Value"));
        }
        for (String n : new String[] {"n2", "n3"}) {
            Map<String, String> rs = sb.row(n, "SHOW SLAVE STATUS");
            assertEquals("Yes", rs.get("Slave_IO_Running"), n + ": " + rs);
            assertEquals("Yes", rs.get("Master_SSL_Allowed"), n + ": " + rs);
            assertEquals("Yes", rs.get("Master_SSL_Verify_Server_Cert"), n + ": " + rs);
            assertEquals(tlsFile("ca.pem"), rs.get("Master_SSL_CA_File"), n + ": " + rs);
            assertEquals(tlsFile("client.pem"), rs.get("Master_SSL_Cert"), n + ": " + rs);
        }
    }

    @Test
    @Order(26)
    void aWrongCaAMissingCaAndAnExpiredClientCertificateFailWithTheirReason() {
        Sandbox.Run wrongCa = sb.agent("n2", "monitor", Map.of("OCF_RESKEY_tls_ca", tlsFile("other-ca.pem")));
        assertNotEquals(0, wrongCa.rc(), wrongCa.toString());
        assertTrue(wrongCa.stderr().contains("TLS: the server's certificate is not signed by tls_ca"), wrongCa.toString());
        Sandbox.Run missing = sb.agent("n2", "monitor", Map.of("OCF_RESKEY_tls_ca", "/nonexistent/ca.pem"));
        assertEquals(6, missing.rc(), missing.toString());
        assertTrue(missing.stderr().contains("ocf-exit-reason:tls_ca /nonexistent/ca.pem does not exist"), missing.toString());
        Sandbox.Run expired = sb.agent("n2", "validate-all", Map.of("OCF_RESKEY_tls_cert", tlsFile("expired-client.pem")));
        assertEquals(6, expired.rc(), expired.toString());
        assertTrue(expired.stderr().contains("tls_cert " + tlsFile("expired-client.pem") + " expired on"), expired.toString());
        Sandbox.Run badMode = sb.agent("n2", "validate-all", Map.of("OCF_RESKEY_tls", "required"));
        assertEquals(6, badMode.rc(), badMode.toString());
        assertTrue(badMode.stderr().contains("parameter 'tls'"), badMode.toString());
        assertEquals(0, sb.agent("n2", "monitor").rc(), "the right settings still work");
    }

    /** A server whose certificate has expired is refused, and start says why (before the last test). */
    @Test
    @Order(55)
    void aServerWithAnExpiredCertificateIsRefusedWithTheReason() throws Exception {
        String n = "n3";
        assertEquals(0, sb.agent(n, "stop").rc());
        Path cnf = sb.node(n).resolve("my.cnf");
        String good = Files.readString(cnf);
        Files.writeString(cnf, good.replace(tlsFile("server.pem"), tlsFile("expired-server.pem")));
        try {
            Sandbox.Run start = sb.agent(n, "start", Map.of("OCF_RESKEY_CRM_meta_timeout", "15000"));
            assertNotEquals(0, start.rc(), start.toString());
            assertTrue(start.stderr().contains("TLS: the server's certificate (or its CA) has expired"), start.toString());
        } finally {
            Files.writeString(cnf, good);
            // the server that start launched answers nothing the agent trusts: stop ends it by its pid
            Sandbox.Run stop = sb.agent(n, "stop");
            assertEquals(0, stop.rc(), stop.toString());
        }
        // it stays stopped: its start was refused, and with the primary stopped by now (the hung-server
        // test) the crash guard rightly refuses a restart; the last test finds it stopped
    }
}
