package io.mysqlha.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The end-to-end proof on a real mariadbd: a server brought to the lagging replica's position (the primary's
 * binlog replayed up to it), then given the diff through mariadb-binlog | mariadb, ends with the primary's
 * data. The server listens on a unix socket only (--skip-networking) in a temporary directory.
 */
class DiffApplyIT {
    private static Path dir;
    private static Process server;

    static List<String> scenarios() {
        return Fixtures.SCENARIOS;
    }

    @BeforeAll
    static void startServer() throws Exception {
        Assumptions.assumeTrue(Tools.available(Tools.MARIADBD, Tools.INSTALL_DB, Tools.MARIADB, Tools.MARIADB_BINLOG),
                "mariadbd, mariadb-install-db, mariadb or mariadb-binlog not installed: skipping");
        dir = Files.createTempDirectory("mysqlha-diff-apply");
        String user = System.getProperty("user.name");
        Tools.Result install = Tools.run(List.of(Tools.INSTALL_DB.toString(), "--no-defaults", "--user=" + user,
                "--datadir=" + dir.resolve("data"), "--skip-test-db", "--auth-root-authentication-method=normal"),
                null, 120);
        assertEquals(0, install.exitCode(), install.stderr());
        server = new ProcessBuilder(Tools.MARIADBD.toString(), "--no-defaults", "--user=" + user,
                "--datadir=" + dir.resolve("data"), "--socket=" + dir.resolve("sock"), "--skip-networking",
                "--pid-file=" + dir.resolve("pid"), "--log-error=" + dir.resolve("error.log"),
                "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M", "--performance-schema=OFF",
                "--skip-log-bin")
                .redirectOutput(dir.resolve("stdout.log").toFile()).redirectErrorStream(true).start();
        for (int i = 0; i < 300; i++) {
            if (!server.isAlive()) {
                throw new IllegalStateException("mariadbd exited: " + Files.readString(dir.resolve("error.log")));
            }
            if (Files.exists(dir.resolve("sock")) && sql("SELECT 1").exitCode() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("mariadbd did not start: " + Files.readString(dir.resolve("error.log")));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.destroy(); // SIGTERM: a clean shutdown
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static Tools.Result sql(String statements) throws IOException, InterruptedException {
        return Tools.run(List.of(Tools.MARIADB.toString(), "--no-defaults", "-uroot", "-S", dir.resolve("sock").toString(),
                "-N", "-B", "-e", statements), null, 60);
    }

    /** Pipes a file of SQL into the server, as the failover does with mariadb-binlog's output. */
    static void apply(Path sqlFile) throws IOException, InterruptedException {
        Tools.Result r = Tools.run(List.of(Tools.MARIADB.toString(), "--no-defaults", "-uroot", "-S",
                dir.resolve("sock").toString(), "--binary-mode"), sqlFile, 120);
        assertEquals(0, r.exitCode(), "applying " + sqlFile + ": " + r.stderr());
    }

    static Path decode(List<String> args, Path out) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Tools.MARIADB_BINLOG.toString(), "--skip-gtid-strict-mode"));
        cmd.addAll(args);
        Tools.Result r = Tools.run(cmd, null, 120);
        assertEquals(0, r.exitCode(), r.stderr());
        Files.write(out, r.stdout());
        return out;
    }

    static String checksum() throws IOException, InterruptedException {
        Tools.Result r = sql("CHECKSUM TABLE fx.t EXTENDED");
        assertEquals(0, r.exitCode(), r.stderr());
        return r.out().trim().split("\t")[1];
    }

    /** Brings the server to {@code target}: a fresh start, then the primary's binlogs replayed up to it. */
    static void replayPrimaryUpTo(String scenario, BinlogPosition target) throws Exception {
        Tools.Result reset = sql("DROP DATABASE IF EXISTS fx; DROP USER IF EXISTS repl@'127.0.0.1'; "
                + "SET GLOBAL gtid_slave_pos=''");
        assertEquals(0, reset.exitCode(), reset.stderr());
        List<String> args = new ArrayList<>(List.of("--stop-position=" + target.position()));
        for (Path b : Fixtures.primaryBinlogs(scenario)) {
            args.add(b.toString());
            if (b.getFileName().toString().equals(target.file())) {
                break;
            }
        }
        apply(decode(args, dir.resolve("prefix.sql")));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void laggingReplicaPlusDiffEqualsPrimary(String scenario) throws Exception {
        Properties p = Fixtures.expected(scenario);
        String primaryChecksum = p.getProperty("checksum.fx.t");
        BinlogPosition read = Fixtures.position(p, "lagging.master_log_file", "lagging.read_master_log_pos");
        BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
        for (BinlogPosition target : List.of(exec, read)) {
            replayPrimaryUpTo(scenario, target);
            assertNotEquals(primaryChecksum, checksum(), scenario + ": at " + target + " the data must still differ");
            Path diff = dir.resolve("diff.bin");
            DiffResult r = RelayLogDiff.write(Fixtures.relayLogs(scenario), target, diff);
            apply(decode(List.of(diff.toString()), dir.resolve("diff.sql")));
            assertEquals(primaryChecksum, checksum(), scenario + ": after applying the diff from " + target);
            assertEquals(p.getProperty("primary.gtid_binlog_pos"), r.gtidPosition());
        }
    }
}
