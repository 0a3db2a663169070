package io.mysqlha.binlog;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a differential relay log holds.
 *
 * @param after                 the primary coordinates the diff starts after (the lagging replica's)
 * @param end                   the primary coordinates after the last event written: applying the whole diff
 *                              brings the lagging replica there
 * @param lastTransactionEnd    the coordinates after the last complete transaction; equal to {@code end}
 *                              unless the relay logs end inside a transaction
 * @param endsInsideTransaction the last transaction is incomplete (the IO thread was cut mid-transaction):
 *                              mariadb-binlog rolls it back, so apply up to {@code lastTransactionEnd} only
 * @param events                events written, not counting the stream's own format descriptions
 * @param transactions          complete event groups (transactions, standalone statements) written
 * @param bytes                 bytes written, magic and format descriptions included
 * @param lastGtids             the last complete GTID per replication domain in the diff
 * @param pieces                one entry per {@link RelayLogDiff#append} call
 */
public record DiffResult(BinlogPosition after, BinlogPosition end, BinlogPosition lastTransactionEnd,
                         boolean endsInsideTransaction, long events, long transactions, long bytes,
                         Map<Long, Gtid> lastGtids, List<Piece> pieces) {
    public DiffResult {
        lastGtids = Map.copyOf(lastGtids);
        pieces = List.copyOf(pieces);
    }

    /**
     * Where one piece of the diff came from.
     *
     * @param firstRelayLog relay-log file holding the first event copied (null if the piece is empty)
     * @param firstOffset   its offset there (-1 if the piece is empty)
     * @param after         coordinates the piece starts after
     * @param end           coordinates after its last event
     * @param events        events copied
     */
    public record Piece(Path firstRelayLog, long firstOffset, BinlogPosition after, BinlogPosition end,
                       long events) {
    }

    /** True if there is nothing to apply. */
    public boolean isEmpty() {
        return events == 0;
    }

    /**
     * The GTIDs of {@link #lastGtids()} as a MariaDB GTID position ({@code 0-1-10,1-2-7}, by domain), for
     * {@code SET GLOBAL gtid_slave_pos} after applying: applying with the client does not advance it.
     * Domains the diff does not touch are not in it: merge with the target's own position.
     */
    public String gtidPosition() {
        return new TreeMap<>(lastGtids).values().stream().map(Gtid::toString).collect(Collectors.joining(","));
    }
}
