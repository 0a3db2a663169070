package io.mysqlha.binlog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Walks a replica's relay-log files in order and tracks, for every event, the primary binlog coordinates it
 * takes the stream to.
 *
 * <p>What a MariaDB 10.11 relay log holds (checked on live servers): each file starts with the replica's own
 * format description (flag 0x40). A file opened when the IO thread starts goes on with the primary's fake
 * Rotate (log_pos 0, naming the binlog file and position the dump starts at) and the primary's format
 * description. A file opened because the relay log reached max_relay_log_size goes on with a copy of the
 * primary's format description (artificial, log_pos 0) and no Rotate, possibly in the middle of a
 * transaction. A FLUSH LOGS on the primary arrives as a real Rotate (log_pos != 0), which the replica puts in
 * a relay file of its own, followed by a new file that starts like an IO-thread start. Events from the
 * primary keep their log_pos: the end of the event in the primary's binlog.
 *
 * <p>So the binlog file name is known only after a Rotate; before the first one it is unknown (null).
 */
final class RelayLogCursor implements Closeable {
    enum Kind {
        /** Written by the replica itself: its format descriptions and relay-log Rotates. */
        OWN,
        /** A format description from the primary (or a copy of one). */
        FORMAT,
        /** A Rotate from the primary: fake (log_pos 0) or real. */
        ROTATE,
        /** Everything else from the primary. */
        DATA
    }

    /**
     * One event and where it took the stream.
     *
     * @param start       for a positioned event, its start in the primary's binlog (log_pos - size); -1 otherwise
     * @param before      the coordinates before the event (null while the file is unknown)
     * @param end         the coordinates after the event (null if unknown or the event carries none)
     * @param rotatedFrom for a real Rotate, the end of the Rotate event itself in the old binlog file
     */
    record Step(BinlogEvent event, Kind kind, long start, BinlogPosition before, BinlogPosition end,
                BinlogPosition rotatedFrom) {
        boolean isFakeRotate() {
            return kind == Kind.ROTATE && event.header().logPos() == 0;
        }

        /** True if the stream stands at {@code p} right after this event. */
        boolean reaches(BinlogPosition p) {
            return p.equals(end) || p.equals(rotatedFrom);
        }
    }

    private final List<Path> files;
    private int index;
    private BinlogReader reader;
    private String file;
    private long pos = -1;
    private BinlogEvent primaryFormat;
    private BinlogEvent anyFormat;

    RelayLogCursor(List<Path> files, int firstIndex) {
        this.files = files;
        this.index = firstIndex - 1;
    }

    /** The last format description from the primary seen so far (null if none). */
    BinlogEvent primaryFormat() {
        return primaryFormat != null ? primaryFormat : anyFormat;
    }

    /** Coordinates the stream stands at now, or null while the binlog file is unknown. */
    BinlogPosition current() {
        return file == null || pos < 4 ? null : new BinlogPosition(file, pos);
    }

    /** The relay-log file being read. */
    Path currentFile() {
        return files.get(index);
    }

    /** Next event, or null after the last event of the last file. */
    Step next() throws IOException {
        BinlogEvent e = reader == null ? null : reader.next();
        while (e == null) {
            if (reader != null) {
                reader.close();
                reader = null;
            }
            if (index + 1 >= files.size()) {
                return null;
            }
            index++;
            reader = BinlogReader.open(files.get(index));
            e = reader.next();
        }
        return step(e);
    }

    private Step step(BinlogEvent e) {
        EventHeader h = e.header();
        BinlogPosition before = current();
        if (h.isRelayLogOwn()) {
            if (h.type() == EventType.FORMAT_DESCRIPTION) {
                anyFormat = e;
            }
            return new Step(e, Kind.OWN, -1, before, before, null);
        }
        if (h.type() == EventType.ROTATE && e.data() instanceof Rotate r) {
            BinlogPosition from = null;
            if (h.logPos() != 0 && file != null) {
                from = new BinlogPosition(file, h.logPos());
            }
            long start = h.logPos() != 0 ? h.logPos() - e.size() : -1;
            file = r.nextFile();
            pos = r.position();
            return new Step(e, Kind.ROTATE, start, before, current(), from);
        }
        Kind kind = Kind.DATA;
        if (h.type() == EventType.FORMAT_DESCRIPTION) {
            primaryFormat = e;
            anyFormat = e;
            kind = Kind.FORMAT;
            if (h.isArtificial()) {
                // a copy made by the replica for a new relay file: no place in the primary's binlog
                return new Step(e, kind, -1, before, before, null);
            }
        }
        if (h.logPos() == 0) {
            return new Step(e, kind, -1, before, before, null);
        }
        pos = h.logPos();
        return new Step(e, kind, h.logPos() - e.size(), before, current(), null);
    }

    /**
     * The primary coordinates a relay file starts at, from its head: the primary's fake Rotate written when
     * the IO thread started. Null for a file that starts otherwise (size rotation, a lone real Rotate).
     */
    static BinlogPosition headStart(Path relayFile) throws IOException {
        try (BinlogReader r = BinlogReader.open(relayFile)) {
            for (BinlogEvent e = r.next(); e != null; e = r.next()) {
                EventHeader h = e.header();
                if (h.isRelayLogOwn() || h.type() == EventType.FORMAT_DESCRIPTION) {
                    continue;
                }
                if (h.type() == EventType.ROTATE && h.logPos() == 0 && e.data() instanceof Rotate rot
                        && rot.position() >= 4) {
                    return new BinlogPosition(rot.nextFile(), rot.position());
                }
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
