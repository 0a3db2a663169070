package io.mysqlha.binlog;

/**
 * An event this package does not decode (row events, Table_map, Annotate_rows, ...). Its bytes are carried
 * by the {@link BinlogEvent} and written out unchanged.
 */
public record Unparsed() implements EventData {
    static final Unparsed INSTANCE = new Unparsed();
}
