package io.mysqlha.port;

import java.util.List;
import java.util.Map;

/** One SQL connection to a server. Every call is bounded by the deadline the session was opened with. */
public interface SqlSession extends AutoCloseable {

    /** Rows as column label to text (SQL NULL as null); throws SqlException on failure or timeout. */
    List<Map<String, String>> query(String sql);

    /** The single row of a query, or null when it returned none. */
    default Map<String, String> queryRow(String sql) {
        List<Map<String, String>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Runs a statement. */
    void execute(String sql);

    /**
     * Runs a statement that holds a secret; {@code description} replaces the statement text in any
     * error message or log line.
     */
    void executeSecret(String sql, String description);

    /** The server's version string from the handshake (no round trip). */
    String serverVersion();

    /** Replaces the bound for the calls that follow. */
    void bound(Deadline deadline);

    @Override
    void close();
}
