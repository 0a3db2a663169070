package io.mysqlha.binlog;

/**
 * Event type codes (byte 4 of the event header) of MySQL and MariaDB binlog v4. Codes are kept as ints so
 * an event of a type this class does not name is still read, kept as raw bytes and written back.
 */
public final class EventType {
    public static final int UNKNOWN = 0;
    public static final int START_V3 = 1;
    public static final int QUERY = 2;
    public static final int STOP = 3;
    public static final int ROTATE = 4;
    public static final int INTVAR = 5;
    public static final int RAND = 13;
    public static final int USER_VAR = 14;
    public static final int FORMAT_DESCRIPTION = 15;
    public static final int XID = 16;
    public static final int BEGIN_LOAD_QUERY = 17;
    public static final int EXECUTE_LOAD_QUERY = 18;
    public static final int TABLE_MAP = 19;
    public static final int WRITE_ROWS_V1 = 23;
    public static final int UPDATE_ROWS_V1 = 24;
    public static final int DELETE_ROWS_V1 = 25;
    public static final int INCIDENT = 26;
    public static final int HEARTBEAT = 27;
    public static final int IGNORABLE = 28;
    public static final int ROWS_QUERY = 29;
    public static final int WRITE_ROWS = 30;
    public static final int UPDATE_ROWS = 31;
    public static final int DELETE_ROWS = 32;
    public static final int MYSQL_GTID = 33;
    public static final int MYSQL_ANONYMOUS_GTID = 34;
    public static final int MYSQL_PREVIOUS_GTIDS = 35;
    public static final int XA_PREPARE = 38;
    public static final int MARIADB_ANNOTATE_ROWS = 160;
    public static final int MARIADB_BINLOG_CHECKPOINT = 161;
    public static final int MARIADB_GTID = 162;
    public static final int MARIADB_GTID_LIST = 163;
    public static final int MARIADB_START_ENCRYPTION = 164;
    public static final int MARIADB_QUERY_COMPRESSED = 165;

    private EventType() {
    }

    /** A readable name for a type code, {@code "TYPE_<code>"} for codes this class does not name. */
    public static String name(int code) {
        return switch (code) {
            case START_V3 -> "START_V3";
            case QUERY -> "QUERY";
            case STOP -> "STOP";
            case ROTATE -> "ROTATE";
            case INTVAR -> "INTVAR";
            case RAND -> "RAND";
            case USER_VAR -> "USER_VAR";
            case FORMAT_DESCRIPTION -> "FORMAT_DESCRIPTION";
            case XID -> "XID";
            case BEGIN_LOAD_QUERY -> "BEGIN_LOAD_QUERY";
            case EXECUTE_LOAD_QUERY -> "EXECUTE_LOAD_QUERY";
            case TABLE_MAP -> "TABLE_MAP";
            case WRITE_ROWS_V1 -> "WRITE_ROWS_V1";
            case UPDATE_ROWS_V1 -> "UPDATE_ROWS_V1";
            case DELETE_ROWS_V1 -> "DELETE_ROWS_V1";
            case INCIDENT -> "INCIDENT";
            case HEARTBEAT -> "HEARTBEAT";
            case IGNORABLE -> "IGNORABLE";
            case ROWS_QUERY -> "ROWS_QUERY";
            case WRITE_ROWS -> "WRITE_ROWS";
            case UPDATE_ROWS -> "UPDATE_ROWS";
            case DELETE_ROWS -> "DELETE_ROWS";
            case MYSQL_GTID -> "GTID";
            case MYSQL_ANONYMOUS_GTID -> "ANONYMOUS_GTID";
            case MYSQL_PREVIOUS_GTIDS -> "PREVIOUS_GTIDS";
            case XA_PREPARE -> "XA_PREPARE";
            case MARIADB_ANNOTATE_ROWS -> "ANNOTATE_ROWS";
            case MARIADB_BINLOG_CHECKPOINT -> "BINLOG_CHECKPOINT";
            case MARIADB_GTID -> "MARIADB_GTID";
            case MARIADB_GTID_LIST -> "MARIADB_GTID_LIST";
            case MARIADB_START_ENCRYPTION -> "START_ENCRYPTION";
            case MARIADB_QUERY_COMPRESSED -> "QUERY_COMPRESSED";
            default -> "TYPE_" + code;
        };
    }
}
