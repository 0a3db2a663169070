package io.mysqlha.it;

import io.mysqlha.it.TestLab.Run;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two HA nodes and an arbitrator on the real lab ({@code lab up --nodes 2 --qnetd}): corosync-qnetd on its own
 * machine of the lab's switch, corosync-qdevice on both nodes. Checks: Corosync counts 3 votes (the device's
 * one), the first promotion happens and a write through the writer VIP lands on the promoted node, the
 * arbitrator lost keeps quorum and the primary's writes (and its return gives the vote back), and
 * pcs-config/mysqlha-cluster accepts two HA nodes with the device (lab configure) and refuses two HA nodes with neither a
 * quorum device nor fencing, and two_node: 1.
 * Its own lab beside any other (directory, prefix and /24 of its own); skipped without root, Pacemaker or the
 * corosync-qnetd / corosync-qdevice packages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QdeviceLabIT {
    static final Path BASE = Path.of(System.getProperty("mysqlha.basedir", "."));
    static final Path LAB = BASE.resolve("test-harness/lab");
    static final String DIR = "/var/tmp/mysqlha-qdevit";
    static final String NET = "10.250.3";
    static final Map<String, String> LAB_ENV = Map.of("MYSQLHA_LAB_DIR", DIR, "MYSQLHA_LAB_PREFIX", "mhqit",
            "MYSQLHA_LAB_NET", NET);
    static final String CONFIG = DIR + "/install/pcs-config/mysqlha-cluster";
    static final String WRITER_VIP = NET + ".50";
    static final TestLab TL = new TestLab("QdeviceLabIT", LAB_ENV);

    @BeforeAll
    static void bringUpTheLab() throws Exception {
        String why = null;
        for (String tool : List.of("/usr/bin/corosync-qnetd", "/usr/sbin/corosync-qdevice")) {
            if (!Files.isExecutable(Path.of(tool))) {
                why = tool + " is not installed (test-harness/setup installs corosync-qnetd and corosync-qdevice)";
            }
        }
        TL.assumeRunnable(why);
        Run c = TL.bringUp(List.of("--nodes", "2", "--qnetd"), List.of());
        // pcs-config accepts two HA nodes with the quorum device (and checks the token the lab wrote).
        assertTrue(c.out().contains("quorum device " + NET + ".9 (ffsplit), token 1000 ms"), c.out());
        assertTrue(c.out().contains("note: two HA nodes: a node alone promotes only while the quorum device's vote is cast for its partition"), c.out());
    }

    @AfterAll
    static void tearDown() throws Exception {
        TL.tearDown();
    }

    @Test
    @Order(1)
    void corosyncCountsTheDevicesVote() throws Exception {
        String q = quorum("node1");
        assertEquals("3", field(q, "Expected votes"), q);
        assertEquals("3", field(q, "Total votes"), q);
        assertEquals("Quorate Qdevice", field(q, "Flags"), q);
        assertTrue(Pattern.compile("(?m)^\\s+0\\s+1\\s+Qdevice$").matcher(q).find(), "the device's own vote:\n" + q);
        Run t = lab("exec", "node2", "corosync-qdevice-tool", "-s");
        assertEquals(0, t.rc(), t.out());
        assertTrue(t.out().matches("(?s).*State:\\s+Connected.*"), t.out());
        assertTrue(t.out().matches("(?s).*Algorithm:\\s+Fifty-Fifty split.*"), t.out());
    }

    @Test
    @Order(2)
    void firstPromotionAndAWriteThroughTheWriterVip() throws Exception {
        String promoted = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (promoted == null && System.nanoTime() < deadline) {
            promoted = promotedNode();
            if (promoted == null) {
                Thread.sleep(1000);
            }
        }
        assertNotEquals(null, promoted, "no promoted instance within 120 s:\n" + lab("exec", "node1", "crm_mon", "-1").out());
        Run w = null;
        for (int i = 0; i < 30; i++) {
            w = write("qdevit-" + i);
            if (w.rc() == 0) {
                break;
            }
            Thread.sleep(1000);
        }
        assertEquals(0, w.rc(), "write through the writer VIP:\n" + w.out());
        assertEquals(promoted, w.out().trim(), "the write landed on the promoted node");
    }

    @Test
    @Order(3)
    void theArbitratorLostKeepsQuorumAndWrites() throws Exception {
        Run s = lab("qnetd-stop");
        assertEquals(0, s.rc(), s.out());
        try {
            String q = awaitQuorum("node1", "Total votes", "2", 30);
            assertEquals("Yes", field(q, "Quorate"), q);
            Run w = write("qdevit-no-arbitrator");
            assertEquals(0, w.rc(), "write while the arbitrator is lost:\n" + w.out());
            assertEquals(promotedNode(), w.out().trim());
            // what an operator sees: the device casts no vote, and what that means for a node loss now
            Run st = lab("exec", "node1", "java", "-jar", "/usr/share/mysqlha/mysqlha.jar", "status");
            assertTrue(st.out().replaceAll("\\s+", " ").contains("quorum device: casts NO vote for this partition"),
                    st.out());
        } finally {
            Run b = lab("qnetd-start");
            assertEquals(0, b.rc(), b.out());
        }
        awaitQuorum("node1", "Total votes", "3", 30);
    }

    @Test
    @Order(4)
    void pcsConfigRefusesTwoNodesWithNeitherQuorumDeviceNorFencing() throws Exception {
        Path plain = Path.of(DIR, "it-plain-corosync.conf");
        Path twoNode = Path.of(DIR, "it-two-node-corosync.conf");
        Files.writeString(plain, "totem {\n    token: 1000\n}\nquorum {\n    provider: corosync_votequorum\n}\n");
        Files.writeString(twoNode, "totem {\n    token: 1000\n}\nquorum {\n    provider: corosync_votequorum\n"
                + "    two_node: 1\n}\n");
        List<String> base = List.of("exec", "node1", CONFIG, "--offline", "--lab", "--dry-run", "--recreate",
                "--ha-nodes", "node1 node2", "--node-addresses", "node1=" + NET + ".11 node2=" + NET + ".12",
                "--writer-vip", WRITER_VIP, "--reader-vip", NET + ".51");

        Run none = lab(with(base, "--corosync-conf", plain.toString(), "--stonith-enabled", "false"));
        assertNotEquals(0, none.rc(), none.out());
        assertTrue(none.out().contains("two HA nodes (node1 node2) with neither a quorum device nor fencing"), none.out());

        Run two = lab(with(base, "--corosync-conf", twoNode.toString(), "--fence", "fence_mysqlha_lab lab_dir=" + DIR));
        assertNotEquals(0, two.rc(), two.out());
        assertTrue(two.out().contains("two_node: 1 without a quorum device"), two.out());
        // Accepted with the device: lab configure in bringUpTheLab (--qdevice, --token, the lab's fence device).
    }

    @Test
    @Order(5)
    void theLinkBetweenTheNodesCutLeavesOneWriterOnTheArbitratorsSide() throws Exception {
        String before = awaitPromoted(null, 60);
        Run c = lab("cut", "node1", "node2");
        assertEquals(0, c.rc(), c.out());
        try {
            // For 40 s: never two writable servers; at the end the promoted node is the one whose partition
            // holds the arbitrator's vote (the other is fenced, or waits without quorum).
            String chosen = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (System.nanoTime() < end) {
                int writable = 0;
                for (String n : List.of("node1", "node2")) {
                    if ("0".equals(readOnly(n))) {
                        writable++;
                    }
                    String q = quorum(n);
                    if ("Yes".equals(field(q, "Quorate")) && Pattern.compile("(?m)^\\s+0\\s+1\\s+Qdevice$").matcher(q).find()) {
                        chosen = n;
                    }
                }
                assertTrue(writable <= 1, "two writable servers while the link is cut");
                Thread.sleep(1000);
            }
            assertNotEquals(null, chosen, "no side holds the arbitrator's vote");
            String promoted = awaitPromoted(chosen, 60);
            assertEquals(chosen, promoted, "promoted outside the arbitrator's side (before the cut: " + before + ")");
            // No write is acknowledged while the link is cut: semi-sync never degrades, and the only other HA
            // node is on the other side. They are acknowledged once it replicates again.
        } finally {
            assertEquals(0, lab("heal").rc());
        }
        settle();
        String after = awaitPromoted(null, 60);
        Run w = writeUntilOk("qdevit-cut-healed", 60);
        assertEquals(0, w.rc(), "write after the heal:\n" + w.out());
        assertEquals(after, w.out().trim());
    }

    @Test
    @Order(6)
    void thePrimarysNodeLostFailsOverWithTheArbitratorsVote() throws Exception {
        String primary = awaitPromoted(null, 120);
        String other = primary.equals("node1") ? "node2" : "node1";
        Run k = lab("kill-node", primary);
        assertEquals(0, k.rc(), k.out());
        try {
            // one HA node of two is left: it promotes only because the arbitrator's vote is counted
            String promoted = awaitPromoted(other, 90);
            assertEquals(other, promoted, "no failover to " + other + " after " + primary + " was lost:\n"
                    + lab("exec", other, "crm_mon", "-1").out());
            Run mq = lab("exec", other, "java", "-jar", "/usr/share/mysqlha/mysqlha.jar", "quorum", "--resource", "db");
            assertTrue(mq.out().contains("1 of 2 (" + other + ") and the quorum device's vote is cast here"), mq.out());
        } finally {
            lab("start-node", primary);
        }
        // Writes are acknowledged once the lost node is back as a replica (semi-sync never degrades: while it
        // was out, the new primary had no replica to acknowledge them).
        Run w = writeUntilOk("qdevit-node-lost", 120);
        assertEquals(0, w.rc(), "write after the lost node came back:\n" + w.out());
        assertEquals(other, w.out().trim());
    }

    @Test
    @Order(7)
    void killNineOfThePrimarysServerFailsOver() throws Exception {
        settle();
        String primary = awaitPromoted(null, 120);
        String other = primary.equals("node1") ? "node2" : "node1";
        Run k = lab("kill-mysqld", primary);
        assertEquals(0, k.rc(), k.out());
        // both HA nodes are in the partition: a majority without the device's vote
        String promoted = awaitPromoted(other, 90);
        assertEquals(other, promoted, "no failover to " + other + " after kill -9 on " + primary + ":\n"
                + lab("exec", other, "crm_mon", "-1").out());
        // acknowledged once the old primary's server is back as a replica (the agent restarts it)
        Run w = writeUntilOk("qdevit-kill-9", 120);
        assertEquals(0, w.rc(), "write after the kill -9 failover:\n" + w.out());
        assertEquals(other, w.out().trim());
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** Waits for a promoted instance (on {@code on}, when not null) and returns its node. */
    static String awaitPromoted(String on, int seconds) throws Exception {
        String p = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            p = promotedNode();
            if (p != null && (on == null || on.equals(p))) {
                return p;
            }
            Thread.sleep(1000);
        }
        return p;
    }

    static String readOnly(String node) throws Exception {
        Run r = lab("exec", node, "mariadb", "--defaults-extra-file=" + DIR + "/app.cnf", "-h", "127.0.0.1",
                "--connect-timeout=2", "-N", "-B", "-e", "SELECT @@read_only");
        return r.rc() == 0 ? r.out().trim() : null;
    }

    /** Tries a write until one is acknowledged or seconds pass (each try is itself bounded to 20 s). */
    static Run writeUntilOk(String note, int seconds) throws Exception {
        Run w = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; w == null || System.nanoTime() < deadline; i++) {
            w = write(note + "-" + i);
            if (w.rc() == 0) {
                return w;
            }
            Thread.sleep(1000);
        }
        return w;
    }

    static void settle() throws Exception {
        run(List.of(LAB.toString(), "settle", "120"), 150);
    }

    static List<String> with(List<String> base, String... more) {
        List<String> l = new ArrayList<>(base);
        l.addAll(List.of(more));
        return l;
    }

    static String quorum(String node) throws Exception {
        Run q = lab("exec", node, "corosync-quorumtool", "-s");
        return q.out();
    }

    static String awaitQuorum(String node, String name, String want, int seconds) throws Exception {
        String q = "";
        for (int i = 0; i < seconds; i++) {
            q = quorum(node);
            if (want.equals(field(q, name))) {
                return q;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(name + " is not " + want + " after " + seconds + " s:\n" + q);
    }

    static String field(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s+(.*?)\\s*$").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The promoted node as the first node that answers sees it (a lost node answers nothing). */
    static String promotedNode() throws Exception {
        for (String n : List.of("node1", "node2")) {
            Run x = lab("exec", n, "crm_mon", "-1", "--output-as=xml");
            if (x.rc() != 0 || !x.out().contains("<pacemaker-result")) {
                continue;
            }
            Matcher m = Pattern.compile("<resource id=\"mysql\"[^>]*role=\"Promoted\"[^>]*>\\s*<node name=\"(node\\d)\"")
                    .matcher(x.out());
            return m.find() ? m.group(1) : null;
        }
        return null;
    }

    static Run write(String note) throws Exception {
        return lab("exec", "client", "timeout", "20", "mariadb", "--defaults-extra-file=" + DIR + "/app.cnf", "-h", WRITER_VIP,
                "--connect-timeout=3", "-N", "-B", "-e",
                "CREATE TABLE IF NOT EXISTS qdevit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64)); "
                        + "INSERT INTO qdevit(note) VALUES ('" + note + "'); SELECT @@hostname");
    }

    static Run lab(String... args) throws Exception {
        return lab(List.of(args));
    }

    static Run lab(List<String> args) throws Exception {
        return run(with(List.of(LAB.toString()), args.toArray(String[]::new)), 60);
    }

    static Run run(List<String> cmd, int timeoutS) throws Exception {
        return TL.run(cmd, timeoutS);
    }
}
