package io.mysqlha.it;

import io.mysqlha.adapter.JdbcSqlConnector;
import io.mysqlha.dialect.Dialect;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MysqlGtidSet;
import io.mysqlha.model.SemiSync;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The MySQL dialects against real MySQL 8.0 and 8.4 servers. Needs a Docker engine: without one the whole
 * class is reported as skipped ("disabledWithoutDocker"), and the same code paths run against MariaDB in
 * the other integration tests.
 */
class MySqlContainersIT {

    @BeforeAll
    static void docker() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            System.out.println("SKIPPED MySqlContainersIT: no Docker engine on this machine; the MySQL 8.0/8.4 "
                    + "dialects are covered by captured output in DialectTest only");
        }
        assumeTrue(docker, "no Docker engine: MySQL 8.0/8.4 container tests skipped");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql:8.0", "mysql:8.4"})
    void dialectAgainstRealMySql(String image) {
        try (MySQLContainer<?> c = new MySQLContainer<>(DockerImageName.parse(image))
                .withCommand("--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--log-bin=binlog", "--server-id=7")) {
            c.start();
            try (SqlSession s = new JdbcSqlConnector().connect(c.getHost(), c.getMappedPort(3306),
                    new Credential("root", c.getPassword()), Deadline.in(Clock.SYSTEM, 60_000))) {
                Dialect d = Dialect.forVersion(ServerVersion.parse(s.serverVersion(), ""));
                assertFalse(d.version().isMariaDb());
                s.execute("CREATE DATABASE IF NOT EXISTS t");
                s.execute("CREATE TABLE t.x (id INT PRIMARY KEY)");
                s.execute("INSERT INTO t.x VALUES (1)");
                InstanceState st = readState(s, d);
                assertInstanceOf(MysqlGtidSet.class, st.binlogPos());
                assertTrue(((MysqlGtidSet) st.binlogPos()).count() >= 3);
                assertFalse(st.replica().configured());
                s.query(d.primaryStatusQuery());
                s.execute("INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so'");
                for (String sql : d.enablePrimarySemiSync(SemiSync.NEVER_DEGRADE_TIMEOUT_MS)) {
                    s.execute(sql);
                }
                SemiSync ss = readState(s, d).semiSync();
                assertTrue(ss.primaryEnabled());
                assertEquals("AFTER_SYNC", ss.waitPoint());
                for (String sql : d.setReadOnly(true)) {
                    s.execute(sql);
                }
                assertTrue(readState(s, d).readOnly());
                for (String sql : d.setReadOnly(false)) {
                    s.execute(sql);
                }
                assertFalse(readState(s, d).readOnly());
            }
            // the agents' SQL sessions: caching_sha2_password
            try (SqlSession w = new io.mysqlha.adapter.JdbcSqlConnector().connect(c.getHost(), c.getMappedPort(3306),
                    new Credential("root", c.getPassword()), Deadline.in(Clock.SYSTEM, 30_000))) {
                assertEquals("1", w.queryRow("SELECT 1 AS one").get("one"));
            }
        }
    }

    private static InstanceState readState(SqlSession s, Dialect d) {
        return d.parseState(s.queryRow(d.variablesQuery()), s.query(d.semiSyncQuery()), s.queryRow(d.replicaStatusQuery()));
    }
}
