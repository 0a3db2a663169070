package io.mysqlha.binlog;

/**
 * Decodes the body of one event type. One small implementation per type, registered in
 * {@link BinlogReader}; a type without a decoder is kept as {@link Unparsed}.
 */
interface EventDataDecoder {
    /**
     * @param header the event's header
     * @param body   the bytes between the common header and the checksum
     * @param format the format description in force (for post-header lengths); null before the first one
     */
    EventData decode(EventHeader header, ByteReader body, FormatDescription format);
}
