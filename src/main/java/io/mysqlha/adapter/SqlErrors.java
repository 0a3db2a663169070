package io.mysqlha.adapter;

import io.mysqlha.port.SqlException;

/** Server error codes mapped to the kinds decisions use; shared by both SQL clients. */
final class SqlErrors {
    private SqlErrors() {}

    static SqlException.Kind kindOf(int code) {
        if (code == 1040 || code == 1203 || code == 1226 || code == 1205 || code == 1135 || code == 1041) {
            // too many connections, user limits, lock wait, out of memory: overloaded but alive
            return SqlException.Kind.BUSY;
        }
        if (code == 1045 || code == 1044 || code == 1142 || code == 1227 || code == 1370 || code == 1130) {
            return SqlException.Kind.ACCESS;
        }
        if (code == 3024 || code == 1969) {
            return SqlException.Kind.TIMEOUT;
        }
        return code > 0 ? SqlException.Kind.SERVER : SqlException.Kind.OTHER;
    }
}
