package io.mysqlha.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real MariaDB servers on loopback under a temporary directory, driven through the {@code ra/mysql} shim
 * with the environment Pacemaker passes. The cluster side runs in standalone mode (a directory of files),
 * so the agent's SQL, process and state handling are exercised for real; Pacemaker itself is exercised by
 * the lab tests.
 */
public final class Sandbox implements AutoCloseable {
    public static final String ADMIN = "mysqlha_admin";
    public static final String ADMIN_PW = "admin-pw";

    private final Path root;
    private final Path basedir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Path credentials;
    private Process service;
    private Path tls;
    private Path serviceSocket;
    private final java.util.concurrent.atomic.AtomicLong agentRuns = new java.util.concurrent.atomic.AtomicLong();

    /** A result of one agent action. */
    public record Run(int rc, String stderr, long millis) {
        @Override
        public String toString() {
            return "rc=" + rc + " (" + millis + " ms) " + stderr.strip();
        }
    }

    /**
     * A sandbox for a test class, or the class is skipped (with the reason) where servers cannot run: no
     * mariadb-server installed, or not root (the servers run as user mysql).
     */
    public static Sandbox forTests(String name, String... nodes) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(available(), "mariadb-server is not installed");
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root (servers run as user mysql)");
        return new Sandbox(name, nodes);
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/mariadbd")) && Files.isExecutable(Path.of("/usr/bin/mariadb-install-db"));
    }

    public static Path basedir() {
        return Path.of(System.getProperty("mysqlha.basedir", ".")).toAbsolutePath().normalize();
    }

    public Sandbox(String name, String... nodes) throws Exception {
        basedir = basedir();
        root = basedir.resolve("target/it").resolve(name);
        deleteTree(root);
        Files.createDirectories(root);
        Path seed = seed(basedir.resolve("target/it/seed"));
        credentials = root.resolve("credentials.json");
        Files.writeString(credentials, "{\"admin\":{\"user\":\"" + ADMIN + "\",\"password\":\"" + ADMIN_PW + "\"},"
                + "\"replication\":{\"user\":\"mysqlha_repl\",\"password\":\"repl-pw\"},"
                + "\"monitor\":{\"user\":\"mysqlha_monitor\",\"password\":\"monitor-pw\"}}\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        int id = 1;
        for (String n : nodes) {
            int port = freePort();
            ports.put(n, port);
            Path nd = root.resolve(n);
            Files.createDirectories(nd.resolve("data"));
            Files.createDirectories(nd.resolve("run"));
            sh("cp", "-a", seed + "/.", nd.resolve("data").toString());
            Files.writeString(nd.resolve("my.cnf"), String.join("\n",
                    "[mysqld]", "server-id=" + id++, "log-bin=mysql-bin", "log-slave-updates=ON", "binlog-format=ROW",
                    "gtid-strict-mode=ON", "sync-binlog=1", "innodb-flush-log-at-trx-commit=1", "relay-log=relay-bin",
                    "relay-log-recovery=ON", "bind-address=127.0.0.1", "skip-name-resolve", "innodb-buffer-pool-size=16M",
                    "innodb-log-file-size=16M", "performance-schema=OFF", "log-error=" + nd.resolve("error.log"), ""));
        }
        sh("chown", "-R", "mysql:mysql", root.toString());
        sh("chown", "root:root", credentials.toString());
    }

    /** A datadir with the system schema and the agent's accounts, made once and copied for every node. */
    private static synchronized Path seed(Path seed) throws Exception {
        if (Files.isDirectory(seed.resolve("data/mysql")) && Files.exists(seed.resolve("done"))) {
            return seed.resolve("data");
        }
        deleteTree(seed);
        Files.createDirectories(seed.resolve("data"));
        sh("chown", "-R", "mysql:mysql", seed.toString());
        sh("mariadb-install-db", "--no-defaults", "--datadir=" + seed.resolve("data"), "--user=mysql",
                "--auth-root-authentication-method=normal", "--skip-test-db");
        Path sock = seed.resolve("seed.sock");
        Process p = new ProcessBuilder("/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + seed.resolve("data"),
                "--user=mysql", "--skip-networking", "--socket=" + sock, "--pid-file=" + seed.resolve("seed.pid"),
                "--log-bin=mysql-bin", "--server-id=1", "--innodb-buffer-pool-size=16M")
                .redirectErrorStream(true).redirectOutput(seed.resolve("seed.log").toFile()).start();
        try {
            String sql = "CREATE USER '" + ADMIN + "'@'%' IDENTIFIED BY '" + ADMIN_PW + "';"
                    + "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN + "'@'%' WITH GRANT OPTION;"
                    + "CREATE USER 'mysqlha_repl'@'%' IDENTIFIED BY 'repl-pw';"
                    + "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SLAVE MONITOR, BINLOG MONITOR ON *.* TO 'mysqlha_repl'@'%';"
                    + "CREATE USER 'mysqlha_monitor'@'%' IDENTIFIED BY 'monitor-pw';"
                    + "GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, BINLOG MONITOR ON *.* TO 'mysqlha_monitor'@'%';"
                    + "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'; CREATE DATABASE app;"
                    + "GRANT ALL ON app.* TO 'app'@'%';";
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                ProcessBuilder pb = new ProcessBuilder("mariadb", "-S", sock.toString(), "-uroot", "-e", sql);
                pb.redirectErrorStream(true);
                Process c = pb.start();
                String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (c.waitFor() == 0) {
                    break;
                }
                if (System.nanoTime() > end || !p.isAlive()) {
                    throw new IllegalStateException("seed server did not accept the accounts: " + out
                            + Files.readString(seed.resolve("seed.log")));
                }
                Thread.sleep(200);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        Files.writeString(seed.resolve("done"), "");
        return seed.resolve("data");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public Path root() {
        return root;
    }

    public Path node(String n) {
        return root.resolve(n);
    }

    public int port(String n) {
        return ports.get(n);
    }

    public List<String> nodes() {
        return new ArrayList<>(ports.keySet());
    }

    public Path credentials() {
        return credentials;
    }

    /**
     * Makes every server require TLS (require_secure_transport=ON, ssl-ca/ssl-cert/ssl-key) with
     * certificates made here by openssl: a CA, a server certificate for 127.0.0.1 (its SAN), a client
     * certificate; plus a second CA that signed nothing of this and an expired server certificate, for the
     * failure tests. The agents get tls=verify_identity with that CA and the client certificate. Call it
     * before the servers start.
     */
    public Sandbox withTls() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "openssl is not installed (test-harness/setup installs it)");
        tls = root.resolve("tls");
        Files.createDirectories(tls);
        String d = tls.toString();
        Files.writeString(tls.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        Files.writeString(tls.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        sh("sh", "-c", "set -e; cd " + d + ";"
                + " openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=mysqlha-it-ca;"
                + " openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=other-ca;"
                + " openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1;"
                + " openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext;"
                + " openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out expired-server.pem -days -1 -extfile server.ext;"
                + " openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=mysqlha-agent;"
                + " openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 -extfile client.ext;"
                + " openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out expired-client.pem -days -1 -extfile client.ext;"
                + " chmod 600 *.key");
        for (String n : ports.keySet()) {
            Files.writeString(root.resolve(n).resolve("my.cnf"), String.join("\n", "ssl-ca=" + tls.resolve("ca.pem"),
                    "ssl-cert=" + tls.resolve("server.pem"), "ssl-key=" + tls.resolve("server.key"),
                    "require-secure-transport=ON", ""), java.nio.file.StandardOpenOption.APPEND);
        }
        // the servers read their key and, as replicas, the client key: owned by their user, 0600
        sh("chown", "-R", "mysql:mysql", root.toString());
        sh("chown", "root:root", credentials.toString());
        return this;
    }

    /** The JDBC URL option for the tests' own sessions: encrypted where the servers require it. */
    public String clientTls() {
        return "sslMode=" + (tls != null ? "REQUIRED" : "DISABLED");
    }

    /** The directory of this sandbox's certificates, or null without TLS. */
    public Path tls() {
        return tls;
    }

    /** The environment Pacemaker passes to the agent on node {@code n}. */
    public Map<String, String> env(String n) {
        Map<String, String> e = new HashMap<>();
        e.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        e.put("OCF_ROOT", "/usr/lib/ocf");
        e.put("OCF_RESOURCE_INSTANCE", "db");
        e.put("MYSQLHA_STANDALONE_DIR", root.resolve("cluster").toString());
        e.put("MYSQLHA_NODE", n);
        // every action through this sandbox's node service when it has one, else in a fresh JVM
        if (serviceSocket != null) {
            e.put("MYSQLHA_SOCKET", serviceSocket.toString());
        } else {
            e.put("MYSQLHA_SERVICE", "off");
        }
        e.put("HA_LOGFILE", root.resolve("agent.log").toString());
        Path nd = root.resolve(n);
        e.put("OCF_RESKEY_config", nd.resolve("my.cnf").toString());
        e.put("OCF_RESKEY_datadir", nd.resolve("data").toString());
        e.put("OCF_RESKEY_pid", nd.resolve("run/mysqld.pid").toString());
        e.put("OCF_RESKEY_socket", nd.resolve("run/mysqld.sock").toString());
        e.put("OCF_RESKEY_port", Integer.toString(ports.get(n)));
        e.put("OCF_RESKEY_state_dir", nd.resolve("state").toString());
        e.put("OCF_RESKEY_credentials_file", credentials.toString());
        StringBuilder addrs = new StringBuilder();
        ports.forEach((k, v) -> addrs.append(k).append("=127.0.0.1:").append(v).append(' '));
        e.put("OCF_RESKEY_node_addresses", addrs.toString().trim());
        e.put("OCF_RESKEY_ha_nodes", String.join(" ", ports.keySet()));
        e.put("OCF_RESKEY_CRM_meta_timeout", "60000");
        e.put("OCF_RESKEY_CRM_meta_interval", "3000");
        e.put("OCF_RESKEY_CRM_meta_notify", "true");
        e.put("OCF_RESKEY_CRM_meta_promoted_max", "1");
        e.put("OCF_RESKEY_CRM_meta_promotable", "true");
        e.put("OCF_RESKEY_CRM_meta_clone_max", Integer.toString(ports.size()));
        if (tls != null) {
            e.put("OCF_RESKEY_tls", "verify_identity");
            e.put("OCF_RESKEY_tls_ca", tls.resolve("ca.pem").toString());
            e.put("OCF_RESKEY_tls_cert", tls.resolve("client.pem").toString());
            e.put("OCF_RESKEY_tls_key", tls.resolve("client.key").toString());
        }
        return e;
    }

    /** Runs {@code ra/mysql <action>} for node {@code n}; {@code extra} overrides the environment (null removes). */
    public Run agent(String n, String action, Map<String, String> extra) {
        Map<String, String> env = env(n);
        extra.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        agentRuns.incrementAndGet();
        return run(env, basedir.resolve("ra/mysql").toString(), action);
    }

    /** How many actions {@link #agent} has run. */
    public long agentRuns() {
        return agentRuns.get();
    }

    public Run agent(String n, String action) {
        return agent(n, action, Map.of());
    }

    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    public static Run run(Map<String, String> env, String... argv) {
        String record = System.getenv("MYSQLHA_RECORD_CDS");
        if (record != null && !record.isEmpty()) {
            // test-harness/record-cds-classes: each agent run lists the classes it loaded
            env = new HashMap<>(env);
            env.put("MYSQLHA_JAVA_OPTS", "-XX:DumpLoadedClassList=" + record + "/run-" + ProcessHandle.current().pid()
                    + "-" + RUNS.incrementAndGet() + ".lst");
        }
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        try {
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " hung");
            }
            return new Run(p.exitValue(), err, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An admin JDBC connection to node {@code n}. */
    public Connection sql(String n) throws SQLException {
        // the test's own sessions: encrypted where the servers require it (not verified: they check the agent)
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + ports.get(n) + "/?" + clientTls()
                + "&allowPublicKeyRetrieval=true&connectTimeout=5000&socketTimeout=30000", ADMIN, ADMIN_PW);
    }

    public String scalar(String n, String query) throws SQLException {
        try (Connection c = sql(n); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The first row of {@code query} (empty when there is none). */
    public Map<String, String> row(String n, String query) throws SQLException {
        List<Map<String, String>> all = rows(n, query);
        return all.isEmpty() ? new LinkedHashMap<>() : all.get(0);
    }

    /** Every row of {@code query}, each as column label to value. */
    public List<Map<String, String>> rows(String n, String query) throws SQLException {
        try (Connection c = sql(n); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            List<Map<String, String>> all = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    m.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                all.add(m);
            }
            return all;
        }
    }

    public void exec(String n, String... statements) throws SQLException {
        try (Connection c = sql(n); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Runs one statement on node n in the background (a commit that waits for a semi-sync ACK, say). */
    public java.util.concurrent.CompletableFuture<Void> execAsync(String n, String statement) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                exec(n, statement);
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** Whether a process lives (a zombie, which nothing may reap here, does not). */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** The PID of node {@code n}'s server, or -1. */
    public long pid(String n) {
        try {
            long pid = Long.parseLong(Files.readString(root.resolve(n).resolve("run/mysqld.pid")).trim());
            return alive(pid) ? pid : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    public String clusterFile(String name) throws IOException {
        Path f = root.resolve("cluster").resolve(name);
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /**
     * Starts a node service (ra/mysqlhad) for this sandbox, as a node's supervisor would; from now on the
     * agent runs go through it (while it answers; after {@link #killService()} they fall back to a JVM).
     */
    public Sandbox startService() throws IOException, InterruptedException {
        Path sock = root.resolve("svc/agent.sock");
        if (sock.toString().length() > 100) {
            sock = Path.of("/tmp/mysqlha-it-" + root.getFileName() + "/agent.sock");
        }
        ProcessBuilder pb = new ProcessBuilder(basedir.resolve("ra/mysqlhad").toString(), "--socket", sock.toString(),
                "--overrun-grace-s", "20");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("mysqlhad.log").toFile()));
        service = pb.start();
        for (int i = 0; i < 200 && !io.mysqlha.service.ServiceClient.answers(sock); i++) {
            if (!service.isAlive()) {
                throw new IllegalStateException("mysqlhad exited: " + Files.readString(root.resolve("mysqlhad.log")));
            }
            Thread.sleep(50);
        }
        serviceSocket = sock;
        return this;
    }

    /** SIGKILLs the node service (it leaves its socket file behind, as a crash does). */
    public void killService() throws InterruptedException {
        if (service != null) {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    public Path serviceSocket() {
        return serviceSocket;
    }

    /** How many requests the running node service has accepted, from {@code mysqlha service status}. */
    public long serviceAccepted() throws IOException {
        String out = io.mysqlha.service.ServiceClient.call(serviceSocket, new io.mysqlha.service.Protocol.Request(
                ProcessHandle.current().pid(), List.of("status"), Map.of()), null, null).out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("requests:\\s+(\\d+) accepted").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no request count in: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() {
        for (String n : ports.keySet()) {
            long pid = pid(n);
            if (pid > 0) {
                sh("kill", "-CONT", Long.toString(pid));
                agent(n, "stop");
            }
        }
        // anything left (a test that failed half-way): by PID of our datadirs
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(root.toString())).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
        }
        if (service != null) {
            service.destroy();
        }
    }

    /** Runs a command and returns its standard output; fails on a non-zero exit. */
    static String output(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
