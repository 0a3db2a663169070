package io.mysqlha.adapter;

import com.mysql.cj.jdbc.NonRegisteringDriver;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** SQL sessions over MySQL Connector/J, tuned for short sessions (one per action and server). */
public final class JdbcSqlConnector implements SqlConnector {

    @Override
    public SqlSession connect(String host, int port, Credential credential, Deadline deadline) {
        long ms = Math.max(200, deadline.remainingMillis());
        Properties p = new Properties();
        p.setProperty("user", credential.user());
        p.setProperty("password", credential.password());
        p.setProperty("connectTimeout", Long.toString(ms));
        p.setProperty("socketTimeout", Long.toString(ms));
        p.setProperty("sslMode", "DISABLED");
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("connectionAttributes", "none");
        p.setProperty("useLocalSessionState", "true");
        p.setProperty("elideSetAutoCommits", "true");
        p.setProperty("cacheDefaultTimeZone", "true");
        p.setProperty("maintainTimeStats", "false");
        p.setProperty("autoReconnect", "false");
        p.setProperty("dumpQueriesOnException", "false");
        p.setProperty("tcpKeepAlive", "true");
        String url = "jdbc:mysql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
        try {
            // the driver directly: no DriverManager service scan on the action path
            Connection c = new NonRegisteringDriver().connect(url, p);
            return new JdbcSqlSession(c, deadline);
        } catch (SQLException e) {
            throw classify(e, "connect to " + host + ":" + port + " as " + credential.user());
        }
    }

    /** Maps driver and server errors to a kind the decisions understand. */
    static SqlException classify(SQLException e, String what) {
        int code = e.getErrorCode();
        SqlException.Kind kind;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            kind = SqlException.Kind.REFUSED;
        } else if (root instanceof SocketTimeoutException || e instanceof java.sql.SQLTimeoutException) {
            kind = SqlException.Kind.TIMEOUT;
        } else if (code > 0) {
            kind = SqlErrors.kindOf(code);
        } else if ("08001".equals(e.getSQLState()) || "08S01".equals(e.getSQLState())) {
            kind = root instanceof SocketTimeoutException ? SqlException.Kind.TIMEOUT : SqlException.Kind.REFUSED;
        } else {
            kind = SqlException.Kind.OTHER;
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        return new SqlException(kind, code, what + ": " + msg + (code > 0 ? " (error " + code + ")" : ""), e);
    }
}
