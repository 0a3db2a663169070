package io.mysqlha.failover;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.TlsSettings;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.LocalState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies binlog streams to a server with the command-line tools: {@code mariadb-binlog | mariadb --binary-mode}
 * (MySQL: {@code mysqlbinlog | mysql}). Passwords go through an option file in the resource's state directory
 * (mode of that directory: 0750, root), never on a command line, and the file is removed afterwards.
 */
final class BinlogApplier {
    private final CommandRunner runner;
    private final LocalState state;
    private final String client;
    private final String binlogTool;
    private final boolean mariadb;
    private final TlsSettings tls;

    BinlogApplier(CommandRunner runner, LocalState state, String client, String binlogTool, boolean mariadb,
                  TlsSettings tls) {
        this.tls = tls;
        this.runner = runner;
        this.state = state;
        this.client = client;
        this.binlogTool = binlogTool;
        this.mariadb = mariadb;
    }

    /** The binlog tool next to the client: mariadb-binlog beside mariadb, mysqlbinlog beside mysql. */
    static String binlogToolFor(String client, boolean mariadb) {
        Path c = Path.of(client);
        String name = mariadb ? "mariadb-binlog" : "mysqlbinlog";
        return c.getParent() == null ? name : c.getParent().resolve(name).toString();
    }

    /** Applies a binlog file (a differential relay log) to {@code to}. */
    CommandRunner.Result applyFile(Path binlog, Node to, Credential admin, Deadline deadline) {
        List<String> producer = new ArrayList<>(List.of(binlogTool, "--no-defaults"));
        if (mariadb) {
            // a diff that crosses a rotation of the primary's binlog holds a mid-stream GTID_LIST
            producer.add("--skip-gtid-strict-mode");
        }
        producer.add(binlog.toString());
        return withOptionFile(admin, cnf -> runner.pipe(producer, consumer(cnf, to), deadline));
    }

    /** Applies local binlog files from {@code startPos} of the first one to the end of the last: a dead primary's tail. */
    CommandRunner.Result applyFiles(List<Path> files, long startPos, Node to, Credential admin, Deadline deadline) {
        List<String> producer = new ArrayList<>(List.of(binlogTool, "--no-defaults", "--start-position=" + startPos));
        if (mariadb) {
            producer.add("--skip-gtid-strict-mode");
        }
        for (Path f : files) {
            producer.add(f.toString());
        }
        return withOptionFile(admin, cnf -> runner.pipe(producer, consumer(cnf, to), deadline));
    }

    /**
     * Copies a remote server's binlog from {@code from} (inclusive of everything after it) to the end of its last
     * binlog, into {@code to}: the dead primary's tail.
     */
    CommandRunner.Result applyRemoteTail(Node source, BinlogCoordinates from, Node to, Credential admin,
                                         Deadline deadline) {
        return withOptionFile(admin, cnf -> {
            List<String> producer = new ArrayList<>(List.of(binlogTool, "--defaults-file=" + cnf,
                    "--read-from-remote-server", "--host=" + source.host(), "--port=" + source.port(),
                    "--protocol=TCP", "--to-last-log", "--start-position=" + from.pos()));
            if (mariadb) {
                producer.add("--skip-gtid-strict-mode");
            }
            producer.add(from.file());
            return runner.pipe(producer, consumer(cnf, to), deadline);
        });
    }

    private List<String> consumer(String cnf, Node to) {
        return List.of(client, "--defaults-file=" + cnf, "--host=" + to.host(), "--port=" + to.port(),
                "--protocol=TCP", "--binary-mode", "--batch", "--max-allowed-packet=1G");
    }

    private interface WithFile {
        CommandRunner.Result run(String path);
    }

    private CommandRunner.Result withOptionFile(Credential admin, WithFile body) {
        String name = "compensation-client.cnf";
        state.write(name, optionFile(admin, tls, mariadb));
        try {
            return body.run(state.path(name));
        } finally {
            state.delete(name);
        }
    }

    /**
     * The client tools' [client] group: the account, and with TLS the same CA, certificate and
     * verification as the agents' own sessions (the tools' --ssl-verify-server-cert checks the chain
     * and the host name), so the password never crosses the network in clear.
     */
    static String optionFile(Credential admin, TlsSettings tls, boolean mariadb) {
        StringBuilder b = new StringBuilder("[client]\nuser=").append(optionValue(admin.user()))
                .append("\npassword=").append(optionValue(admin.password())).append('\n');
        if (tls.enabled()) {
            // MySQL 8's tools know ssl-mode only; MariaDB's know ssl and ssl-verify-server-cert
            b.append(mariadb ? "ssl\n" : "ssl-mode=" + (tls.verifyIdentity() ? "VERIFY_IDENTITY" : "VERIFY_CA") + "\n");
            b.append("ssl-ca=").append(optionValue(tls.ca().toString())).append('\n');
            if (tls.cert() != null) {
                b.append("ssl-cert=").append(optionValue(tls.cert().toString())).append('\n');
            }
            if (tls.key() != null) {
                b.append("ssl-key=").append(optionValue(tls.key().toString())).append('\n');
            }
            if (mariadb && tls.verifyIdentity()) {
                b.append("ssl-verify-server-cert\n");
            }
        }
        return b.toString();
    }

    /** Option-file values are quoted so that '#', spaces and quotes survive. */
    static String optionValue(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
