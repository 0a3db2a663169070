package io.mysqlha.binlog;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a differential relay log (file/position mode): the events a lagging replica is missing, taken from
 * the relay logs of a more advanced replica, as ONE binlog stream that {@code mariadb-binlog} turns into SQL.
 *
 * <p>How the start is found: the relay files are examined from the last to the first; the last one whose
 * head (the primary's fake Rotate) starts at or before the target is where the scan begins. The scan then
 * follows the primary's coordinates event by event (Rotates name the binlog file, log_pos gives the end of
 * each event; the replica's own events and format-description copies carry no position) until an event ends
 * exactly at the target. The diff is everything after it, across relay files: a transaction cut by a relay
 * file rotated at max_relay_log_size stays whole, and the first event of such a file is never skipped.
 *
 * <p>The stream is the magic, one format description (the primary's), then the events as they are in the
 * relay logs, byte for byte with their checksums: later files contribute the primary's Rotates, not their
 * format descriptions. A diff that crosses a rotation of the primary's binlog contains that binlog's
 * GTID_LIST: apply it with {@code mariadb-binlog --skip-gtid-strict-mode}.
 *
 * <p>Refused loudly, with {@link PositionNotFoundException}: coordinates not present (relay log purged, not an
 * event boundary, the replica never received them). Refused with {@link BinlogFormatException}: a relay log
 * that goes back to coordinates it already holds (events would be applied twice) or jumps forward (events
 * are missing), and any unreadable event. Gaps between consecutive events of one binlog are accepted: the
 * primary does not send Annotate_rows events to replicas without log_slave_updates.
 *
 * <p>On an exception the output written so far is incomplete and must not be applied ({@link #write} removes
 * its file). Usage:
 * <pre>{@code
 * try (RelayLogDiff diff = RelayLogDiff.to(out)) {
 *     diff.append(ownRelayLogs, execPosition, readPosition); // what the target read but did not execute
 *     diff.append(latestRelayLogs, readPosition);            // what the most advanced replica has beyond
 *     DiffResult r = diff.finish();
 * }
 * }</pre>
 */
public final class RelayLogDiff implements Closeable {
    private final OutputStream out;
    private final BinlogStreamWriter writer;
    private final List<DiffResult.Piece> pieces = new ArrayList<>();
    private final Map<Long, Gtid> lastGtids = new HashMap<>();
    private BinlogPosition firstAfter;
    private BinlogPosition end;
    private BinlogPosition lastTransactionEnd;
    private BinlogEvent format;
    private boolean inGroup;
    private boolean standaloneGroup;
    private Gtid groupGtid;
    private long transactions;
    private boolean finished;

    private RelayLogDiff(OutputStream out) {
        this.out = out;
        this.writer = new BinlogStreamWriter(out);
    }

    /** A diff written to {@code out}; {@link #close()} closes it. */
    public static RelayLogDiff to(OutputStream out) {
        return new RelayLogDiff(out);
    }

    /**
     * One-shot: the events after {@code after} in {@code relayLogs}, written to {@code outFile} (through a
     * temporary file renamed at the end, so a failed build leaves no file behind).
     */
    public static DiffResult write(List<Path> relayLogs, BinlogPosition after, Path outFile) throws IOException {
        Path tmp = outFile.resolveSibling(outFile.getFileName() + ".tmp");
        try {
            DiffResult r;
            try (RelayLogDiff diff = to(new BufferedOutputStream(Files.newOutputStream(tmp), 65536))) {
                diff.append(relayLogs, after);
                r = diff.finish();
            }
            Files.move(tmp, outFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return r;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Finds where {@code after} stands in {@code relayLogs}: the relay file and offset of the first event after
     * it, without writing anything.
     */
    public static DiffResult.Piece locate(List<Path> relayLogs, BinlogPosition after) throws IOException {
        try (Seek cursor = seek(relayLogs, after)) {
            RelayLogCursor.Step s = cursor.pending;
            if (s == null) {
                s = cursor.cursor.next();
            }
            while (s != null && (s.kind() == RelayLogCursor.Kind.OWN || s.kind() == RelayLogCursor.Kind.FORMAT)) {
                s = cursor.cursor.next();
            }
            return s == null ? new DiffResult.Piece(null, -1, after, after, 0)
                    : new DiffResult.Piece(Path.of(s.event().source()), s.event().offset(), after, null, 0);
        }
    }

    /** Appends every event after {@code after} to the end of {@code relayLogs}. */
    public DiffResult.Piece append(List<Path> relayLogs, BinlogPosition after) throws IOException {
        return append(relayLogs, after, null);
    }

    /**
     * Appends the events after {@code after} up to and including the one that ends at {@code upTo} (null: to
     * the end of the relay logs). A second piece must start where the previous one ended.
     */
    public DiffResult.Piece append(List<Path> relayLogs, BinlogPosition after, BinlogPosition upTo)
            throws IOException {
        if (finished) {
            throw new IllegalStateException("diff already finished");
        }
        if (relayLogs.isEmpty()) {
            throw new PositionNotFoundException(after, "not found: no relay logs given");
        }
        if (end != null && !end.equals(after)) {
            throw new IllegalArgumentException("a piece must start where the previous one ended (" + end
                    + "), not at " + after);
        }
        if (upTo != null && upTo.compareTo(after) < 0) {
            throw new IllegalArgumentException("upTo " + upTo + " is before " + after);
        }
        if (firstAfter == null) {
            firstAfter = after;
            end = after;
            lastTransactionEnd = after;
        }
        long eventsBefore = writer.events();
        Path firstFile = null;
        long firstOffset = -1;
        boolean reached = after.equals(upTo);
        try (Seek c = seek(relayLogs, after)) {
            RelayLogCursor.Step s = c.pending != null ? c.pending : c.cursor.next();
            BinlogPosition at = after;
            for (; s != null && !reached; s = c.cursor.next()) {
                if (s.kind() == RelayLogCursor.Kind.OWN) {
                    continue;
                }
                checkContinuity(s, at);
                if (s.end() != null) {
                    at = s.end();
                }
                if (s.kind() == RelayLogCursor.Kind.FORMAT) {
                    format = s.event();
                    continue;
                }
                if (!writer.started()) {
                    writer.start(c.cursor.primaryFormat());
                }
                writer.write(s.event(), c.cursor.primaryFormat());
                if (firstFile == null) {
                    firstFile = Path.of(s.event().source());
                    firstOffset = s.event().offset();
                }
                if (format == null) {
                    format = c.cursor.primaryFormat();
                }
                track(s, at);
                reached = upTo != null && s.reaches(upTo);
            }
            if (format == null) {
                format = c.cursor.primaryFormat();
            }
            end = at;
        }
        if (upTo != null && !reached) {
            throw new PositionNotFoundException(upTo, "not found: the relay logs end at " + end + " ("
                    + relayLogs.get(relayLogs.size() - 1) + ")");
        }
        DiffResult.Piece piece = new DiffResult.Piece(firstFile, firstOffset, after, end,
                writer.events() - eventsBefore);
        pieces.add(piece);
        return piece;
    }

    /**
     * Writes the header if no event was written (an empty diff is a valid, empty binlog), flushes, and tells
     * what the diff holds. Does not close the output.
     */
    public DiffResult finish() throws IOException {
        if (firstAfter == null) {
            throw new IllegalStateException("nothing appended");
        }
        if (!finished) {
            if (!writer.started()) {
                if (format == null) {
                    throw new IllegalStateException("the relay logs hold no format description");
                }
                writer.start(format);
            }
            writer.flush();
            finished = true;
        }
        return new DiffResult(firstAfter, end, lastTransactionEnd, inGroup, writer.events(), transactions,
                writer.bytes(), lastGtids, pieces);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /**
     * Refuses a relay log that goes back over coordinates it already delivered (an IO thread that re-fetched:
     * applying both copies would run transactions twice) or whose fake Rotate jumps forward within a binlog
     * (events missing). Real events may start after the previous one ended: see the class comment.
     */
    private static void checkContinuity(RelayLogCursor.Step s, BinlogPosition at) throws BinlogFormatException {
        BinlogEvent e = s.event();
        if (s.isFakeRotate()) {
            BinlogPosition to = s.end();
            boolean ok = to != null && (to.equals(at)
                    || (BinlogPosition.compareFiles(to.file(), at.file()) > 0 && to.position() == 4));
            if (!ok) {
                throw new BinlogFormatException(e.source(), e.offset(), "the relay log "
                        + (to != null && to.compareTo(at) < 0 ? "goes back" : "jumps") + " from primary position "
                        + at + " to " + to + " (IO thread restarted elsewhere): a diff across it would "
                        + (to != null && to.compareTo(at) < 0 ? "apply events twice" : "miss events"));
            }
            return;
        }
        if (s.start() < 0) {
            return;
        }
        if (s.before() == null) {
            throw new BinlogFormatException(e.source(), e.offset(), "event of unknown primary binlog file");
        }
        if (!s.before().file().equals(at.file()) || s.start() < at.position()) {
            throw new BinlogFormatException(e.source(), e.offset(), "the relay log goes back: event at primary "
                    + "position " + s.before().file() + ":" + s.start() + " after " + at
                    + ": a diff across it would apply events twice");
        }
    }

    /** Follows transaction boundaries, for lastTransactionEnd and the GTIDs. */
    private void track(RelayLogCursor.Step s, BinlogPosition at) {
        EventData d = s.event().data();
        boolean ends = false;
        if (d instanceof MariadbGtid g) {
            inGroup = true;
            standaloneGroup = g.isStandalone();
            groupGtid = g.gtid(s.event().header().serverId());
        } else if (d instanceof Xid || s.event().type() == EventType.XA_PREPARE) {
            ends = inGroup;
        } else if (d instanceof Query q && inGroup) {
            String sql = q.sqlText().strip().toUpperCase(Locale.ROOT);
            ends = standaloneGroup || sql.equals("COMMIT") || sql.equals("ROLLBACK");
        } else if (d instanceof Query q && q.sqlText().strip().equalsIgnoreCase("BEGIN")) {
            inGroup = true; // a server that writes no GTID events
            standaloneGroup = false;
            groupGtid = null;
        }
        if (ends) {
            inGroup = false;
            transactions++;
            if (groupGtid != null) {
                lastGtids.put(groupGtid.domainId(), groupGtid);
            }
        }
        if (!inGroup) {
            lastTransactionEnd = at;
        }
    }

    /** A cursor standing right after {@code target}, and possibly the first step after it already read. */
    private static final class Seek implements Closeable {
        final RelayLogCursor cursor;
        final RelayLogCursor.Step pending;

        Seek(RelayLogCursor cursor, RelayLogCursor.Step pending) {
            this.cursor = cursor;
            this.pending = pending;
        }

        @Override
        public void close() throws IOException {
            cursor.close();
        }
    }

    private static Seek seek(List<Path> relayLogs, BinlogPosition target) throws IOException {
        int first = 0;
        for (int i = relayLogs.size() - 1; i >= 0; i--) {
            BinlogPosition start = RelayLogCursor.headStart(relayLogs.get(i));
            if (start != null && start.compareTo(target) <= 0) {
                first = i;
                break;
            }
        }
        RelayLogCursor cursor = new RelayLogCursor(relayLogs, first);
        try {
            BinlogPosition earliest = null;
            for (RelayLogCursor.Step s = cursor.next(); s != null; s = cursor.next()) {
                if (s.kind() == RelayLogCursor.Kind.OWN) {
                    continue;
                }
                if (earliest == null && s.end() != null) {
                    earliest = s.before() != null ? s.before() : s.end();
                }
                if (s.reaches(target)) {
                    return new Seek(cursor, null);
                }
                // Annotate_rows events are not sent to a replica without log_slave_updates: the target may be
                // the end of one of those, in the gap before this event
                if (s.start() >= 0 && s.before() != null && s.before().file().equals(target.file())
                        && s.before().position() < target.position() && target.position() <= s.start()) {
                    return new Seek(cursor, s);
                }
                if (s.end() != null && s.end().compareTo(target) > 0) {
                    String where = s.event().source() + " offset " + s.event().offset();
                    throw new PositionNotFoundException(target, s.start() >= 0 && s.before() != null
                            && s.before().file().equals(target.file()) && s.start() < target.position()
                            ? "not found: it falls inside the event at " + where + " (primary " + s.before().file()
                                + ":" + s.start() + " to " + s.end().position() + "), not at an event boundary"
                            : "not found: the relay logs go from " + s.before() + " to " + s.end() + " at " + where
                                + " without an event ending there");
                }
            }
            BinlogPosition last = cursor.current();
            throw new PositionNotFoundException(target, "not found in " + relayLogs.get(first).getFileName() + " to "
                    + relayLogs.get(relayLogs.size() - 1).getFileName()
                    + (earliest == null ? " (no primary coordinates found in them)"
                    : " (they hold primary positions " + earliest + " to " + last + ")"));
        } catch (IOException | RuntimeException e) {
            cursor.close();
            throw e;
        }
    }
}
