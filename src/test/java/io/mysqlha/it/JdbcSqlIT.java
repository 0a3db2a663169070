package io.mysqlha.it;

import io.mysqlha.adapter.JdbcSqlConnector;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The agents' SQL sessions (Connector/J) against a real mariadbd: answers as text, errors classified, secrets kept out. */
class JdbcSqlIT {
    static Sandbox sb;
    static final Credential ADMIN = new Credential(Sandbox.ADMIN, Sandbox.ADMIN_PW);

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(Sandbox.available(), "mariadb-server is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        sb = new Sandbox("jdbc", "w1");
        assertEquals(0, sb.agent("w1", "start").rc());
    }

    @AfterAll
    static void down() {
        if (sb != null) {
            sb.close();
        }
    }

    static SqlSession open(SqlConnector c, Credential cred) {
        return c.connect("127.0.0.1", sb.port("w1"), cred, Deadline.in(Clock.SYSTEM, 10_000));
    }

    @Test
    void answersAsText() {
        try (SqlSession w = open(new JdbcSqlConnector(), ADMIN)) {
            Map<String, String> row = w.queryRow("SELECT NULL AS n, 'a' AS s, 42 AS i, '' AS e, 'ünï' AS u");
            assertNull(row.get("n"));
            assertEquals("a", row.get("s"));
            assertEquals("42", row.get("i"));
            assertEquals("", row.get("e"));
            assertEquals("ünï", row.get("u"));
            assertEquals(70000, w.queryRow("SELECT REPEAT('x', 70000) AS big").get("big").length());
            assertTrue(w.serverVersion().contains("MariaDB"), w.serverVersion());
            w.execute("CREATE DATABASE IF NOT EXISTS wire_t");
            w.execute("CREATE TABLE IF NOT EXISTS wire_t.x (id INT PRIMARY KEY)");
            w.execute("INSERT IGNORE INTO wire_t.x VALUES (1)");
            SqlException dup = assertThrows(SqlException.class, () -> w.execute("INSERT INTO wire_t.x VALUES (1)"));
            assertEquals(1062, dup.errorCode());
            assertEquals(List.of(Map.of("id", "1")), w.query("SELECT id FROM wire_t.x"), "usable after an error");
        }
    }

    @Test
    void failuresAreClassified() throws Exception {
        SqlException denied = assertThrows(SqlException.class, () -> open(new JdbcSqlConnector(),
                new Credential(Sandbox.ADMIN, "wrong")));
        assertEquals(SqlException.Kind.ACCESS, denied.kind());
        assertEquals(1045, denied.errorCode());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        SqlException refused = assertThrows(SqlException.class, () -> new JdbcSqlConnector().connect("127.0.0.1",
                closed, ADMIN, Deadline.in(Clock.SYSTEM, 2_000)));
        assertEquals(SqlException.Kind.REFUSED, refused.kind());
        try (SqlSession w = open(new JdbcSqlConnector(), ADMIN)) {
            w.bound(Deadline.in(Clock.SYSTEM, 500));
            long t0 = System.nanoTime();
            SqlException slow = assertThrows(SqlException.class, () -> w.query("SELECT SLEEP(5)"));
            assertEquals(SqlException.Kind.TIMEOUT, slow.kind());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 2_000, "bounded by the deadline");
        }
    }

    @Test
    void secretsStayOutOfErrors() {
        try (SqlSession w = open(new JdbcSqlConnector(), ADMIN)) {
            SqlException e = assertThrows(SqlException.class,
                    () -> w.executeSecret("SELECT * FROM no_such.table_with_pw_s3cr3t", "a secret statement"));
            assertTrue(!e.getMessage().contains("s3cr3t"), e.getMessage());
        }
    }
}
