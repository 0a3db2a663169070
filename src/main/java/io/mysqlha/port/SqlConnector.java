package io.mysqlha.port;

/** Opens SQL sessions. */
public interface SqlConnector {
    /**
     * Connects to {@code host:port} as {@code user}; all waiting is bounded by {@code deadline}.
     *
     * @throws SqlException classified failure
     */
    SqlSession connect(String host, int port, Credential credential, Deadline deadline);
}
