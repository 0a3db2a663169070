package io.mysqlha.binlog;

/** MariaDB BINLOG_CHECKPOINT_EVENT: the oldest binlog still needed for crash recovery. */
public record BinlogCheckpoint(String file) implements EventData {
}
