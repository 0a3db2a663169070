package io.mysqlha.binlog;

/** XID_EVENT: the commit of a transaction on a transactional engine. */
public record Xid(long xid) implements EventData {
}
