package io.mysqlha.model;

/**
 * A replication position: a MariaDB GTID list, a MySQL GTID set, or primary binlog coordinates. Elections
 * and subset checks compare positions of the same kind only.
 */
public sealed interface Position permits MariaGtidPos, MysqlGtidSet, BinlogCoordinates {
    /** How this position relates to another of the same kind; DIVERGED for positions of another kind. */
    Order compareTo(Position other);

    /** True when the position holds nothing (a fresh server). */
    boolean isEmpty();

    /** The canonical text form, as the server prints it. */
    String text();

    /** Parses the canonical text of any kind: "file:pos", "d-s-n,...", "uuid:1-5,...". */
    static Position parse(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return MariaGtidPos.EMPTY;
        }
        if (BinlogCoordinates.looksLike(t)) {
            return BinlogCoordinates.parse(t);
        }
        if (t.indexOf(':') > 0) {
            return MysqlGtidSet.parse(t);
        }
        return MariaGtidPos.parse(t);
    }
}
