package io.mysqlha.it;

import io.mysqlha.it.TestLab.Run;

import io.mysqlha.rt.CrmMon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mysqlha reclone} on the real lab (its own directory, prefix and /24), reaching the nodes through
 * the lab's exec from the host, then over ssh from a node as in production: a replica given an errant transaction and restarted uncleanly is
 * refused by the agent ("refusing to rejoin: this node has transactions the primary ... lacks"); reclone
 * rebuilds it from the other replica, Pacemaker runs it as a replica again, it replicates a row written
 * afterwards on the primary, its errant data is gone from the datadir and kept in the old one, which
 * {@code --discard-old} then removes. Reclone of the primary is refused with its message, changing nothing.
 * Last, run on the primary, it rebuilds that replica again from the other one with both reached over ssh
 * (the lab's sshd), and the node replicates again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecloneIT {
    static final Path BASE = Path.of(System.getProperty("mysqlha.basedir", "."));
    static final Path LAB = BASE.resolve("test-harness/lab");
    static final Path JAR = BASE.resolve("target/mysqlha.jar");
    static final Map<String, String> LAB_ENV = Map.of("MYSQLHA_LAB_DIR", "/var/tmp/mysqlha-recloneit",
            "MYSQLHA_LAB_PREFIX", "mhrit", "MYSQLHA_LAB_NET", "10.250.6");
    static final TestLab TL = new TestLab("RecloneIT", LAB_ENV);
    static String primary;
    static String refused;
    static String other;


    @BeforeAll
    static void bringUpTheLab() throws Exception {
        TL.bringUp();
        CrmMon v = awaitView(120, m -> m.promoted().size() == 1 && m.unpromoted().size() == 2 && m.failures().isEmpty());
        primary = v.promoted().get(0);
        refused = v.unpromoted().get(0);
        other = v.unpromoted().get(1);
    }

    @AfterAll
    static void tearDown() throws Exception {
        TL.tearDown();
    }

    @Test
    @Order(1)
    void recloneOfThePrimaryIsRefused() throws Exception {
        Run r = reclone(primary);
        assertEquals(2, r.rc(), r.out());
        assertTrue(r.out().contains("reclone refused: " + primary + " is the primary"), r.out());
        assertTrue(r.out().contains("Move the primary first"), r.out());
        Run healthy = reclone(other);
        assertEquals(2, healthy.rc(), healthy.out());
        assertTrue(healthy.out().contains(other + " runs as a healthy replica") && healthy.out().contains("--force"),
                healthy.out());
        CrmMon v = view();
        assertEquals(List.of(primary), v.promoted(), "nothing moved");
    }

    @Test
    @Order(2)
    void aReplicaRefusedForErrantTransactionsIsRebuiltAndReplicatesAgain() throws Exception {
        // an errant transaction: written on the replica itself (root passes read_only), binlogged
        Run w = exec(refused, "mariadb", "-e", "CREATE DATABASE errant_db; CREATE TABLE errant_db.t (i INT PRIMARY KEY); "
                + "INSERT INTO errant_db.t VALUES (1)");
        assertEquals(0, w.rc(), w.out());
        assertEquals(0, run(List.of(LAB.toString(), "kill-mysqld", refused), 30).rc());
        CrmMon v = awaitView(90, m -> m.failures().stream().anyMatch(f -> refused.equals(f.node())
                && f.exitReason().startsWith("refusing to rejoin: this node has transactions the primary")));
        System.out.println("RecloneIT: refused: " + v.failures());

        long s = System.nanoTime();
        Run r = reclone(refused);
        System.out.printf("RecloneIT: reclone %s took %.1f s:%n%s%n", refused, (System.nanoTime() - s) / 1e9, r.out());
        assertEquals(0, r.rc(), r.out());
        assertTrue(r.out().contains("rebuilding " + refused + " from " + other + " (a replica)"), r.out());
        assertTrue(r.out().contains(refused + " replicates from " + primary), r.out());
        String old = r.out().lines().filter(l -> l.contains("old datadir moved to ")).findFirst().orElseThrow()
                .replaceAll(".*old datadir moved to " + refused + ":", "").strip();
        assertTrue(old.startsWith("/var/lib/mysql.old-"), old);

        CrmMon after = view();
        assertTrue(after.unpromoted().contains(refused), after.toString());
        assertTrue(after.failures().stream().noneMatch(f -> refused.equals(f.node())), after.failures().toString());
        // replicates: a row written on the primary now arrives
        assertEquals(0, exec(primary, "mariadb", "-e", "CREATE TABLE IF NOT EXISTS lab.reclone_it (i INT PRIMARY KEY); "
                + "INSERT INTO lab.reclone_it VALUES (42)").rc());
        String seen = "";
        for (int i = 0; i < 30 && !seen.equals("42"); i++) {
            seen = exec(refused, "mariadb", "-N", "-B", "-e", "SELECT i FROM lab.reclone_it").out().strip();
            Thread.sleep(500);
        }
        assertEquals("42", seen, "the rebuilt node replicates the primary's new row");
        // its errant data is gone from the datadir, and kept in the old one
        assertEquals(1, exec(refused, "test", "-d", "/var/lib/mysql/errant_db").rc());
        assertEquals(0, exec(refused, "test", "-f", old + "/errant_db/t.ibd").rc(), "the old datadir is kept at " + old);

        Run d = run(List.of(LabFailoverIT.java(), "-jar", JAR.toString(), "reclone", refused, "--discard-old", "--via",
                LAB + " exec {node}"), 120);
        assertEquals(0, d.rc(), d.out());
        assertTrue(d.out().contains("removed the old datadir " + refused + ":" + old), d.out());
        assertEquals(1, exec(refused, "test", "-e", old).rc(), old + " removed");
        assertTrue(view().unpromoted().contains(refused));
    }

    @Test
    @Order(3)
    void overSshFromANodeThatIsNeitherTargetNorSource() throws Exception {
        // as in production: the command runs on a node (here the primary) and reaches the two others as root
        // by their names over ssh (the lab's sshd on every node, its own keys and known hosts)
        Run env = run(List.of(LAB.toString(), "env"), 30);
        Assumptions.assumeTrue(env.out().contains("LAB_SSHD=1"), "the lab's nodes run no sshd (openssh-server missing)");
        Run hop = exec(primary, "ssh", other, "hostname");
        assertEquals(0, hop.rc(), hop.out());
        assertEquals(other, hop.out().strip(), "ssh by name reaches " + other);

        long s = System.nanoTime();
        Run r = run(List.of(LAB.toString(), "exec", primary, "java", "-jar", "/usr/share/mysqlha/mysqlha.jar", "reclone",
                refused, "--force", "--discard-old"), 300);
        System.out.printf("RecloneIT: reclone %s over ssh (run on %s) took %.1f s:%n%s%n", refused, primary,
                (System.nanoTime() - s) / 1e9, r.out());
        assertEquals(0, r.rc(), r.out());
        assertTrue(r.out().contains("rebuilding " + refused + " from " + other + " (a replica)"), r.out());
        assertTrue(r.out().contains(refused + " replicates from " + primary), r.out());
        assertTrue(r.out().contains("removed its old datadir"), r.out());
        // the target and the source were reached through their sshd, as root with the lab's key
        for (String n : List.of(refused, other)) {
            Run log = exec(n, "grep", "-c", "Accepted publickey for root from " + nodeAddress(primary), "/var/log/sshd.log");
            assertTrue(log.rc() == 0 && Integer.parseInt(log.out().strip()) > 0, n + "'s sshd: " + log.out());
        }
        assertTrue(view().unpromoted().contains(refused));
        assertTrue(view().failures().isEmpty(), view().failures().toString());
        String seen = "";
        assertEquals(0, exec(primary, "mariadb", "-e", "INSERT INTO lab.reclone_it VALUES (43)").rc());
        for (int i = 0; i < 30 && !seen.equals("43"); i++) {
            seen = exec(refused, "mariadb", "-N", "-B", "-e", "SELECT i FROM lab.reclone_it WHERE i = 43").out().strip();
            Thread.sleep(500);
        }
        assertEquals("43", seen, "the node rebuilt over ssh replicates the primary's new row");
    }

    /** The node's address on the lab's network (node1 is .11). */
    static String nodeAddress(String node) {
        return LAB_ENV.get("MYSQLHA_LAB_NET") + "." + (10 + Integer.parseInt(node.substring("node".length())));
    }

    static Run reclone(String node) throws Exception {
        return run(List.of(LabFailoverIT.java(), "-jar", JAR.toString(), "reclone", node, "--via", LAB + " exec {node}"), 300);
    }

    static Run exec(String node, String... argv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAB.toString(), "exec", node));
        cmd.addAll(List.of(argv));
        return run(cmd, 60);
    }

    static CrmMon view() throws Exception {
        for (String n : List.of("node1", "node2", "node3")) {
            Run r = exec(n, "crm_mon", "-1", "--output-as=xml");
            if (r.rc() == 0) {
                try {
                    CrmMon v = CrmMon.parse(r.out(), "db", "writer-vip", "reader-vip");
                    if (v.quorate()) {
                        return v;
                    }
                } catch (IllegalArgumentException e) {
                    // next node
                }
            }
        }
        throw new AssertionError("no quorate crm_mon answer");
    }

    static CrmMon awaitView(int seconds, java.util.function.Predicate<CrmMon> ok) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        CrmMon last = null;
        while (System.nanoTime() < end) {
            try {
                last = view();
                if (ok.test(last)) {
                    return last;
                }
            } catch (AssertionError e) {
                // not up yet
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("crm_mon did not show what was awaited within " + seconds + " s; last: " + last);
    }

    static Run run(List<String> cmd, int timeoutS) throws Exception {
        return TL.run(cmd, timeoutS);
    }
}
