package io.mysqlha.binlog;

/**
 * ROTATE_EVENT: the next events come from {@code nextFile} starting at {@code position}. Inside a relay log a
 * Rotate from the primary with log_pos 0 is the fake one sent when a dump starts; one with log_pos != 0
 * is a real rotation of the primary's binlog (FLUSH LOGS, size limit, restart).
 */
public record Rotate(long position, String nextFile) implements EventData {
}
