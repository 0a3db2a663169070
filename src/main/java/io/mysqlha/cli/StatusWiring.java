package io.mysqlha.cli;

import io.mysqlha.adapter.CredentialsFile;
import io.mysqlha.adapter.FileLocalState;
import io.mysqlha.adapter.JdbcSqlConnector;
import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.agent.MysqlAgent;
import io.mysqlha.agent.MysqlParams;
import io.mysqlha.model.TlsSettings;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.Params;
import io.mysqlha.port.Clock;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.status.ClusterStatus;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Wires {@link ClusterStatus} to the real tools: Pacemaker's CLI, Connector/J with the resource's TLS
 * settings, the monitor account of the resource's credentials file, the resource's state directory.
 */
final class StatusWiring {
    private StatusWiring() {}

    /** {@code credentials}: a file that overrides the resource's credentials_file, or null. */
    static ClusterStatus clusterStatus(Path credentials) {
        return new ClusterStatus(new ClusterStatus.Ports(new ProcessCommandRunner(),
                cfg -> {
                    warmUp();
                    return connector(cfg.params());
                },
                cfg -> CredentialsFile.load(credentials != null ? credentials
                        : Path.of(cfg.param("credentials_file", "/etc/mysqlha/credentials.json")))
                        .withTls(tlsOrOff(cfg.params())).monitor(),
                cfg -> new FileLocalState(Path.of(cfg.param("state_dir", "/var/lib/mysqlha"), cfg.primitive()), false),
                Clock.SYSTEM));
    }

    /**
     * Loads Connector/J's classes before any node's bound starts: in a fresh JVM they take a second or two on
     * a small machine, which would otherwise count against every node at once and show live nodes unreachable.
     */
    static void warmUp() {
        for (String c : new String[]{"com.mysql.cj.jdbc.Driver", "com.mysql.cj.jdbc.ConnectionImpl",
                "com.mysql.cj.protocol.a.NativeProtocol", "com.mysql.cj.jdbc.result.ResultSetImpl"}) {
            try {
                Class.forName(c, true, StatusWiring.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // a driver without that class still works: only the timing of its first connect changes
            }
        }
    }

    /**
     * The resource's tls parameters as the agent reads them. A bad value (an unknown mode, a missing CA file)
     * is an error naming the parameter, never "off": a password would then cross the network in clear where
     * the operator asked for TLS.
     */
    static TlsSettings tls(Map<String, String> params) {
        Map<String, String> env = new HashMap<>();
        params.forEach((k, v) -> env.put("OCF_RESKEY_" + k, v));
        return MysqlAgent.tlsSettings(Params.resolve(OcfEnv.of(env), MysqlParams.PARAMS));
    }

    /** A connector with the resource's TLS, or one whose every connect fails saying why the TLS is unusable. */
    static SqlConnector connector(Map<String, String> params) {
        TlsSettings t;
        try {
            t = tls(params);
        } catch (RuntimeException e) {
            String why = "the resource's TLS parameters are unusable: " + e.getMessage();
            return (host, port, credential, deadline) -> {
                throw new SqlException(SqlException.Kind.OTHER, 0, why, null);
            };
        }
        return new JdbcSqlConnector(t);
    }

    /** For the credentials only (which key exchange a password may use): the connector refuses a bad TLS. */
    private static TlsSettings tlsOrOff(Map<String, String> params) {
        try {
            return tls(params);
        } catch (RuntimeException e) {
            return TlsSettings.OFF;
        }
    }
}
