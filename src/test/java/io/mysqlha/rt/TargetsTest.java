package io.mysqlha.rt;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing of what the targets read: lab env, option files, ip output, nodes files. No processes. */
class TargetsTest {
    @Test
    void labEnv() {
        Map<String, String> m = LabTarget.parseEnv("LAB_DIR=/var/tmp/mysqlha-lab\nLAB_HA_NODES=\"node1 node2 node3\"\nLAB_WRITER_VIP=10.250.0.50\n");
        assertEquals("node1 node2 node3", m.get("LAB_HA_NODES"));
        assertEquals("10.250.0.50", m.get("LAB_WRITER_VIP"));
    }

    @Test
    void optionFileAndAddresses() {
        Target.AppAccount a = OptionFile.app("# lab\n[mysqld]\nuser=mysql\n[client]\nuser=app\npassword=\"s3cret\"\ndatabase=lab\n");
        assertEquals(new Target.AppAccount("app", "s3cret", "lab"), a);
        assertFalse(a.toString().contains("s3cret"), "the password never reaches a log line");
        assertThrows(Target.TargetException.class, () -> OptionFile.app("[client]\npassword=x\n"));
        assertTrue(OptionFile.app("[client]\nuser=app\nssl-ca=/etc/mysql/tls/ca.pem\nssl-verify-server-cert\n").tls());
        assertTrue(OptionFile.app("[client]\nuser=app\nssl\n").tls());
        assertFalse(OptionFile.app("[client]\nuser=app\nssl=0\n").tls());
        assertFalse(a.tls());
        String ip = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
                + "2: eth0    inet 10.250.0.13/24 scope global eth0\\       valid_lft forever\n"
                + "2: eth0    inet 10.250.0.50/24 scope global secondary eth0\\       valid_lft forever\n";
        assertEquals(List.of("127.0.0.1", "10.250.0.13", "10.250.0.50"), OptionFile.inetAddresses(ip));
    }

    static final String NODES = """
            # staging
            node db1 root@192.0.2.11 192.0.2.11
            node db2 root@192.0.2.12 192.0.2.12
            node db3 root@192.0.2.13 192.0.2.13
            node db4 root@192.0.2.14 192.0.2.14 async
            writer_vip 192.0.2.50
            reader_vip 192.0.2.51   # optional
            app_cnf /etc/mysqlha/rt-app.cnf
            ssh_options -o BatchMode=yes -o ConnectTimeout=3
            """;

    @Test
    void nodesFile() {
        SshTarget t = SshTarget.parse("staging.nodes", NODES, f -> "[client]\nuser=rt\npassword=p\ndatabase=rt\n");
        assertEquals(List.of("db1", "db2", "db3"), t.haNodes());
        assertEquals(List.of("db1", "db2", "db3", "db4"), t.allNodes());
        assertEquals("192.0.2.51", t.readerVip().orElseThrow());
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3", "root@192.0.2.11", "--", "mariadb",
                "-e", "'SELECT @@read_only'"), t.wrap("db1", List.of("mariadb", "-e", "SELECT @@read_only")));
        assertFalse(t.supports(Target.Verb.KILL_NODE), "no power commands: node loss is not supported");
        assertTrue(t.supports(Target.Verb.PARTITION));
        assertEquals("'it'\\''s'", SshTarget.shellQuote("it's"));
    }

    @Test
    void nodesFileErrorsNameTheLine() {
        Target.TargetException e = assertThrows(Target.TargetException.class,
                () -> SshTarget.parse("x.nodes", "node db1 root@h\n", f -> ""));
        assertTrue(e.getMessage().startsWith("x.nodes:1:"), e.getMessage());
        assertThrows(Target.TargetException.class, () -> SshTarget.parse("x.nodes", "bogus 1\n", f -> ""));
        assertThrows(Target.TargetException.class, () -> SshTarget.parse("x.nodes",
                NODES.replace("writer_vip 192.0.2.50\n", ""), f -> "[client]\nuser=a\n"));
    }

    @Test
    void faultsParse() {
        assertEquals(List.of(Fault.KILL_PRIMARY_MYSQLD, Fault.SWITCHOVER), Fault.parseList("kill-primary-mysqld, switchover"));
        assertEquals(Fault.values().length, Fault.parseList("all").size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fault.parseList("kill-everything"));
        assertTrue(e.getMessage().contains("kill-primary-mysqld"), "the message lists the known faults");
    }

    @Test
    void execIsBounded() {
        long t0 = System.nanoTime();
        Exec.Result r = Exec.run(List.of("sleep", "30"), Duration.ofMillis(300));
        assertTrue(r.timedOut());
        assertEquals(124, r.rc());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        assertEquals(127, Exec.run(List.of("/nonexistent/tool"), Duration.ofSeconds(1)).rc());
    }
}
