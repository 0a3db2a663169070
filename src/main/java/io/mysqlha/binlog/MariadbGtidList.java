package io.mysqlha.binlog;

import java.util.List;

/**
 * MariaDB GTID_LIST_EVENT: written after the format description of every binlog, the binlog state (last
 * GTID per domain and server) at the start of that file.
 */
public record MariadbGtidList(List<Gtid> gtids, int flags) implements EventData {
    public MariadbGtidList {
        gtids = List.copyOf(gtids);
    }
}
