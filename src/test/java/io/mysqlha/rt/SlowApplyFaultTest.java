package io.mysqlha.rt;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** slow-apply-at-failover's order of steps against a scripted target: no cluster, no processes. */
class SlowApplyFaultTest {
    /** Records every command and fault verb; the slow commit's answer and the replicas applying it are scripted. */
    static final class Scripted extends ScriptedTarget {
        final List<String> log = new ArrayList<>();
        final Set<String> applying = new HashSet<>();
        int commitRc = 0;

        Scripted() {
            super(List.of("n1", "n2", "n3"), false);
        }

        @Override
        public synchronized Exec.Result exec(String node, Duration timeout, String... argv) {
            String sql = argv[argv.length - 1];
            if (sql.startsWith("SET SESSION binlog_format")) {
                log.add("commit " + node + ": " + sql);
                return new Exec.Result(commitRc, "", commitRc == 0 ? "" : "Lost connection to server during query", false);
            }
            log.add("applying? " + node);
            return new Exec.Result(0, applying.contains(node) ? "1\n" : "0\n", "", false);
        }

        @Override
        public synchronized Exec.Result fault(Verb verb, List<String> nodes, Duration timeout) {
            log.add(verb.word + " " + nodes);
            return new Exec.Result(0, "", "", false);
        }
    }

    private static Nemesis.Injection inject(Scripted t, List<Nemesis.Write> writes) {
        return inject(new Nemesis(t, "db"), t, writes);
    }

    private static Nemesis.Injection inject(Nemesis nemesis, Scripted t, List<Nemesis.Write> writes) {
        return nemesis.inject(Fault.SLOW_APPLY_AT_FAILOVER, "n1", List.of("n2", "n3"), new Random(1),
                Duration.ofSeconds(8), "lab.rt_1", writes::add);
    }

    @Test
    void killsThePrimaryOnlyOnceEveryReplicaAppliesTheAcknowledgedCommit() {
        Scripted t = new Scripted();
        t.applying.addAll(List.of("n2", "n3"));
        List<Nemesis.Write> writes = new ArrayList<>();
        Nemesis nemesis = new Nemesis(t, "db");
        Nemesis.Injection i = inject(nemesis, t, writes);
        assertTrue(t.log.get(0).startsWith("commit n1: SET SESSION binlog_format=STATEMENT; INSERT INTO lab.rt_1 "), t.log.get(0));
        assertEquals("kill-mysqld [n1]", t.log.get(t.log.size() - 1));
        assertTrue(t.log.subList(1, t.log.size() - 1).containsAll(List.of("applying? n2", "applying? n3")), t.log.toString());
        assertEquals(1, writes.size());
        Nemesis.Write w = writes.get(0);
        assertEquals(Op.Type.OK, w.type(), "acknowledged by the primary");
        assertTrue(w.key() < 0, "never one of the writers' keys");
        assertEquals("n1", w.server());
        assertEquals(List.of("n1"), i.nodes);
        // a second injection in the same run writes another key
        inject(nemesis, t, writes);
        assertFalse(writes.get(0).key() == writes.get(1).key());
    }

    @Test
    void aReplicaThatNeverAppliesItFailsTheInjectionWithoutAKillButTheWriteIsStillKnown() {
        Scripted t = new Scripted();
        t.applying.add("n2");
        List<Nemesis.Write> writes = new ArrayList<>();
        Nemesis nemesis = new Nemesis(t, "db");
        nemesis.applyingBound = Duration.ofMillis(300);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> inject(nemesis, t, writes));
        assertTrue(e.getMessage().contains("[n3]") && e.getMessage().contains("300 ms"), e.getMessage());
        assertFalse(t.log.stream().anyMatch(l -> l.startsWith("kill-mysqld")), t.log.toString());
        assertEquals(List.of(Op.Type.OK), writes.stream().map(Nemesis.Write::type).toList(),
                "the acknowledged row is there whatever came after: the lost-writes checker must look for it");
    }

    @Test
    void aCommitWhoseAnswerWasLostIsUnknownNotFailed() {
        Scripted t = new Scripted();
        t.commitRc = 1;
        List<Nemesis.Write> writes = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> inject(t, writes));
        assertEquals(Op.Type.INFO, writes.get(0).type(), "it may have committed: present or absent, both fine");
        assertFalse(t.log.stream().anyMatch(l -> l.startsWith("kill-mysqld")));
    }

    @Test
    void theStatementIsTheSameOnEveryNodeButForItsSleep() {
        String sql = Nemesis.slowCommit("lab.rt_1", -3, "node1", 0L);
        assertEquals("SET SESSION binlog_format=STATEMENT; INSERT INTO lab.rt_1 (k, worker, at, server) VALUES (-3, "
                + "'slow', '1970-01-01 00:00:00.000', IF(SLEEP(" + Nemesis.SLOW_APPLY_S + ") = 0, 'node1', 'interrupted'))", sql);
        String q = Nemesis.applyingQuery(-3);
        assertTrue(q.contains("USER = 'system user'") && q.contains("VALUES (-3, ''slow''%'"), q);
    }
}
