package io.mysqlha.binlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RelayLogDiffTest {

    static List<String> scenarios() {
        return Fixtures.SCENARIOS;
    }

    /** A diff built in memory, read back. */
    record Built(DiffResult result, byte[] bytes, List<BinlogEvent> events) {
        /** The events after the stream's own format description that have a place in the primary's binlog. */
        List<BinlogEvent> positioned() {
            List<BinlogEvent> out = new ArrayList<>();
            for (BinlogEvent e : events.subList(1, events.size())) {
                if (e.header().logPos() != 0) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    static Built build(List<Path> relayLogs, BinlogPosition after) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DiffResult r;
        try (RelayLogDiff diff = RelayLogDiff.to(out)) {
            diff.append(relayLogs, after);
            r = diff.finish();
        }
        return new Built(r, out.toByteArray(), read(out.toByteArray()));
    }

    static List<BinlogEvent> read(byte[] bytes) throws IOException {
        List<BinlogEvent> out = new ArrayList<>();
        try (BinlogReader r = new BinlogReader(new ByteArrayInputStream(bytes), "diff")) {
            for (BinlogEvent e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        return out;
    }

    static void assertSameEvents(List<BinlogEvent> expected, List<BinlogEvent> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": event count; expected " + expected + "\nactual "
                + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).rawBytes(), actual.get(i).rawBytes(),
                    what + ": event " + i + " expected " + expected.get(i) + " actual " + actual.get(i));
        }
    }

    /**
     * The core property, for every position a replica can stand at in every scenario: the diff holds exactly
     * the primary's events after it, byte for byte, in one stream whose checksums verify.
     */
    @ParameterizedTest
    @MethodSource("scenarios")
    void diffHoldsExactlyThePrimarysEventsAfterEveryPosition(String scenario) throws IOException {
        PrimaryStream primary = new PrimaryStream(scenario);
        List<Path> relay = Fixtures.relayLogs(scenario);
        FormatDescription primaryFd = (FormatDescription) primary.events.get(0).event().data();
        for (BinlogPosition target : primary.targets()) {
            Built b = build(relay, target);
            String what = scenario + " after " + target;
            FormatDescription head = assertInstanceOf(FormatDescription.class, b.events.get(0).data(), what);
            assertEquals(primaryFd.checksum(), head.checksum(), what);
            assertEquals(primaryFd.serverVersion(), head.serverVersion(), what);
            assertEquals(0, b.events.get(0).header().flags() & EventHeader.FLAG_BINLOG_IN_USE, what);
            List<BinlogEvent> expected = primary.after(target);
            assertSameEvents(expected, b.positioned(), what);
            for (BinlogEvent e : b.events.subList(1, b.events.size())) {
                assertFalse(e.header().isRelayLogOwn(), what + ": no replica event in a diff: " + e);
                if (e.header().logPos() == 0) {
                    assertEquals(EventType.ROTATE, e.type(), what + ": only fake Rotates lack a position: " + e);
                }
                assertTrue(e.type() != EventType.FORMAT_DESCRIPTION, what + ": one format description: " + e);
            }
            DiffResult r = b.result;
            assertEquals(target, r.after());
            assertEquals(primary.end(), r.end(), what);
            assertEquals(primary.end(), r.lastTransactionEnd(), what);
            assertFalse(r.endsInsideTransaction(), what);
            assertEquals(b.events.size() - 1, r.events(), what);
            assertEquals(b.bytes.length, r.bytes(), what);
            Gtid lastGtid = null;
            for (BinlogEvent e : expected) {
                if (e.data() instanceof MariadbGtid g) {
                    lastGtid = g.gtid(e.header().serverId());
                }
            }
            assertEquals(lastGtid == null ? "" : lastGtid.toString(), r.gtidPosition(), what);
            assertEquals(lastGtid == null, r.isEmpty() || expected.stream().noneMatch(
                    e -> e.type() == EventType.MARIADB_GTID), what);
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void theLaggingReplicasRealCoordinates(String scenario) throws IOException {
        Properties p = Fixtures.expected(scenario);
        PrimaryStream primary = new PrimaryStream(scenario);
        List<Path> relay = Fixtures.relayLogs(scenario);
        BinlogPosition read = Fixtures.position(p, "lagging.master_log_file", "lagging.read_master_log_pos");
        BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
        assertTrue(exec.compareTo(read) < 0, "the fixture froze the SQL thread before the IO thread");
        for (BinlogPosition target : List.of(read, exec)) {
            Built b = build(relay, target);
            assertSameEvents(primary.after(target), b.positioned(), scenario + " after " + target);
            assertEquals(p.getProperty("primary.gtid_binlog_pos"), b.result.gtidPosition());
            assertTrue(b.result.transactions() > 0);
        }
        // the first transaction of the diff from the applied position is the one after gtid_slave_pos
        Built fromExec = build(relay, exec);
        long appliedSeq = Long.parseLong(p.getProperty("lagging.gtid_slave_pos").replaceAll(".*-", ""));
        MariadbGtid first = fromExec.events.stream().map(BinlogEvent::data).filter(MariadbGtid.class::isInstance)
                .map(MariadbGtid.class::cast).findFirst().orElseThrow();
        assertEquals(appliedSeq + 1, first.seqNo());
    }

    /**
     * A relay file rotated by max_relay_log_size starts with the replica's format description and a copy of
     * the primary's, no Rotate, often inside a transaction. A replica standing at the end of the previous
     * file must get that file's first event: MHA's position search skipped it.
     */
    @Test
    void sizeRotatedRelayFileKeepsItsFirstEvent() throws IOException {
        List<Path> relay = Fixtures.relayLogs("sizerot-crc32");
        int checked = 0;
        BinlogPosition lastEnd = null;
        String file = null;
        for (Path f : relay) {
            List<BinlogEvent> events = BinlogReader.readAll(f);
            boolean sizeRotated = events.size() > 1 && events.get(1).type() == EventType.FORMAT_DESCRIPTION
                    && events.get(1).header().isArtificial();
            BinlogEvent firstData = null;
            for (BinlogEvent e : events) {
                if (!e.header().isRelayLogOwn() && e.type() != EventType.FORMAT_DESCRIPTION) {
                    firstData = e;
                    break;
                }
            }
            if (sizeRotated && firstData != null && firstData.header().logPos() != 0 && lastEnd != null) {
                Built b = build(relay, lastEnd);
                assertArrayEquals(firstData.rawBytes(), b.events.get(1).rawBytes(),
                        "diff after " + lastEnd + " starts with the first event of " + f.getFileName());
                DiffResult.Piece at = RelayLogDiff.locate(relay, lastEnd);
                assertEquals(f.toString(), at.firstRelayLog().toString());
                assertEquals(firstData.offset(), at.firstOffset());
                checked++;
            }
            for (BinlogEvent e : events) {
                if (e.data() instanceof Rotate r && !e.header().isRelayLogOwn()) {
                    file = r.nextFile();
                } else if (!e.header().isRelayLogOwn() && e.header().logPos() != 0) {
                    lastEnd = new BinlogPosition(file, e.header().logPos());
                }
            }
        }
        assertTrue(checked >= 3, "the fixture has several size-rotated relay files, checked " + checked);
    }

    @Test
    void primaryFlushLogsBetweenTheTwoPositions() throws IOException {
        // rotate-crc32: the lagging replica applied up to primary-bin.000001; the diff crosses two rotations
        Properties p = Fixtures.expected("rotate-crc32");
        BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
        assertEquals("primary-bin.000001", exec.file());
        Built b = build(Fixtures.relayLogs("rotate-crc32"), exec);
        List<String> rotations = new ArrayList<>();
        for (BinlogEvent e : b.events) {
            if (e.data() instanceof Rotate r && e.header().logPos() != 0) {
                rotations.add(r.nextFile() + ":" + r.position());
            }
        }
        assertEquals(List.of("primary-bin.000002:4", "primary-bin.000003:4"), rotations);
        assertEquals(new BinlogPosition("primary-bin.000003", Long.parseLong(p.getProperty("primary.end.pos"))),
                b.result.end());
    }

    @Test
    void targetAtTheStartOfABinlogAndAtItsRotate() throws IOException {
        // standing right after primary-bin.000001's Rotate and at primary-bin.000002:4 is the same place
        PrimaryStream primary = new PrimaryStream("rotate-crc32");
        List<Path> relay = Fixtures.relayLogs("rotate-crc32");
        PrimaryStream.Event rotate = primary.events.stream()
                .filter(e -> e.file().equals("primary-bin.000001") && e.event().type() == EventType.ROTATE)
                .findFirst().orElseThrow();
        Built atRotate = build(relay, rotate.end());
        Built atStart = build(relay, new BinlogPosition("primary-bin.000002", 4));
        assertSameEvents(atRotate.positioned(), atStart.positioned(), "same place");
        assertInstanceOf(MariadbGtidList.class, atStart.positioned().get(0).data(),
                "the new binlog's GTID list comes first");
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void nothingMissingGivesAnEmptyButValidStream(String scenario) throws IOException {
        PrimaryStream primary = new PrimaryStream(scenario);
        Built b = build(Fixtures.relayLogs(scenario), primary.end());
        assertTrue(b.result.isEmpty());
        assertEquals(1, b.events.size());
        assertInstanceOf(FormatDescription.class, b.events.get(0).data());
        assertEquals(primary.end(), b.result.end());
        assertEquals("", b.result.gtidPosition());
    }

    @Test
    void positionsNotPresentAreRefusedLoudly() throws IOException {
        List<Path> relay = Fixtures.relayLogs("sizerot-crc32");
        PrimaryStream primary = new PrimaryStream("sizerot-crc32");
        BinlogPosition end = primary.end();
        List<BinlogPosition> absent = List.of(
                new BinlogPosition(end.file(), end.position() + 1),              // beyond what was received
                new BinlogPosition("primary-bin.000099", 4),                      // a binlog never received
                new BinlogPosition("primary-bin.000001", 1100),                   // inside an event
                new BinlogPosition("primary-bin.000001", 100000));                // past the end of that binlog
        for (BinlogPosition target : absent) {
            PositionNotFoundException x = assertThrows(PositionNotFoundException.class,
                    () -> build(relay, target), target.toString());
            assertTrue(x.getMessage().startsWith("needed relay log purged or position not present: primary position "
                    + target), x.getMessage());
            assertEquals(target, x.position());
        }
        PositionNotFoundException inside = assertThrows(PositionNotFoundException.class,
                () -> build(relay, new BinlogPosition("primary-bin.000001", 1100)));
        assertTrue(inside.getMessage().contains("not at an event boundary"), inside.getMessage());
    }

    @Test
    void purgedRelayLogsAreRefusedLoudly() throws IOException {
        // the relay file that held the lagging position is gone; the later, size-rotated ones do not say which
        // primary binlog they hold, so the position cannot be proven present
        Properties p = Fixtures.expected("sizerot-crc32");
        BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
        List<Path> relay = Fixtures.relayLogs("sizerot-crc32");
        List<Path> purged = relay.subList(2, relay.size());
        PositionNotFoundException x = assertThrows(PositionNotFoundException.class, () -> build(purged, exec));
        assertTrue(x.getMessage().startsWith("needed relay log purged or position not present"), x.getMessage());
        BinlogPosition read = Fixtures.position(p, "lagging.master_log_file", "lagging.read_master_log_pos");
        assertThrows(PositionNotFoundException.class, () -> build(purged, read));
        assertThrows(PositionNotFoundException.class, () -> build(List.of(), read));
    }

    @Test
    void aRelayLogThatGoesBackIsRefused() throws IOException {
        // the same size-rotated relay file twice: its events would be applied twice
        List<Path> relay = new ArrayList<>(Fixtures.relayLogs("sizerot-crc32"));
        assertEquals("replica-relay-bin.000003", relay.get(2).getFileName().toString());
        assertNull(RelayLogCursor.headStart(relay.get(2)), "a size-rotated file has no Rotate");
        relay.add(3, relay.get(2));
        Properties p = Fixtures.expected("sizerot-crc32");
        BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
        BinlogFormatException x = assertThrows(BinlogFormatException.class, () -> build(relay, exec));
        assertTrue(x.getMessage().contains("goes back"), x.getMessage());
        assertTrue(x.getMessage().startsWith(relay.get(3) + " at offset "), x.getMessage());
        // a relay file that starts with a fake Rotate to a position already delivered (the IO-thread restart
        // file of rotate-crc32, once more at the end)
        List<Path> relay2 = new ArrayList<>(Fixtures.relayLogs("rotate-crc32"));
        assertEquals(new BinlogPosition("primary-bin.000002", 3279), RelayLogCursor.headStart(relay2.get(4)));
        relay2.add(relay2.get(4));
        BinlogPosition exec2 = Fixtures.position(Fixtures.expected("rotate-crc32"), "lagging.relay_master_log_file",
                "lagging.exec_master_log_pos");
        BinlogFormatException y = assertThrows(BinlogFormatException.class, () -> build(relay2, exec2));
        assertTrue(y.getMessage().contains("goes back from primary position primary-bin.000003:"), y.getMessage());
        assertTrue(y.getMessage().contains("apply events twice"), y.getMessage());
    }

    @Test
    void aRelayLogThatJumpsForwardIsRefused() throws IOException {
        // without the relay file holding the end of primary-bin.000002 before the IO-thread restart, the next
        // file's fake Rotate jumps over events the replica never had
        List<Path> relay = new ArrayList<>(Fixtures.relayLogs("rotate-crc32"));
        BinlogPosition beforeRestart = null;
        for (BinlogEvent e : BinlogReader.readAll(relay.get(3))) {
            if (e.header().logPos() != 0 && !e.header().isRelayLogOwn() && beforeRestart == null
                    && e.type() == EventType.XID) {
                beforeRestart = new BinlogPosition("primary-bin.000002", e.header().logPos());
            }
        }
        BinlogPosition target = beforeRestart;
        // keep only the head of relay 000004 up to its first transaction: cut the file there
        BinlogEvent cut = null;
        for (BinlogEvent e : BinlogReader.readAll(relay.get(3))) {
            if (e.type() == EventType.XID) {
                cut = e;
                break;
            }
        }
        Path dir = Files.createTempDirectory("jump");
        try {
            Path shortened = dir.resolve(relay.get(3).getFileName());
            Files.write(shortened, java.util.Arrays.copyOf(Files.readAllBytes(relay.get(3)), (int) cut.endOffset()));
            relay.set(3, shortened);
            BinlogFormatException x = assertThrows(BinlogFormatException.class, () -> build(relay, target));
            assertTrue(x.getMessage().contains("jumps from primary position " + target + " to primary-bin.000002:3279"),
                    x.getMessage());
            assertTrue(x.getMessage().contains("miss events"), x.getMessage());
        } finally {
            for (Path f : List.of(dir.resolve(relay.get(3).getFileName()), dir)) {
                Files.deleteIfExists(f);
            }
        }
    }

    @Test
    void aCorruptRelayLogFailsTheDiffWithFileAndOffset(@TempDir Path tmp) throws IOException {
        List<Path> relay = new ArrayList<>();
        for (Path f : Fixtures.relayLogs("sizerot-crc32")) {
            Path copy = tmp.resolve(f.getFileName());
            Files.copy(f, copy);
            relay.add(copy);
        }
        Path victim = relay.get(3);
        byte[] bytes = Files.readAllBytes(victim);
        BinlogEvent e = BinlogReader.readAll(victim).get(2);
        bytes[(int) e.offset() + 100] ^= 1;
        Files.write(victim, bytes);
        Properties p = Fixtures.expected("sizerot-crc32");
        BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
        Path out = tmp.resolve("diff.bin");
        BinlogFormatException x = assertThrows(BinlogFormatException.class, () -> RelayLogDiff.write(relay, exec, out));
        assertEquals(victim.toString(), x.source());
        assertEquals(e.offset(), x.offset());
        assertFalse(Files.exists(out), "a failed build leaves no diff file");
        assertFalse(Files.exists(tmp.resolve("diff.bin.tmp")));
    }

    @Test
    void twoPiecesMakeTheSameStreamAsOne() throws IOException {
        // the target's own unexecuted relay log, then the advanced replica's: here both from one replica
        for (String scenario : Fixtures.SCENARIOS) {
            Properties p = Fixtures.expected(scenario);
            List<Path> relay = Fixtures.relayLogs(scenario);
            BinlogPosition read = Fixtures.position(p, "lagging.master_log_file", "lagging.read_master_log_pos");
            BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DiffResult r;
            try (RelayLogDiff diff = RelayLogDiff.to(out)) {
                DiffResult.Piece first = diff.append(relay, exec, read);
                assertEquals(read, first.end());
                assertThrows(IllegalArgumentException.class, () -> diff.append(relay, exec));
                diff.append(relay, read);
                r = diff.finish();
            }
            Built one = build(relay, exec);
            assertSameEvents(one.positioned(), new Built(r, out.toByteArray(), read(out.toByteArray())).positioned(),
                    scenario);
            assertEquals(one.result.end(), r.end());
            assertEquals(2, r.pieces().size());
            assertEquals(one.result.events(), r.events());
            assertEquals(one.result.gtidPosition(), r.gtidPosition());
        }
    }

    @Test
    void upToThatIsNotPresentIsRefused() throws IOException {
        List<Path> relay = Fixtures.relayLogs("rotate-crc32");
        BinlogPosition start = new BinlogPosition("primary-bin.000001", 4);
        try (RelayLogDiff diff = RelayLogDiff.to(new ByteArrayOutputStream())) {
            assertThrows(PositionNotFoundException.class,
                    () -> diff.append(relay, start, new BinlogPosition("primary-bin.000003", 999999)));
        }
    }

    @Test
    void aDiffCutInsideATransactionSaysSo() throws IOException {
        // stop right after a GTID event: the last transaction is incomplete
        PrimaryStream primary = new PrimaryStream("rotate-crc32");
        PrimaryStream.Event lastGtid = null;
        PrimaryStream.Event previous = null;
        PrimaryStream.Event beforeLastGtid = null;
        for (PrimaryStream.Event e : primary.events) {
            if (e.event().type() == EventType.MARIADB_GTID) {
                lastGtid = e;
                beforeLastGtid = previous;
            }
            previous = e;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DiffResult r;
        try (RelayLogDiff diff = RelayLogDiff.to(out)) {
            diff.append(Fixtures.relayLogs("rotate-crc32"), new BinlogPosition("primary-bin.000003", 4),
                    lastGtid.end());
            r = diff.finish();
        }
        assertTrue(r.endsInsideTransaction());
        assertEquals(lastGtid.end(), r.end());
        assertEquals(beforeLastGtid.end(), r.lastTransactionEnd());
    }

    @Test
    void oneShotWriteToAFile(@TempDir Path tmp) throws IOException {
        Properties p = Fixtures.expected("nochecksum");
        BinlogPosition exec = Fixtures.position(p, "lagging.relay_master_log_file", "lagging.exec_master_log_pos");
        Path out = tmp.resolve("diff.bin");
        DiffResult r = RelayLogDiff.write(Fixtures.relayLogs("nochecksum"), exec, out);
        assertEquals(Files.size(out), r.bytes());
        assertEquals(r.events() + 1, BinlogReader.readAll(out).size());
        DiffResult.Piece piece = r.pieces().get(0);
        assertEquals(exec, piece.after());
        assertTrue(piece.firstRelayLog().getFileName().toString().startsWith("replica-relay-bin."));
    }

    @Test
    void reencodingAnEventBetweenChecksumAlgorithms() throws IOException {
        // the fake Rotate at the head of mixed-checksum's first relay file carries a CRC, the primary's
        // events do not: a stream without checksums gets it re-encoded
        BinlogEvent fake = BinlogReader.readAll(Fixtures.relayLogs("mixed-checksum").get(1)).get(1);
        assertEquals(ChecksumAlgorithm.CRC32, fake.checksum());
        byte[] off = BinlogStreamWriter.reencode(fake.rawBytes(), ChecksumAlgorithm.CRC32, ChecksumAlgorithm.OFF);
        assertEquals(fake.size() - 4, off.length);
        byte[] back = BinlogStreamWriter.reencode(off, ChecksumAlgorithm.OFF, ChecksumAlgorithm.CRC32);
        assertArrayEquals(fake.rawBytes(), back);
    }

    @Test
    void relayLogIndexResolution(@TempDir Path tmp) throws IOException {
        Path index = tmp.resolve("r.index");
        Files.writeString(index, "./r.000001\n/var/lib/mysql/r.000002\n\n");
        List<Path> files = RelayLogs.fromIndex(index);
        assertEquals(tmp.resolve("r.000001"), files.get(0));
        assertEquals(Path.of("/var/lib/mysql/r.000002"), files.get(1));
        assertEquals(tmp.resolve("r.000002"), RelayLogs.fromIndex(index, tmp).get(1));
        assertEquals(2, files.size());
    }

    @Test
    void binlogPositionsOrderByNumericExtension() {
        assertTrue(new BinlogPosition("b.999999", 5000).compareTo(new BinlogPosition("b.1000000", 4)) < 0);
        assertTrue(new BinlogPosition("b.000002", 4).compareTo(new BinlogPosition("b.000001", 900)) > 0);
        assertTrue(new BinlogPosition("b.000002", 4).compareTo(new BinlogPosition("b.000002", 5)) < 0);
        assertEquals("b.000002:4", new BinlogPosition("b.000002", 4).toString());
        assertThrows(IllegalArgumentException.class, () -> new BinlogPosition("b.000002", 3));
        assertThrows(IllegalArgumentException.class, () -> new BinlogPosition("/x/b.000002", 4));
    }
}
