package io.mysqlha.failover;

import io.mysqlha.dialect.Dialect;
import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Credentials;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.LocalState;
import io.mysqlha.port.SqlSession;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a node about to replicate from the new primary is told, from the promotion record and its own state. */
class CompensatorRepointTest {
    static final Dialect MARIA = Dialect.forVersion(ServerVersion.parse("10.11.19-MariaDB-0+deb12u1-log", ""));
    static final String RECORD = "id=n2@1;node=n2;mode=filepos;old=mysql-bin.000004:900;new=mysql-bin.000002:4;"
            + "gtid=0-1-5;old_tail=mysql-bin.000004:1200;new_tail=mysql-bin.000002:310";

    /** A server that answers the dialect's queries from canned rows. */
    static final class FakeSession implements SqlSession {
        final Map<String, List<Map<String, String>>> answers = new HashMap<>();
        final List<String> executed = new ArrayList<>();

        FakeSession replica(String host, int port, String execFile, long execPos) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("Master_Host", host);
            r.put("Master_Port", Integer.toString(port));
            r.put("Slave_IO_Running", "No");
            r.put("Slave_SQL_Running", "No");
            r.put("Master_Log_File", execFile);
            r.put("Read_Master_Log_Pos", Long.toString(execPos));
            r.put("Relay_Master_Log_File", execFile);
            r.put("Exec_Master_Log_Pos", Long.toString(execPos));
            r.put("Using_Gtid", "No");
            answers.put(MARIA.replicaStatusQuery(), List.of(r));
            return this;
        }

        FakeSession vars(String current) {
            answers.put(MARIA.variablesQuery(), List.of(Map.of("server_id", "3", "read_only", "1", "binlog_pos", current,
                    "slave_pos", current, "current_pos", current, "log_bin", "1")));
            return this;
        }

        @Override
        public List<Map<String, String>> query(String sql) {
            return answers.getOrDefault(sql, List.of());
        }

        @Override
        public void execute(String sql) {
            executed.add(sql);
        }

        @Override
        public void executeSecret(String sql, String description) {
            executed.add(description);
        }

        @Override
        public String serverVersion() {
            return "10.11.19-MariaDB";
        }

        @Override
        public void bound(Deadline deadline) {
        }

