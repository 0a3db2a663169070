package io.mysqlha.cli;

import io.mysqlha.model.TlsSettings;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.Clock;
import io.mysqlha.port.SqlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's commands reach the servers with the resource's TLS, and never in clear when it is unusable. */
class StatusWiringTest {
    @Test
    void noTlsParametersMeanOff() {
        assertEquals(TlsSettings.OFF, StatusWiring.tls(Map.of("credentials_file", "/etc/mysqlha/credentials.json")));
        assertEquals(TlsSettings.OFF, StatusWiring.tls(Map.of("tls", "off")));
    }

    @Test
    void theResourcesTlsIsTheAgents(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not read here");
        TlsSettings t = StatusWiring.tls(Map.of("tls", "verify_identity", "tls_ca", ca.toString()));
        assertEquals(TlsSettings.Mode.VERIFY_IDENTITY, t.mode());
        assertEquals(ca, t.ca());
        assertTrue(t.enabled());
    }

    @Test
    void unusableTlsIsAnErrorNamingTheParameterNeverOff(@TempDir Path dir) {
        RuntimeException typo = assertThrows(RuntimeException.class, () -> StatusWiring.tls(Map.of("tls", "verify-identity")));
        assertTrue(typo.getMessage().contains("parameter 'tls'"), typo.getMessage());
        RuntimeException noCa = assertThrows(RuntimeException.class, () -> StatusWiring.tls(Map.of("tls", "verify_ca",
                "tls_ca", dir.resolve("absent.pem").toString())));
        assertTrue(noCa.getMessage().contains("tls_ca") && noCa.getMessage().contains("does not exist"), noCa.getMessage());
    }

    @Test
    void aConnectorWithUnusableTlsRefusesEveryConnectWithTheReason() {
        SqlException e = assertThrows(SqlException.class, () -> StatusWiring.connector(Map.of("tls", "on"))
                .connect("127.0.0.1", 1, new Credential("u", "p"), Deadline.in(Clock.SYSTEM, 1_000)));
        assertTrue(e.getMessage().startsWith("the resource's TLS parameters are unusable: tls=on is not off"), e.getMessage());
    }
}
