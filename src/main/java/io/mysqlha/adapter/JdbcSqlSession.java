package io.mysqlha.adapter;

import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One JDBC connection; each call re-bounds the socket timeout to the time left. */
final class JdbcSqlSession implements SqlSession {
    private final Connection conn;
    private Deadline deadline;

    JdbcSqlSession(Connection conn, Deadline deadline) {
        this.conn = conn;
        this.deadline = deadline;
    }

    @Override
    public void bound(Deadline d) {
        this.deadline = d;
    }

    private Statement statement(String what) throws SQLException {
        long ms = deadline.remainingMillis();
        if (ms <= 0) {
            throw new SqlException(SqlException.Kind.TIMEOUT, 0, what + ": no time left in this action", null);
        }
        // the socket timeout is the hard bound; the query timeout lets the server stop the statement too
        conn.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, Math.max(100, ms)));
        Statement st = conn.createStatement();
        st.setQueryTimeout((int) Math.max(1, ms / 1000));
        return st;
    }

    @Override
    public List<Map<String, String>> query(String sql) {
        try (Statement st = statement(sql); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            List<Map<String, String>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw JdbcSqlConnector.classify(e, sql);
        } catch (RuntimeException e) {
            throw aborted(e, sql);
        }
    }

    @Override
    public void execute(String sql) {
        try (Statement st = statement(sql)) {
            st.execute(sql);
        } catch (SQLException e) {
            throw JdbcSqlConnector.classify(e, sql);
        } catch (RuntimeException e) {
            throw aborted(e, sql);
        }
    }

    /**
     * When the network timeout fires, Connector/J (8.4) aborts the connection and may then fail with a
     * NullPointerException while stopping its query timer: that is a timeout, and is reported as one.
     */
    private RuntimeException aborted(RuntimeException e, String what) {
        if (e instanceof SqlException) {
            return e;
        }
        try {
            if (conn.isClosed()) {
                return new SqlException(SqlException.Kind.TIMEOUT, 0, what + ": no answer in time (connection closed)", e);
            }
        } catch (SQLException closed) {
            return new SqlException(SqlException.Kind.TIMEOUT, 0, what + ": no answer in time (connection closed)", e);
        }
        return e;
    }

    @Override
    public void executeSecret(String sql, String description) {
        try (Statement st = statement(description)) {
            st.execute(sql);
        } catch (SQLException e) {
            // the server's message may quote the statement: keep only the code
            throw new SqlException(JdbcSqlConnector.classify(e, description).kind(), e.getErrorCode(),
                    description + " failed (error " + e.getErrorCode() + ", SQLSTATE " + e.getSQLState() + ")", null);
        } catch (RuntimeException e) {
            RuntimeException r = aborted(e, description);
            throw r instanceof SqlException ? new SqlException(SqlException.Kind.TIMEOUT, 0, description
                    + ": no answer in time (connection closed)", null) : new IllegalStateException(description + " failed");
        }
    }

    @Override
    public String serverVersion() {
        try {
            return conn.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            throw JdbcSqlConnector.classify(e, "server version");
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // closing a dead connection: nothing to do
        }
    }
}
