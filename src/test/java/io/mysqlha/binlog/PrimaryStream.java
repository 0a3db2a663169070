package io.mysqlha.binlog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The primary's binlogs of a fixture scenario: the truth a diff is compared against. */
final class PrimaryStream {
    record Event(String file, BinlogEvent event) {
        BinlogPosition end() {
            return new BinlogPosition(file, event.header().logPos());
        }
    }

    final String scenario;
    final Properties expected;
    final List<Event> events = new ArrayList<>();
    /** Whether the replica received Annotate_rows events (only with log_slave_updates). */
    final boolean replicaHasAnnotations;

    PrimaryStream(String scenario) throws IOException {
        this.scenario = scenario;
        this.expected = Fixtures.expected(scenario);
        this.replicaHasAnnotations = "ON".equals(expected.getProperty("replica.log_slave_updates"));
        for (Path f : Fixtures.primaryBinlogs(scenario)) {
            for (BinlogEvent e : BinlogReader.readAll(f)) {
                events.add(new Event(f.getFileName().toString(), e));
            }
        }
    }

    /** Every coordinate a replica can stand at: the start of each binlog and the end of each event. */
    List<BinlogPosition> targets() {
        List<BinlogPosition> out = new ArrayList<>();
        String file = null;
        for (Event e : events) {
            if (!e.file.equals(file)) {
                file = e.file;
                out.add(new BinlogPosition(file, 4));
            }
            out.add(e.end());
        }
        return out;
    }

    /** What a replica standing at {@code target} is missing, as a diff must carry it. */
    List<BinlogEvent> after(BinlogPosition target) {
        List<BinlogEvent> out = new ArrayList<>();
        for (Event e : events) {
            if (e.end().compareTo(target) <= 0 || e.event.type() == EventType.FORMAT_DESCRIPTION) {
                continue;
            }
            if (e.event.type() == EventType.MARIADB_ANNOTATE_ROWS && !replicaHasAnnotations) {
                continue;
            }
            out.add(e.event);
        }
        return out;
    }

    BinlogPosition end() {
        return Fixtures.position(expected, "primary.end.file", "primary.end.pos");
    }
}
