package io.mysqlha.binlog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * QUERY_EVENT: a statement (BEGIN, COMMIT, DDL, statement-based DML).
 *
 * @param threadId  the originating connection id
 * @param execTime  seconds the statement took
 * @param errorCode error the statement got on the primary (0 normally)
 * @param database  the default database, empty if none
 * @param sql       the statement's bytes; binary literals make it not necessarily valid UTF-8
 */
public record Query(long threadId, long execTime, int errorCode, String database, byte[] sql) implements EventData {
    public Query {
        sql = sql.clone();
    }

    @Override
    public byte[] sql() {
        return sql.clone();
    }

    /** The statement as text, undecodable bytes replaced: for logs and for recognising BEGIN/COMMIT. */
    public String sqlText() {
        return new String(sql, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Query q && threadId == q.threadId && execTime == q.execTime
                && errorCode == q.errorCode && database.equals(q.database) && Arrays.equals(sql, q.sql);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sql);
    }

    @Override
    public String toString() {
        String text = sqlText();
        return "Query[db=" + database + ", sql=" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "]";
    }
}
