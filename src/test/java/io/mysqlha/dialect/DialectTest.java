package io.mysqlha.dialect;

import io.mysqlha.model.TlsSettings;
import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.MysqlGtidSet;
import io.mysqlha.model.Order;
import io.mysqlha.model.ReplicaStatus;
import io.mysqlha.model.ServerVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialectTest {

    @Test
    void picksDialectFromVersion() {
        assertInstanceOf(MariaDbDialect.class, Dialect.forVersion(ServerVersion.parse("10.11.19-MariaDB-0+deb12u1-log", "")));
        assertInstanceOf(MariaDbDialect.class, Dialect.forVersion(ServerVersion.parse("5.5.5-10.11.19-MariaDB", "")));
        assertInstanceOf(MySql84Dialect.class, Dialect.forVersion(ServerVersion.parse("8.4.3", "MySQL Community Server - GPL")));
        assertInstanceOf(MySqlDialect.class, Dialect.forVersion(ServerVersion.parse("8.0.36", "")));
        assertFalse(Dialect.forVersion(ServerVersion.parse("5.7.44-log", "")) instanceof MySql84Dialect);
    }

    @Test
    void mariadbHealthyReplica() {
        InstanceState s = Captured.state("mariadb-10.11/replica-healthy");
        ReplicaStatus r = s.replica();
        assertTrue(r.configured());
        assertEquals("127.0.0.1", r.sourceHost());
        assertEquals(33062, r.sourcePort());
        assertTrue(r.ioRunning());
        assertTrue(r.sqlRunning());
        assertEquals(0L, r.secondsBehind());
        assertTrue(r.gtidPositioned());
        assertEquals(new BinlogCoordinates("mysql-bin.000002", 1064), r.received());
        assertEquals(r.received(), r.executed());
        assertEquals(MariaGtidPos.parse("0-2-10"), MariaGtidPos.parse(r.receivedGtid()));
        assertTrue(s.readOnly());
        assertEquals(1, s.serverId());
        assertTrue(s.logBin());
        assertTrue(s.semiSync().available());
        assertTrue(s.semiSync().replicaEnabled());
        assertFalse(s.semiSync().primaryEnabled());
        assertEquals(Order.EQUAL, s.receivedPosition().compareTo(MariaGtidPos.parse("0-2-10")));
    }

    @Test
    void mariadbPrimary() {
        InstanceState s = Captured.state("mariadb-10.11/primary");
        assertFalse(s.replica().configured());
        assertFalse(s.readOnly());
        assertTrue(s.semiSync().primaryEnabled());
        assertTrue(s.semiSync().primaryActive());
        assertEquals("AFTER_SYNC", s.semiSync().waitPoint());
        assertTrue(s.semiSync().timeoutMs() >= 1_000_000_000_000L);
        assertEquals(2, s.semiSync().clients());
        assertEquals(MariaGtidPos.parse("0-2-10"), s.binlogPos());
    }

    @Test
    void mariadbStoppedSqlThread() {
        ReplicaStatus r = Captured.state("mariadb-10.11/replica-sql-stopped").replica();
        assertTrue(r.ioRunning());
        assertFalse(r.sqlRunning());
        assertNull(r.secondsBehind());
    }

    @Test
    void mariadbUnreachablePrimary() {
        ReplicaStatus r = Captured.state("mariadb-10.11/replica-primary-unreachable").replica();
        assertEquals(ReplicaStatus.IoState.CONNECTING, r.ioState());
        assertEquals(2003, r.lastIoErrno());
        assertTrue(r.sqlRunning());
        assertNull(r.secondsBehind());
        assertEquals(33069, r.sourcePort());
    }

    @Test
    void mariadbSqlError() {
        ReplicaStatus r = Captured.state("mariadb-10.11/replica-sql-error").replica();
        assertFalse(r.sqlRunning());
        assertEquals(1950, r.lastSqlErrno());
        assertTrue(r.lastSqlError().contains("out-of-order"));
        assertTrue(r.hasError());
    }

    @Test
    void mysql80ReplicaWithNewColumnNamesAndMultiLineGtidSet() {
        InstanceState s = Captured.state("mysql-8.0/replica-healthy");
        ReplicaStatus r = s.replica();
        assertEquals("10.0.0.11", r.sourceHost());
        assertEquals(3306, r.sourcePort());
        assertTrue(r.ioRunning() && r.sqlRunning());
        assertEquals(new BinlogCoordinates("binlog.000004", 4761), r.received());
        assertTrue(r.gtidPositioned());
        assertInstanceOf(MysqlGtidSet.class, s.binlogPos());
        assertEquals(31, ((MysqlGtidSet) s.binlogPos()).count());
        assertTrue(s.semiSync().replicaEnabled());
        assertEquals(Order.EQUAL, s.receivedPosition().compareTo(s.binlogPos()));
        assertEquals("SHOW REPLICA STATUS", Captured.dialect("mysql-8.0/replica-healthy").replicaStatusQuery());
    }

    @Test
    void mysql84ErrorAndStatements() {
        Dialect d = Captured.dialect("mysql-8.4/replica-sql-error");
        ReplicaStatus r = Captured.state("mysql-8.4/replica-sql-error").replica();
        assertEquals(1062, r.lastSqlErrno());
        assertFalse(r.sqlRunning());
        assertEquals("SHOW REPLICA STATUS", d.replicaStatusQuery());
        assertEquals("SHOW BINARY LOG STATUS", d.primaryStatusQuery());
        assertEquals("RESET REPLICA ALL", d.resetReplicaAll());
        assertTrue(d.changeSourceGtid("h", 3306, "u", "p", 1, TlsSettings.OFF).startsWith("CHANGE REPLICATION SOURCE TO SOURCE_HOST='h'"));
        assertTrue(d.enablePrimarySemiSync(5).contains("SET GLOBAL rpl_semi_sync_source_enabled=ON"));
        assertEquals(List.of(), d.boundSemiSyncGoodbye(1), "MySQL has no setting for the IO stop's goodbye");
    }

    @Test
    void mysql84PrimarySemiSyncConfiguredToDegrade() {
        InstanceState s = Captured.state("mysql-8.4/primary");
        assertTrue(s.semiSync().primaryEnabled());
        assertTrue(s.semiSync().primaryActive());
        assertEquals(10000, s.semiSync().timeoutMs());
        assertTrue(s.semiSync().waitNoReplica());
        assertFalse(s.readOnly());
    }

    @Test
    void mariadbStatements() {
        Dialect d = Captured.dialect("mariadb-10.11/primary");
        assertEquals("CHANGE MASTER TO MASTER_HOST='db2', MASTER_PORT=3306, MASTER_USER='repl', "
                + "MASTER_PASSWORD='it''s', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos",
                d.changeSourceGtid("db2", 3306, "repl", "it's", 1, TlsSettings.OFF));
        assertEquals(List.of("SET GLOBAL read_only=ON"), d.setReadOnly(true));
        assertEquals(List.of("SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout=1"), d.boundSemiSyncGoodbye(1));
        assertEquals(List.of("SET GLOBAL rpl_semi_sync_slave_kill_conn_timeout=1"), d.boundSemiSyncGoodbye(0),
                "0 is no bound at all to the client library");
        assertEquals("SELECT MASTER_GTID_WAIT('0-1-5,1-2-7', 3)", d.waitForPosition(MariaGtidPos.parse("1-2-7,0-1-5"), 3));
        assertTrue(d.changeSourceCoordinates("h", 1, "u", "p", new BinlogCoordinates("b.000002", 44), 1, TlsSettings.OFF)
                .contains("MASTER_USE_GTID=no, MASTER_LOG_FILE='b.000002', MASTER_LOG_POS=44"));
    }

    @Test
    void replicationOverTlsInEveryDialect() {
        TlsSettings tls = new TlsSettings(TlsSettings.Mode.VERIFY_IDENTITY, java.nio.file.Path.of("/etc/ca.pem"),
                java.nio.file.Path.of("/etc/c.pem"), java.nio.file.Path.of("/etc/c.key"));
        assertEquals("CHANGE MASTER TO MASTER_HOST='db2', MASTER_PORT=3306, MASTER_USER='repl', "
                + "MASTER_PASSWORD='pw', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos, MASTER_SSL=1, "
                + "MASTER_SSL_CA='/etc/ca.pem', MASTER_SSL_CERT='/etc/c.pem', MASTER_SSL_KEY='/etc/c.key', "
                + "MASTER_SSL_VERIFY_SERVER_CERT=1",
                Captured.dialect("mariadb-10.11/primary").changeSourceGtid("db2", 3306, "repl", "pw", 1, tls));
        TlsSettings caOnly = new TlsSettings(TlsSettings.Mode.VERIFY_CA, java.nio.file.Path.of("/etc/ca.pem"), null, null);
        String coords = Captured.dialect("mariadb-10.11/primary").changeSourceCoordinates("h", 1, "u", "p",
                new BinlogCoordinates("b.000002", 44), 1, caOnly);
        assertTrue(coords.endsWith("MASTER_LOG_POS=44, MASTER_SSL=1, MASTER_SSL_CA='/etc/ca.pem', "
                + "MASTER_SSL_VERIFY_SERVER_CERT=0"), coords);
        // MySQL: with TLS the replica never asks the source for its RSA key
        String my84 = Captured.dialect("mysql-8.4/replica-sql-error").changeSourceGtid("h", 3306, "u", "p", 1, tls);
        assertTrue(my84.contains("SOURCE_SSL=1, SOURCE_SSL_CA='/etc/ca.pem'"), my84);
        assertTrue(my84.endsWith("SOURCE_SSL_VERIFY_SERVER_CERT=1"), my84);
        assertFalse(my84.contains("PUBLIC_KEY"), my84);
        assertTrue(Captured.dialect("mysql-8.4/replica-sql-error").changeSourceGtid("h", 3306, "u", "p", 1,
                TlsSettings.OFF).contains("GET_SOURCE_PUBLIC_KEY=1"));
    }

    @Test
    void quotingEscapesQuotesAndBackslashes() {
        assertEquals("'a''b\\\\c'", Dialect.quote("a'b\\c"));
    }

    @Test
    void noReplicaRowMeansNotConfigured() {
        Dialect d = Captured.dialect("mariadb-10.11/primary");
        assertEquals(ReplicaStatus.NONE, d.parseReplicaStatus(null));
    }
}
