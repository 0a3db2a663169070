package io.mysqlha.rt;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An injection that fails half-way (the long round's kill-replica-mysqld-twice: the first kill done, the node
 * then held out for flapping) leaves the cluster to the healer before the next fault, which would otherwise
 * meet a cluster short of a replica. A scripted cluster: no processes.
 */
class FailedInjectionTest {
    /** node1 held out (its start refused) until it is released and the failures cleaned up; then healthy. */
    static class HeldOut extends ScriptedTarget {
        final List<String> log = new ArrayList<>();
        boolean released;
        boolean cleaned;

        HeldOut() {
            super(List.of("node1", "node2", "node3"), true);
        }

        @Override
        public synchronized Exec.Result exec(String node, Duration timeout, String... argv) {
            String cmd = String.join(" ", argv);
            if (cmd.startsWith("crm_mon")) {
                return new Exec.Result(0, released && cleaned ? CrmMonTest.HEALTHY : held(), "", false);
            }
            if (cmd.contains("Rpl_semi_sync_master_clients")) {
                return new Exec.Result(0, "Rpl_semi_sync_master_clients\t2\n", "", false);
            }
            log.add(node + ": " + cmd);
            if (cmd.contains("rejoin --resource mysql --clear-hold")) {
                released = node.equals("node1");
            } else if (cmd.startsWith("crm_resource --cleanup")) {
                cleaned = released;
            }
            return new Exec.Result(0, "", "", false);
        }

        static String held() {
            return CrmMonTest.HEALTHY.replaceFirst("(?s)<resource id=\"mysql\"[^>]*role=\"Unpromoted\"[^>]*>\\s*<node name=\"node1\"[^>]*/>\\s*</resource>", "")
                    .replace("</resources>", """
                    </resources>
                    <failures>
                      <failure op_key="mysql_start_0" node="node1" exitstatus="error" exitreason="held out: 4 unclean ends in 300 s; check it, then run 'mysqlha rejoin --clear-hold --resource mysql' and 'pcs resource cleanup'" exitcode="1" call="30" status="complete"/>
                    </failures>
                    """);
        }
    }

    @Test
    void theHeldOutNodeIsReleasedBeforeTheNextFaultAndTheActionsCount() {
        HeldOut t = new HeldOut();
        Healer healer = new Healer(t, "db", "writer-vip", "reader-vip", "mysql", "/var/lib/mysql", true, false);
        History history = new History();
        List<String> said = new ArrayList<>();
        IterationResult r = Runner.afterFailedInjection(38, Fault.KILL_REPLICA_MYSQLD_TWICE,
                "could not inject the second kill of kill-replica-mysqld-twice: mariadbd did not run again on node1 within 45 s",
                System.currentTimeMillis(), healer, history, 60_000, () -> false, said::add);
        assertEquals(Verdict.Status.UNKNOWN, r.status(), "an injection that failed has no verdicts");
        assertTrue(r.skipped().startsWith("could not inject the second kill"), r.skipped());
        assertTrue(!r.skipped().contains("did not converge"), r.skipped());
        assertTrue(t.released && t.cleaned, t.log.toString());
        assertTrue(t.log.get(0).startsWith("node1: sh -c") && t.log.get(0).contains("rejoin --resource mysql --clear-hold"), t.log.toString());
        assertEquals(2, r.actions().size(), "the release and its cleanup count with this iteration: " + r.actions());
        assertTrue(r.actions().get(0).startsWith("released node1 (held out"), r.actions().toString());
        assertTrue(said.stream().anyMatch(s -> s.startsWith("  released node1")), said.toString());
    }

    @Test
    void aClusterThatDoesNotComeBackIsSaidSo() {
        HeldOut t = new HeldOut() {
            @Override
            public synchronized Exec.Result exec(String node, Duration timeout, String... argv) {
                // the release fails: the node stays held out
                if (String.join(" ", argv).contains("rejoin")) {
                    log.add(node + ": rejoin refused");
                    return new Exec.Result(1, "", "refused", false);
                }
                return super.exec(node, timeout, argv);
            }
        };
        Healer healer = new Healer(t, "db", "writer-vip", "reader-vip", "mysql", "/var/lib/mysql", true, false);
        IterationResult r = Runner.afterFailedInjection(38, Fault.KILL_REPLICA_MYSQLD_TWICE, "could not inject",
                System.currentTimeMillis(), healer, new History(), 3_000, () -> false, s -> { });
        assertTrue(r.skipped().startsWith("could not inject; the cluster did not converge afterwards: "), r.skipped());
        assertTrue(r.skipped().contains("db not running on node1"), r.skipped());
    }
}
