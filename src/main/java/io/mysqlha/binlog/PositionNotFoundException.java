package io.mysqlha.binlog;

import java.io.IOException;

/**
 * The primary coordinates a diff must start from (or stop at) are not in the relay logs given: the relay log
 * that held them was purged, or the coordinates are not an event boundary of that primary's stream. A
 * failover must stop here: applying anything else would lose or duplicate transactions.
 */
public class PositionNotFoundException extends IOException {
    private final BinlogPosition position;

    public PositionNotFoundException(BinlogPosition position, String detail) {
        super("needed relay log purged or position not present: primary position " + position + " " + detail);
        this.position = position;
    }

    /** The coordinates that were looked for. */
    public BinlogPosition position() {
        return position;
    }
}
