package io.mysqlha.binlog;

/**
 * The decoded body of an event. Types this package does not decode are {@link Unparsed}; the full bytes of
 * every event, decoded or not, stay available from {@link BinlogEvent}.
 */
public sealed interface EventData
        permits FormatDescription, Rotate, MariadbGtid, MariadbGtidList, Xid, Query, BinlogCheckpoint, Unparsed {
}
