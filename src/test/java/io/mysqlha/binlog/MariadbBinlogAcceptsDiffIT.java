package io.mysqlha.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * mariadb-binlog, the tool that applies a diff, reads every diff this package writes, and decodes it to the
 * same statements and row images as the primary's own binlogs from the same position.
 */
class MariadbBinlogAcceptsDiffIT {

    static List<String> scenarios() {
        return Fixtures.SCENARIOS;
    }

    @BeforeAll
    static void needsMariadbBinlog() {
        Assumptions.assumeTrue(Tools.available(Tools.MARIADB_BINLOG),
                Tools.MARIADB_BINLOG + " not installed (Debian package mariadb-client): skipping");
    }

    /** Transaction boundaries, binlog starts, and the lagging replica's real coordinates. */
    static Set<BinlogPosition> targets(PrimaryStream primary) {
        Set<BinlogPosition> out = new LinkedHashSet<>();
        Properties p = primary.expected;
        out.add(Fixtures.position(p, "lagging.master_log_file", "lagging.read_master_log_pos"));
        out.add(Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos"));
        String file = null;
        boolean standalone = false;
        for (PrimaryStream.Event e : primary.events) {
            if (!e.file().equals(file)) {
                file = e.file();
                out.add(new BinlogPosition(file, 4));
            }
            BinlogEvent ev = e.event();
            if (ev.data() instanceof MariadbGtid g) {
                standalone = g.isStandalone();
            } else if (ev.type() == EventType.XID || (standalone && ev.type() == EventType.QUERY)) {
                out.add(e.end());
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void decodesLikeThePrimarysBinlogs(String scenario, @TempDir Path tmp) throws Exception {
        PrimaryStream primary = new PrimaryStream(scenario);
        List<Path> relay = Fixtures.relayLogs(scenario);
        List<Path> binlogs = Fixtures.primaryBinlogs(scenario);
        int n = 0;
        for (BinlogPosition target : targets(primary)) {
            Path diff = tmp.resolve("diff-" + n++ + ".bin");
            RelayLogDiff.write(relay, target, diff);
            Tools.Result fromDiff = Tools.run(List.of(Tools.MARIADB_BINLOG.toString(), "--skip-gtid-strict-mode",
                    "--base64-output=decode-rows", "--verbose", diff.toString()), null, 60);
            assertEquals(0, fromDiff.exitCode(), target + ": " + fromDiff.stderr());
            assertEquals("", fromDiff.stderr(), target + ": mariadb-binlog complains");

            List<String> cmd = new ArrayList<>(List.of(Tools.MARIADB_BINLOG.toString(), "--skip-gtid-strict-mode",
                    "--base64-output=decode-rows", "--verbose", "--start-position=" + target.position()));
            boolean from = false;
            for (Path b : binlogs) {
                from |= b.getFileName().toString().equals(target.file());
                if (from) {
                    cmd.add(b.toString());
                }
            }
            Tools.Result fromPrimary = Tools.run(cmd, null, 60);
            assertEquals(0, fromPrimary.exitCode(), target + ": " + fromPrimary.stderr());
            assertSameLines(statements(fromPrimary.out(), primary.replicaHasAnnotations),
                    statements(fromDiff.out(), primary.replicaHasAnnotations),
                    scenario + " after " + target + ": the diff decodes to the primary's statements");
        }
        assertTrue(n >= 5, "checked " + n + " positions");
    }

    static void assertSameLines(List<String> expected, List<String> actual, String what) {
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        if (i < expected.size() || i < actual.size()) {
            throw new AssertionError(what + ": first difference at line " + i + " of " + expected.size() + "/"
                    + actual.size() + ":\n  expected: " + clip(expected, i) + "\n  actual:   " + clip(actual, i));
        }
    }

    private static String clip(List<String> lines, int i) {
        if (i >= lines.size()) {
            return "<end>";
        }
        String l = lines.get(i);
        return l.length() > 200 ? l.substring(0, 200) + "..." : l;
    }

    /**
     * The statements and row images of mariadb-binlog's output, without what differs by construction: the
     * position comments, and the format-description and session lines printed at the head of each file.
     * A binlog whose format description was written at server startup opens with a ROLLBACK; the diff's own
     * format description is not marked so (a ROLLBACK in the middle of a stream would cut a transaction).
     * After each file's format description mariadb-binlog prints the session variables again even when they
     * did not change; inside the one stream of a diff it prints only changes. Without log_slave_updates the
     * replica never received the Annotate_rows events ({@code #Q>} lines).
     */
    static List<String> statements(String output, boolean withAnnotations) {
        List<String> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            boolean comment = line.startsWith("#") && !line.startsWith("###")
                    && !(withAnnotations && line.startsWith("#Q>"));
            if (!comment && !line.startsWith("DELIMITER") && !line.startsWith("/*") && !line.isBlank()
                    && !line.startsWith("SET @@session.")) {
                out.add(line);
            }
        }
        if (!out.isEmpty() && out.get(0).equals("ROLLBACK/*!*/;")) {
            out.remove(0);
        }
        return out;
    }
}
