package io.mysqlha.failover;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.TlsSettings;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinlogApplierTest {
    static final Credential ADMIN = new Credential("admin", "s3cret #\"x");

    /** Records the pipelines it is asked to run and what the option file held at that moment. */
    static final class Recorder implements CommandRunner {
        final List<List<String>> argv = new ArrayList<>();
        final CompensatorRepointTest.Mem state;
        String optionFile;

        Recorder(CompensatorRepointTest.Mem state) {
            this.state = state;
        }

        @Override
        public Result run(List<String> a, String stdin, Deadline d) {
            throw new AssertionError("a pipeline is expected");
        }

        @Override
        public Result pipe(List<String> producer, List<String> consumer, Deadline d) {
            argv.add(producer);
            argv.add(consumer);
            optionFile = state.files.get("compensation-client.cnf");
            return new Result(0, "", "", false);
        }

        @Override
        public boolean available(String program) {
            return true;
        }
    }

    @Test
    void withTlsTheToolsVerifyTheServerLikeTheAgents() {
        TlsSettings tls = new TlsSettings(TlsSettings.Mode.VERIFY_IDENTITY, Path.of("/etc/mysqlha/ca.pem"),
                Path.of("/etc/mysqlha/client.pem"), Path.of("/etc/mysqlha/client.key"));
        assertEquals("[client]\nuser=\"admin\"\npassword=\"pw\"\nssl\nssl-ca=\"/etc/mysqlha/ca.pem\"\n"
                + "ssl-cert=\"/etc/mysqlha/client.pem\"\nssl-key=\"/etc/mysqlha/client.key\"\nssl-verify-server-cert\n",
                BinlogApplier.optionFile(new Credential("admin", "pw"), tls, true));
        String mysql = BinlogApplier.optionFile(new Credential("admin", "pw"),
                new TlsSettings(TlsSettings.Mode.VERIFY_CA, Path.of("/ca.pem"), null, null), false);
        assertTrue(mysql.contains("ssl-mode=VERIFY_CA\nssl-ca=\"/ca.pem\"\n"), mysql);
        assertFalse(mysql.contains("ssl-cert"), mysql);
        assertEquals("[client]\nuser=\"a\"\npassword=\"\"\n", BinlogApplier.optionFile(new Credential("a", ""),
                TlsSettings.OFF, true));
    }

    @Test
    void passwordsGoThroughAnOptionFileThatIsRemovedAfterwards() {
        CompensatorRepointTest.Mem state = new CompensatorRepointTest.Mem();
        Recorder r = new Recorder(state);
        BinlogApplier a = new BinlogApplier(r, state, "/usr/bin/mariadb",
                BinlogApplier.binlogToolFor("/usr/bin/mariadb", true), true, TlsSettings.OFF);
        Deadline d = Deadline.in(Clock.SYSTEM, 1_000);
        assertTrue(a.applyFile(Path.of("/tmp/diff.bin"), new Node("n3", "10.0.0.3", 3307), ADMIN, d).ok());
        assertTrue(a.applyRemoteTail(new Node("n1", "10.0.0.1", 3306), BinlogCoordinates.parse("mysql-bin.000004:900"),
                new Node("n2", "127.0.0.1", 3306), ADMIN, d).ok());
        for (List<String> cmd : r.argv) {
            assertFalse(String.join(" ", cmd).contains("s3cret"), cmd.toString());
        }
        assertEquals(List.of("/usr/bin/mariadb-binlog", "--no-defaults", "--skip-gtid-strict-mode", "/tmp/diff.bin"),
                r.argv.get(0));
        assertTrue(r.argv.get(1).containsAll(List.of("--host=10.0.0.3", "--port=3307", "--binary-mode")), r.argv.toString());
        assertTrue(r.argv.get(2).containsAll(List.of("--read-from-remote-server", "--host=10.0.0.1", "--to-last-log",
                "--start-position=900", "mysql-bin.000004")), r.argv.toString());
        assertEquals("[client]\nuser=\"admin\"\npassword=\"s3cret #\\\"x\"\n", r.optionFile);
        assertFalse(state.files.containsKey("compensation-client.cnf"), "removed after use");
    }

    @Test
    void mysqlUsesItsOwnTools() {
        assertEquals("/opt/mysql/bin/mysqlbinlog", BinlogApplier.binlogToolFor("/opt/mysql/bin/mysql", false));
        assertEquals("mariadb-binlog", BinlogApplier.binlogToolFor("mariadb", true));
    }
}
