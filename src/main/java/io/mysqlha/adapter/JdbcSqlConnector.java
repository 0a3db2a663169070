package io.mysqlha.adapter;

import com.mysql.cj.jdbc.NonRegisteringDriver;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;
import io.mysqlha.model.TlsSettings;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * SQL sessions over MySQL Connector/J, tuned for short sessions (one per action and server). With TLS
 * configured every session is encrypted and the server verified before the password is sent, and the
 * driver never asks a server for its RSA key (caching_sha2_password then sends the password inside TLS).
 */
public final class JdbcSqlConnector implements SqlConnector {
    private final TlsSettings tls;
    private volatile TlsSocketFactory.Settings tlsContext;

    /** Plain connections (tls=off). */
    public JdbcSqlConnector() {
        this(TlsSettings.OFF);
    }

    public JdbcSqlConnector(TlsSettings tls) {
        this.tls = tls;
    }

    /** The TLS context, built once from the PEM files (ERR_CONFIGURED naming a bad file). */
    private TlsSocketFactory.Settings tlsContext() {
        TlsSocketFactory.Settings c = tlsContext;
        if (c == null) {
            c = new TlsSocketFactory.Settings(PemTls.context(tls), tls.verifyIdentity());
            tlsContext = c;
        }
        return c;
    }

    @Override
    public SqlSession connect(String host, int port, Credential credential, Deadline deadline) {
        long ms = Math.max(200, deadline.remainingMillis());
        Properties p = new Properties();
        p.setProperty("user", credential.user());
        p.setProperty("password", credential.password());
        p.setProperty("connectTimeout", Long.toString(ms));
        p.setProperty("socketTimeout", Long.toString(ms));
        TlsSocketFactory.Settings ctx = null;
        if (tls.enabled()) {
            ctx = tlsContext();
            // REQUIRED: the driver insists on TLS and fails if the server offers none; the verification
            // (chain, expiry, host name) is TlsSocketFactory's, with the CA given in PEM
            p.setProperty("sslMode", "REQUIRED");
            p.setProperty("socketFactory", TlsSocketFactory.class.getName());
            p.setProperty("allowPublicKeyRetrieval", "false");
        } else {
            p.setProperty("sslMode", "DISABLED");
            // tls=off is for a network the operator trusts: caching_sha2_password accounts need the key
            p.setProperty("allowPublicKeyRetrieval", "true");
        }
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
            TlsSocketFactory.CURRENT.set(ctx);
            Connection c = new NonRegisteringDriver().connect(url, p);
            return new JdbcSqlSession(c, deadline);
        } catch (SQLException e) {
            throw classify(e, "connect to " + host + ":" + port + " as " + credential.user());
        } finally {
            TlsSocketFactory.CURRENT.remove();
        }
    }

    /**
     * What went wrong in a TLS handshake, in words an operator acts on (the certificate that failed and
     * why), or null when the failure was not TLS.
     */
    static String tlsProblem(Throwable e) {
        javax.net.ssl.SSLException ssl = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return "the server's certificate (or its CA) has expired: " + t.getMessage();
            }
            if (t instanceof java.security.cert.CertificateNotYetValidException) {
                return "the server's certificate is not valid yet: " + t.getMessage();
            }
            if (t instanceof java.security.cert.CertificateException && t.getMessage() != null
                    && t.getMessage().startsWith("No subject alternative")) {
                return "the server's certificate does not name this host (tls=verify_identity): " + t.getMessage();
            }
            if (t instanceof java.security.cert.CertPathValidatorException v
                    && v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.EXPIRED) {
                return "the server's certificate (or its CA) has expired (" + t.getMessage() + ")";
            }
            if (t instanceof java.security.cert.CertPathValidatorException v
                    && v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return "the server's certificate is not valid yet (" + t.getMessage() + ")";
            }
            if (t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return "the server's certificate is not signed by tls_ca (" + t.getMessage() + ")";
            }
            if (t instanceof javax.net.ssl.SSLException s && ssl == null) {
                ssl = s;
            }
        }
        if (ssl != null) {
            return "handshake failed: " + ssl.getMessage();
        }
        String m = e.getMessage();
        if (m != null && m.contains("SSL connection required") || m != null && m.contains("does not support SSL")) {
            return "the server offers no TLS (it has no ssl-cert/ssl-key): " + m;
        }
        return null;
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
        String tlsProblem = tlsProblem(e);
        if (tlsProblem != null) {
            return new SqlException(SqlException.Kind.OTHER, code, what + ": TLS: " + tlsProblem, e);
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        return new SqlException(kind, code, what + ": " + msg + (code > 0 ? " (error " + code + ")" : ""), e);
    }
}
