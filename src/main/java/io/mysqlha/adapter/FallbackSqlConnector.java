package io.mysqlha.adapter;

import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;

/** The fast client first; Connector/J when the server asks for what the fast one does not speak. */
public final class FallbackSqlConnector implements SqlConnector {
    private final SqlConnector first;
    private final SqlConnector second;

    public FallbackSqlConnector(SqlConnector first, SqlConnector second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public SqlSession connect(String host, int port, Credential credential, Deadline deadline) {
        try {
            return first.connect(host, port, credential, deadline);
        } catch (SqlException e) {
            if (e.getCause() instanceof WireProtocol.Unsupported) {
                return second.connect(host, port, credential, deadline);
            }
            throw e;
        }
    }
}
