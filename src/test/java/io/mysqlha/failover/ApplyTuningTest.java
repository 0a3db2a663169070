package io.mysqlha.failover;

import io.mysqlha.dialect.Dialect;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The apply settings of compensation: recorded before they change, restored and verified, never left behind. */
class ApplyTuningTest {
    static final Dialect MARIA = Dialect.forVersion(ServerVersion.parse("10.11.6-MariaDB-0+deb12u1-log", ""));

    /** Global variables of a server, as SET GLOBAL and SELECT @@global see them; some may refuse to change. */
    static final class Globals implements SqlSession {
        final Map<String, String> vars = new HashMap<>(Map.of("sync_binlog", "1", "innodb_flush_log_at_trx_commit", "1",
                "slave_parallel_threads", "0", "slave_parallel_mode", "conservative"));
        final List<String> executed = new ArrayList<>();
        Set<String> refuse = Set.of();

        public List<Map<String, String>> query(String sql) {
            Matcher m = Pattern.compile("SELECT @@global\\.(\\w+) AS v").matcher(sql);
            assertTrue(m.matches(), sql);
            return List.of(Map.of("v", vars.get(m.group(1))));
        }

        public void execute(String sql) {
            executed.add(sql);
            Matcher m = Pattern.compile("SET GLOBAL (\\w+)=(.*)").matcher(sql);
            if (m.matches()) {
                if (refuse.contains(m.group(1))) {
                    throw new SqlException(SqlException.Kind.SERVER, 1198, "This operation cannot be performed as you have a running "
                            + "slave; run STOP SLAVE first", null);
                }
                vars.put(m.group(1), m.group(2).replace("'", ""));
            }
        }

        public void executeSecret(String sql, String description) {
            execute(sql);
        }

        public String serverVersion() {
            return "10.11.6-MariaDB";
        }

        public void bound(Deadline deadline) {
        }

        public void close() {
        }
    }

    final Globals server = new Globals();
    final CompensatorRepointTest.Mem state = new CompensatorRepointTest.Mem();
    final Journal journal = new Journal(state, Clock.SYSTEM, "n2@1");

    ApplyTuning tuning() {
        return new ApplyTuning(server, MARIA, state, journal, "n2");
    }

    @Test
    void relaxedWhileApplyingRecordedFirstThenRestoredFlushedAndForgotten() {
        ApplyTuning t = tuning();
        t.relaxDurability();
        t.parallel(4);
        assertEquals("0", server.vars.get("sync_binlog"));
        assertEquals("2", server.vars.get("innodb_flush_log_at_trx_commit"));
        assertEquals("4", server.vars.get("slave_parallel_threads"));
        assertEquals("optimistic", server.vars.get("slave_parallel_mode"));
        assertEquals("sync_binlog=1\ninnodb_flush_log_at_trx_commit=1\nslave_parallel_threads=0\n"
                + "slave_parallel_mode='conservative'\n", state.files.get(ApplyTuning.FILE));
        t.restore();
        assertEquals(Map.of("sync_binlog", "1", "innodb_flush_log_at_trx_commit", "1", "slave_parallel_threads", "0",
                "slave_parallel_mode", "conservative"), server.vars);
        assertFalse(state.files.containsKey(ApplyTuning.FILE));
        assertTrue(server.executed.contains("FLUSH NO_WRITE_TO_BINLOG ENGINE LOGS"), server.executed.toString());
        assertFalse(server.executed.contains("FLUSH ENGINE LOGS"), "a plain FLUSH ENGINE LOGS is binlogged");
        assertTrue(state.files.get(Journal.FILE).contains("\"step\":\"apply-settings-restored\""));
    }

    @Test
    void nothingChangedWhenTheServerAlreadyRunsSoAndNothingToRestore() {
        server.vars.put("sync_binlog", "0");
        server.vars.put("innodb_flush_log_at_trx_commit", "2");
        ApplyTuning t = tuning();
        t.relaxDurability();
        t.parallel(1);
        assertFalse(state.files.containsKey(ApplyTuning.FILE));
        t.restore();
        assertEquals(List.of(), server.executed);
    }

    @Test
    void whatAnInterruptedPromoteLeftIsRestoredByTheNextAction() {
        tuning().relaxDurability(); // then the agent dies: restore() never runs
        assertEquals("0", server.vars.get("sync_binlog"));
        Optional<String> r = ApplyTuning.restoreLeftover(server, state);
        assertEquals(Optional.of("sync_binlog=1, innodb_flush_log_at_trx_commit=1"), r);
        assertEquals("1", server.vars.get("sync_binlog"));
        assertEquals("1", server.vars.get("innodb_flush_log_at_trx_commit"));
        assertFalse(state.files.containsKey(ApplyTuning.FILE));
        assertEquals(Optional.empty(), ApplyTuning.restoreLeftover(server, state));
    }

    @Test
    void durabilityThatCannotBeRestoredStopsThePromoteAndStaysRecorded() {
        ApplyTuning t = tuning();
        t.relaxDurability();
        server.refuse = Set.of("sync_binlog");
        OcfException e = assertThrows(OcfException.class, t::restore);
        assertTrue(e.getMessage().startsWith("sync_binlog could not be set"), e.getMessage());
        assertTrue(e.getMessage().contains("writes must not open"), e.getMessage());
        assertEquals("1", server.vars.get("innodb_flush_log_at_trx_commit"), "the others are restored all the same");
        assertTrue(state.files.containsKey(ApplyTuning.FILE));
    }

    @Test
    void parallelWorkersThatCannotBeRestoredYetAreKeptForLaterWithoutStoppingThePromote() {
        ApplyTuning t = tuning();
        t.parallel(4);
        server.refuse = Set.of("slave_parallel_threads");
        t.restore();
        assertTrue(state.files.containsKey(ApplyTuning.FILE), "kept for the next start or promote");
        server.refuse = Set.of();
        assertTrue(ApplyTuning.restoreLeftover(server, state).isPresent());
        assertEquals("0", server.vars.get("slave_parallel_threads"));
        assertFalse(state.files.containsKey(ApplyTuning.FILE));
    }

    @Test
    void valuesAsSqlLiterals() {
        assertEquals("1", ApplyTuning.literal("1"));
        assertEquals("'optimistic'", ApplyTuning.literal("optimistic"));
        assertEquals("'it''s'", ApplyTuning.literal("it's"));
        Map<String, String> m = ApplyTuning.parse("sync_binlog=1\nslave_parallel_mode='conservative'\nbad line\n=x\n");
        assertEquals(Map.of("sync_binlog", "1", "slave_parallel_mode", "'conservative'"), m);
        assertEquals(m, ApplyTuning.parse(ApplyTuning.format(m)));
    }

    @Test
    void mysqlWorkersByVersion() {
        assertEquals(Map.of("replica_parallel_workers", "4"),
                Dialect.forVersion(ServerVersion.parse("8.0.36", "")).parallelApply(4));
        assertEquals(Map.of("slave_parallel_type", "'LOGICAL_CLOCK'", "slave_parallel_workers", "4"),
                Dialect.forVersion(ServerVersion.parse("8.0.22", "")).parallelApply(4));
        assertEquals(Map.of("replica_parallel_workers", "8"),
                Dialect.forVersion(ServerVersion.parse("8.4.3", "")).parallelApply(8));
    }
}
