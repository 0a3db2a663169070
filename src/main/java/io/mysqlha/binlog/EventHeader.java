package io.mysqlha.binlog;

/**
 * The 19-byte common header of a binlog v4 event.
 *
 * @param timestamp seconds since the epoch at which the statement started on the originating server
 * @param type      event type code, see {@link EventType}
 * @param serverId  server_id of the server that originated the event
 * @param eventSize header + body + checksum, in bytes
 * @param logPos    position just after this event in the originating server's binlog (inside a relay log:
 *                  the primary's binlog); 0 for artificial events
 * @param flags     event flags, see the {@code FLAG_} constants
 */
public record EventHeader(long timestamp, int type, long serverId, long eventSize, long logPos, int flags) {
    public static final int LENGTH = 19;
    /** Set in the first format description of a binlog that is still open (or was not closed cleanly). */
    public static final int FLAG_BINLOG_IN_USE = 0x01;
    /** Artificial event: the fake Rotate a primary sends when a dump starts, or a copy of a format description. */
    public static final int FLAG_ARTIFICIAL = 0x20;
    /** Written by the replica itself into its relay log (its own format description and Rotates). */
    public static final int FLAG_RELAY_LOG = 0x40;

    /** True for events a replica wrote into its own relay log: never part of the primary's stream. */
    public boolean isRelayLogOwn() {
        return (flags & FLAG_RELAY_LOG) != 0;
    }

    /** True for events flagged artificial (fake Rotate, format description copy). */
    public boolean isArtificial() {
        return (flags & FLAG_ARTIFICIAL) != 0;
    }

    public String typeName() {
        return EventType.name(type);
    }
}