        @Override
        public void close() {
        }
    }

    static final class Props implements Cluster {
        final Map<String, String> props = new HashMap<>();

        public String localNode() {
            return "n3";
        }

        public boolean hasQuorum(Deadline d) {
            return true;
        }

        public List<String> partitionMembers(Deadline d) {
            return List.of();
        }

        public List<String> knownNodes(Deadline d) {
            return List.of();
        }

        public void setPromotionScore(String r, int s, Deadline d) {
        }

        public void clearPromotionScore(String r, Deadline d) {
        }

        public Optional<String> clusterProperty(String name, Deadline d) {
            return Optional.ofNullable(props.get(name));
        }

        public void setClusterProperty(String name, String value, Deadline d) {
            props.put(name, value);
        }

        public void setNodeAttribute(String n, String v, boolean p, Deadline d) {
        }

        public void deleteNodeAttribute(String n, boolean p, Deadline d) {
        }

        public Map<String, String> nodeAttributes(String n, Deadline d) {
            return Map.of();
        }
    }

    static final class Mem implements LocalState {
        final Map<String, String> files = new HashMap<>();

        public Optional<String> read(String name) {
            return Optional.ofNullable(files.get(name));
        }

        public void write(String name, String content) {
            files.put(name, content);
        }

        public void delete(String name) {
            files.remove(name);
        }

        public String path(String name) {
            return "/mem/" + name;
        }
    }

    final Props cluster = new Props();
    final Mem state = new Mem();

    Compensator compensator() {
        cluster.props.put(PromotionRecord.property("db"), RECORD);
        Credential c = new Credential("a", "b");
        OcfLog log = new OcfLog("t", OcfEnv.of(Map.of()), () -> null,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return new Compensator(new Compensator.Settings("db", "n3", 3306,
                Map.of("n2", new Node("n2", "10.0.0.2", 3306), "n3", new Node("n3", "10.0.0.3", 3306)), "n1", "auto",
                "auto", true, 30_000, "/usr/bin/mariadb", 4, true),
                new Compensator.Io((h, p, cr, d) -> {
                    throw new AssertionError("file/position repoint needs no connection");
                }, null, state, cluster, Clock.SYSTEM, new Credentials(c, c, c)), log);
    }

    Optional<BinlogCoordinates> repoint(FakeSession s) {
        InstanceState st = MARIA.parseState(s.queryRow(MARIA.variablesQuery()), List.of(),
                s.queryRow(MARIA.replicaStatusQuery()));
        return compensator().beforeRepoint(s, MARIA, st, "n2", Deadline.in(Clock.SYSTEM, 10_000));
    }

    @Test
    void aReplicaAtTheCommonPointStartsAtTheNewPrimarysCoordinates() {
        FakeSession s = new FakeSession().vars("0-1-5").replica("10.0.0.1", 3306, "mysql-bin.000004", 900);
        assertEquals(Optional.of(BinlogCoordinates.parse("mysql-bin.000002:4")), repoint(s));
        assertTrue(state.files.get(Journal.FILE).contains("\"step\":\"repoint-check\""), state.files.toString());
    }

    @Test
    void anOldPrimaryWhoseTailWasSalvagedStartsAfterIt() {
        FakeSession s = new FakeSession().vars("0-1-7");
        s.answers.put(MARIA.primaryStatusQuery(), List.of(Map.of("File", "mysql-bin.000004", "Position", "1200")));
        assertEquals(Optional.of(BinlogCoordinates.parse("mysql-bin.000002:310")), repoint(s));
    }

    @Test
    void aReplicaAlreadyOnTheNewPrimaryKeepsItsOwnPosition() {
        FakeSession s = new FakeSession().vars("0-1-9").replica("10.0.0.2", 3306, "mysql-bin.000002", 7777);
        assertEquals(Optional.of(BinlogCoordinates.parse("mysql-bin.000002:7777")), repoint(s));
    }

    @Test
    void aReplicaThatWasNotCompensatedIsRefused() {
        FakeSession s = new FakeSession().vars("0-1-4").replica("10.0.0.1", 3306, "mysql-bin.000004", 500);
        OcfException e = assertThrows(OcfException.class, () -> repoint(s));
        assertTrue(e.getMessage().contains("not compensated"), e.getMessage());
        assertTrue(state.files.get(Journal.FILE).contains("not at the common point"));
    }

    @Test
    void anotherPrimarysRecordIsNotUsed() {
        cluster.props.put(PromotionRecord.property("db"), RECORD);
        FakeSession s = new FakeSession().vars("0-1-4").replica("10.0.0.1", 3306, "mysql-bin.000004", 500);
        InstanceState st = MARIA.parseState(s.queryRow(MARIA.variablesQuery()), List.of(),
                s.queryRow(MARIA.replicaStatusQuery()));
        assertEquals(Optional.empty(), compensator().beforeRepoint(s, MARIA, st, "n1", Deadline.in(Clock.SYSTEM, 1_000)));
    }

    @Test
    void anOldPrimaryRestartedWithAnEmptyNewBinlogRejoinsAtTheCommonPoint() {
        FakeSession s = new FakeSession().vars("0-1-5");
        s.answers.put(MARIA.primaryStatusQuery(), List.of(Map.of("File", "mysql-bin.000005", "Position", "385")));
        s.answers.put("SHOW BINARY LOGS", List.of(Map.of("Log_name", "mysql-bin.000004"),
                Map.of("Log_name", "mysql-bin.000005")));
        s.answers.put("SHOW BINLOG EVENTS IN 'mysql-bin.000004' FROM 900", List.of(Map.of("Event_type", "Rotate")));
        s.answers.put("SHOW BINLOG EVENTS IN 'mysql-bin.000005'", List.of(Map.of("Event_type", "Format_desc"),
                Map.of("Event_type", "Gtid_list"), Map.of("Event_type", "Binlog_checkpoint")));
        cluster.props.put(PromotionRecord.property("db"), RECORD.replaceAll(";old_tail.*", ""));
        Compensator c = compensatorKeepingRecord();
        InstanceState st = MARIA.parseState(s.queryRow(MARIA.variablesQuery()), List.of(), null);
        assertEquals(Optional.of(BinlogCoordinates.parse("mysql-bin.000002:4")),
                c.beforeRepoint(s, MARIA, st, "n2", Deadline.in(Clock.SYSTEM, 1_000)));
        // a transaction nobody received (and nobody salvaged) after the common point: refused
        s.answers.put("SHOW BINLOG EVENTS IN 'mysql-bin.000005'", List.of(Map.of("Event_type", "Gtid"),
                Map.of("Event_type", "Write_rows_v1"), Map.of("Event_type", "Xid")));
        assertThrows(OcfException.class, () -> c.beforeRepoint(s, MARIA, st, "n2", Deadline.in(Clock.SYSTEM, 1_000)));
    }

    Compensator compensatorKeepingRecord() {
        String rec = cluster.props.get(PromotionRecord.property("db"));
        Compensator c = compensator();
        cluster.props.put(PromotionRecord.property("db"), rec);
        return c;
    }
}
