package io.mysqlha.rt;

import com.mysql.cj.jdbc.NonRegisteringDriver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Application clients: writers that insert unique keys through the writer VIP, readers that read through
 * the reader VIP. One connection per client, reopened after any error; every operation recorded. The table
 * has a surrogate primary key and an unindexed-unique client key {@code k}, so a write applied twice (by a
 * replay during failover) shows up as a duplicate instead of being refused.
 */
public final class Workload {
    static final int CONNECT_TIMEOUT_MS = 1000;
    private final Target.AppAccount app;
    private final String writerVip;
    private final String readerVip;
    private final String table;
    private final History history;
    private final int writers;
    private final int readers;
    private final long intervalMs;
    private final int socketTimeoutMs;
    private final AtomicLong nextKey;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile int iteration;

    public Workload(Target.AppAccount app, String writerVip, String readerVip, String table, History history,
            int writers, int readers, long intervalMs, int socketTimeoutMs, long firstKey) {
        this.app = app;
        this.writerVip = writerVip;
        this.readerVip = readerVip;
        this.table = table;
        this.history = history;
        this.writers = writers;
        this.readers = readers;
        this.intervalMs = intervalMs;
        this.socketTimeoutMs = socketTimeoutMs;
        this.nextKey = new AtomicLong(firstKey);
    }

    public String table() {
        return table;
    }

    Connection connect(String host) throws SQLException {
        return connect(host, socketTimeoutMs);
    }

    Connection connect(String host, int socketTimeoutMs) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", app.user());
        p.setProperty("password", app.password());
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MS));
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutMs));
        // encrypted where the servers require it; the harness's writer does not verify the server's
        // certificate (Connector/J reads a Java keystore, the lab has PEM files): the agents do
        p.setProperty("sslMode", app.tls() ? "REQUIRED" : "DISABLED");
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("autoReconnect", "false");
        p.setProperty("connectionAttributes", "none");
        Connection c = new NonRegisteringDriver().connect("jdbc:mysql://" + host + ":3306/" + app.database(), p);
        if (c == null) {
            throw new SQLException("driver refused the URL");
        }
        return c;
    }

    /** Every key in the table with its row count, read through the writer VIP (the application's view). */
    public java.util.Map<Long, Integer> readBack(int timeoutMs) throws SQLException {
        java.util.Map<Long, Integer> m = new java.util.HashMap<>();
        try (Connection c = connect(writerVip, timeoutMs); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT k, COUNT(*) FROM " + table + " GROUP BY k")) {
            while (rs.next()) {
                m.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return m;
    }

    /** Creates the run's table through the writer VIP; retries for up to timeoutMs. */
    public void createTable(long timeoutMs) throws SQLException {
        long end = System.currentTimeMillis() + timeoutMs;
        SQLException last = null;
        while (System.currentTimeMillis() < end) {
            try (Connection c = connect(writerVip); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (seq BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "k BIGINT NOT NULL, worker VARCHAR(16) NOT NULL, at DATETIME(6) NOT NULL, "
                        + "server VARCHAR(64) NOT NULL, KEY (k)) ENGINE=InnoDB");
                return;
            } catch (SQLException e) {
                last = e;
                sleep(500);
            }
        }
        throw last != null ? last : new SQLException("no time to create " + table);
    }

    public void start(int iteration) {
        this.iteration = iteration;
        running = true;
        for (int i = 0; i < writers; i++) {
            String name = "w" + i;
            threads.add(startThread(name, () -> writeLoop(name)));
        }
        if (readerVip != null) {
            for (int i = 0; i < readers; i++) {
                String name = "r" + i;
                threads.add(startThread(name, () -> readLoop(name)));
            }
        }
    }

    /** Stops every client and waits for the operations in flight to complete (bounded by the socket timeout). */
    public void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(socketTimeoutMs + CONNECT_TIMEOUT_MS + 2000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    private static Thread startThread(String name, Runnable r) {
        Thread t = new Thread(r, "rt-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void writeLoop(String name) {
        Connection c = null;
        while (running) {
            long key = nextKey.getAndIncrement();
            long t0 = System.currentTimeMillis();
            boolean sent = false;
            try {
                if (c == null) {
                    c = connect(writerVip);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (k, worker, at, server) VALUES (?, ?, NOW(6), @@hostname)")) {
                    ps.setLong(1, key);
                    ps.setString(2, name);
                    sent = true;
                    ps.executeUpdate();
                }
                String server = serverOf(c);
                history.add(new Op(iteration, name, Op.Kind.WRITE, key, Op.Type.OK, t0, System.currentTimeMillis(),
                        server, null));
            } catch (SQLException e) {
                history.add(new Op(iteration, name, Op.Kind.WRITE, key, classify(e, sent), t0,
                        System.currentTimeMillis(), null, describe(e)));
                c = close(c);
                sleep(intervalMs);
            }
            sleep(intervalMs);
        }
        close(c);
    }

    private String serverOf(Connection c) {
        // which server acknowledged: asked on the same connection, after the commit (evidence only)
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@hostname")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    private void readLoop(String name) {
        Connection c = null;
        while (running) {
            long t0 = System.currentTimeMillis();
            try {
                if (c == null) {
                    c = connect(readerVip);
                }
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT @@hostname, COUNT(*) FROM " + table)) {
                    rs.next();
                    history.add(new Op(iteration, name, Op.Kind.READ, rs.getLong(2), Op.Type.OK, t0,
                            System.currentTimeMillis(), rs.getString(1), null));
                }
            } catch (SQLException e) {
                // a read changes nothing: any failure is a fail
                history.add(new Op(iteration, name, Op.Kind.READ, -1, Op.Type.FAIL, t0, System.currentTimeMillis(),
                        null, describe(e)));
                c = close(c);
            }
            sleep(intervalMs * 2);
        }
        close(c);
    }

    /**
     * FAIL only when the write certainly did not happen: never sent (no connection), or refused by the server
     * before it ran (read-only, access, unknown table). A lost connection, a timeout or a killed session after
     * the statement was sent is INFO: with semi-sync AFTER_SYNC the server may have committed it.
     */
    static Op.Type classify(SQLException e, boolean sent) {
        if (!sent) {
            return Op.Type.FAIL;
        }
        int code = e.getErrorCode();
        if (code == 1290 || code == 1836 || code == 1045 || code == 1044 || code == 1142 || code == 1146
                || code == 1205 || code == 1213) {
            return Op.Type.FAIL;
        }
        return Op.Type.INFO;
    }

    static String describe(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        String kind = e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                ? "connection" : "sql";
        return kind + " " + e.getErrorCode() + ": " + (m.length() > 140 ? m.substring(0, 140) : m);
    }

    private static Connection close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already broken
            }
        }
        return null;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
