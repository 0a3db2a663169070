package io.mysqlha.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BinlogReaderTest {

    static List<Path> allLogFiles() throws IOException {
        return Fixtures.allLogFiles();
    }

    static List<String> scenarios() {
        return Fixtures.SCENARIOS;
    }

    private static List<BinlogEvent> readStream(byte[] bytes, String name) throws IOException {
        List<BinlogEvent> out = new ArrayList<>();
        try (BinlogReader r = new BinlogReader(new ByteArrayInputStream(bytes), name)) {
            for (BinlogEvent e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("allLogFiles")
    void decodesEveryEventOfEveryFixtureFile(Path file) throws IOException {
        byte[] bytes = Fixtures.read(file);
        List<BinlogEvent> events = BinlogReader.readAll(file);
        assertFalse(events.isEmpty());
        assertInstanceOf(FormatDescription.class, events.get(0).data(), "a file starts with a format description");
        long at = 4;
        for (BinlogEvent e : events) {
            assertEquals(at, e.offset(), "events are contiguous");
            assertEquals(e.header().eventSize(), e.size());
            assertEquals(file.toString(), e.source());
            byte[] raw = e.rawBytes();
            for (int i = 0; i < raw.length; i++) {
                assertEquals(bytes[(int) at + i], raw[i], "raw bytes are the file's bytes");
            }
            switch (e.type()) {
                case EventType.FORMAT_DESCRIPTION -> assertInstanceOf(FormatDescription.class, e.data());
                case EventType.ROTATE -> assertInstanceOf(Rotate.class, e.data());
                case EventType.MARIADB_GTID -> assertInstanceOf(MariadbGtid.class, e.data());
                case EventType.MARIADB_GTID_LIST -> assertInstanceOf(MariadbGtidList.class, e.data());
                case EventType.XID -> assertInstanceOf(Xid.class, e.data());
                case EventType.QUERY -> assertInstanceOf(Query.class, e.data());
                case EventType.MARIADB_BINLOG_CHECKPOINT -> assertInstanceOf(BinlogCheckpoint.class, e.data());
                default -> assertInstanceOf(Unparsed.class, e.data());
            }
            at += e.size();
        }
        assertEquals(bytes.length, at, "the last event ends at the end of the file");
        // the same through a plain InputStream (no known length)
        assertEquals(events.size(), readStream(bytes, file.toString()).size());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void primaryBinlogsDecodeToTheExpectedEvents(String scenario) throws IOException {
        Properties p = Fixtures.expected(scenario);
        List<Path> files = Fixtures.primaryBinlogs(scenario);
        ChecksumAlgorithm alg = ChecksumAlgorithm.valueOf(p.getProperty("primary.checksum").equals("NONE")
                ? "OFF" : p.getProperty("primary.checksum"));
        long lastSeq = 0;
        for (int i = 0; i < files.size(); i++) {
            List<BinlogEvent> events = BinlogReader.readAll(files.get(i));
            FormatDescription fd = (FormatDescription) events.get(0).data();
            assertEquals(4, fd.binlogVersion());
            assertTrue(fd.serverVersion().startsWith("10.11."), fd.serverVersion());
            assertEquals(19, fd.headerLength());
            assertEquals(alg, fd.checksum());
            assertEquals(4 + events.get(0).size(), events.get(0).header().logPos());
            assertInstanceOf(MariadbGtidList.class, events.get(1).data(), "MariaDB writes a GTID list after the FDE");
            for (BinlogEvent e : events) {
                if (e.type() != EventType.FORMAT_DESCRIPTION) {
                    assertEquals(alg, e.checksum());
                }
                assertEquals(1, e.header().serverId());
                assertEquals(e.endOffset(), e.header().logPos(), "in a primary binlog log_pos is the end offset");
                if (e.data() instanceof MariadbGtid g) {
                    assertEquals(0, g.domainId());
                    assertEquals(lastSeq + 1, g.seqNo(), "GTID seq_no increase by one");
                    lastSeq = g.seqNo();
                }
            }
            if (i + 1 < files.size()) {
                BinlogEvent last = events.get(events.size() - 1);
                Rotate r = assertInstanceOf(Rotate.class, last.data(), "a flushed binlog ends with a Rotate");
                assertEquals(files.get(i + 1).getFileName().toString(), r.nextFile());
                assertEquals(4, r.position());
            }
        }
        String gtidBinlogPos = p.getProperty("primary.gtid_binlog_pos");
        assertEquals("0-1-" + lastSeq, gtidBinlogPos);
    }

    @Test
    void decodesRowsWithRollbackTextAndBinaryData() throws IOException {
        // statement-based: the word ROLLBACK inside statements; they are not transaction ends
        boolean sawRollbackText = false;
        for (Path f : Fixtures.primaryBinlogs("nochecksum")) {
            for (BinlogEvent e : BinlogReader.readAll(f)) {
                if (e.data() instanceof Query q && q.sqlText().contains("'ROLLBACK'")) {
                    sawRollbackText = true;
                    assertEquals(0, q.errorCode());
                }
            }
        }
        assertTrue(sawRollbackText);
        // row-based: every byte value 0..255 inside a row event, carried intact (its CRC checks)
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        boolean sawAllBytes = false;
        for (BinlogEvent e : BinlogReader.readAll(Fixtures.primaryBinlogs("rotate-crc32").get(0))) {
            if (e.type() == EventType.WRITE_ROWS_V1 && indexOf(e.rawBytes(), all) >= 0) {
                sawAllBytes = true;
                assertEquals(ChecksumAlgorithm.CRC32, e.checksum());
            }
        }
        assertTrue(sawAllBytes);
    }

    @Test
    void relayLogChecksumFollowsEachFormatDescription() throws IOException {
        // mixed-checksum: the replica's first relay file was opened with its own CRC32 setting, the primary
        // writes no checksum: events before the primary's FDE carry a CRC, events after it do not
        List<BinlogEvent> events = BinlogReader.readAll(Fixtures.relayLogs("mixed-checksum").get(1));
        assertEquals(ChecksumAlgorithm.CRC32, events.get(0).checksum());
        assertTrue(events.get(0).header().isRelayLogOwn());
        Rotate fake = assertInstanceOf(Rotate.class, events.get(1).data());
        assertEquals("primary-bin.000001", fake.nextFile());
        assertEquals(ChecksumAlgorithm.CRC32, events.get(1).checksum());
        assertEquals(0, events.get(1).header().logPos());
        FormatDescription primaryFd = assertInstanceOf(FormatDescription.class, events.get(2).data());
        assertEquals(ChecksumAlgorithm.OFF, primaryFd.checksum());
        for (BinlogEvent e : events.subList(3, events.size())) {
            assertEquals(ChecksumAlgorithm.OFF, e.checksum(), e.toString());
        }
    }

    @Test
    void decodesMariadbGtidAndGtidList() throws IOException {
        List<BinlogEvent> events = BinlogReader.readAll(Fixtures.primaryBinlogs("rotate-crc32").get(1));
        MariadbGtidList list = assertInstanceOf(MariadbGtidList.class, events.get(1).data());
        assertEquals(1, list.gtids().size());
        Gtid start = list.gtids().get(0);
        assertEquals(0, start.domainId());
        assertEquals(1, start.serverId());
        BinlogCheckpoint cp = assertInstanceOf(BinlogCheckpoint.class, events.get(2).data());
        assertTrue(cp.file().startsWith("primary-bin.0000"));
        BinlogEvent gtidEvent = events.get(3);
        MariadbGtid g = assertInstanceOf(MariadbGtid.class, gtidEvent.data());
        assertEquals(start.seqNo() + 1, g.seqNo());
        assertEquals("0-1-" + g.seqNo(), g.gtid(gtidEvent.header().serverId()).toString());
        assertFalse(g.isStandalone(), "a DML transaction is not standalone");
        // the CREATE TABLE of the first file is a standalone DDL group
        boolean sawDdl = false;
        for (BinlogEvent e : BinlogReader.readAll(Fixtures.primaryBinlogs("rotate-crc32").get(0))) {
            if (e.data() instanceof MariadbGtid d && d.isStandalone()) {
                sawDdl = true;
            }
        }
        assertTrue(sawDdl);
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void aFlippedByteIsCaughtWithFileAndOffset(String scenario) throws IOException {
        // every relay file and binlog: flip one byte in the middle of each CRC-protected event in turn
        int checked = 0;
        List<Path> files = new ArrayList<>(Fixtures.primaryBinlogs(scenario));
        files.addAll(Fixtures.relayLogs(scenario));
        for (Path f : files) {
            byte[] good = Fixtures.read(f);
            for (BinlogEvent e : BinlogReader.readAll(f)) {
                boolean protectedByCrc = e.checksum() == ChecksumAlgorithm.CRC32
                        || e.type() == EventType.FORMAT_DESCRIPTION;
                if (!protectedByCrc) {
                    continue;
                }
                byte[] bad = good.clone();
                // a byte of the body, away from the size field so the event stays framed
                int at = (int) e.offset() + EventHeader.LENGTH + (e.size() - EventHeader.LENGTH) / 2;
                bad[at] ^= 0x10;
                BinlogFormatException x = assertThrows(BinlogFormatException.class,
                        () -> readStream(bad, f.toString()), "flipped byte at " + at + " in " + e);
                assertEquals(e.offset(), x.offset());
                assertEquals(f.toString(), x.source());
                assertTrue(x.getMessage().startsWith(f + " at offset " + e.offset() + ": "), x.getMessage());
                assertTrue(x.getMessage().contains("checksum mismatch"), x.getMessage());
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void aTruncatedFileFailsWithFileAndOffset(String scenario, @TempDir Path tmp) throws IOException {
        Path f = Fixtures.relayLogs(scenario).get(Fixtures.relayLogs(scenario).size() - 1);
        byte[] good = Fixtures.read(f);
        List<BinlogEvent> events = BinlogReader.readAll(f);
        for (BinlogEvent e : events) {
            // cut inside the header and inside the body of every event
            for (long cut : new long[] {e.offset() + 7, e.offset() + e.size() - 1}) {
                byte[] bad = Fixtures.copyOf(good, (int) cut);
                Path p = tmp.resolve("cut");
                Files.write(p, bad);
                BinlogFormatException fromFile = assertThrows(BinlogFormatException.class, () -> BinlogReader.readAll(p));
                assertEquals(e.offset(), fromFile.offset());
                assertTrue(fromFile.getMessage().startsWith(p + " at offset " + e.offset() + ": truncated"),
                        fromFile.getMessage());
                BinlogFormatException fromStream = assertThrows(BinlogFormatException.class,
                        () -> readStream(bad, "stream"));
                assertEquals(e.offset(), fromStream.offset());
                assertTrue(fromStream.getMessage().contains("truncated"), fromStream.getMessage());
            }
        }
    }

    @Test
    void aCorruptSizeFieldFailsWithFileAndOffset() throws IOException {
        // without checksums only the framing can catch corruption: a size larger than the file
        Path f = Fixtures.primaryBinlogs("nochecksum").get(0);
        byte[] bad = Fixtures.read(f);
        List<BinlogEvent> events = BinlogReader.readAll(f);
        BinlogEvent victim = events.get(3);
        bad[(int) victim.offset() + 12] = 0x7f; // high byte of event_size
        BinlogFormatException x = assertThrows(BinlogFormatException.class, () -> readStream(bad, f.toString()));
        assertEquals(victim.offset(), x.offset());
        assertTrue(x.getMessage().contains("corrupt event header"), x.getMessage());
        bad[(int) victim.offset() + 12] = 0;
        bad[(int) victim.offset() + 9] = 3; // size 3 < header
        x = assertThrows(BinlogFormatException.class, () -> readStream(bad, f.toString()));
        assertEquals(victim.offset(), x.offset());
    }

    @Test
    void badMagicIsRefused() {
        byte[] bytes = "not a binlog at all".getBytes(StandardCharsets.US_ASCII);
        BinlogFormatException x = assertThrows(BinlogFormatException.class, () -> readStream(bytes, "x.bin"));
        assertEquals(0, x.offset());
        assertTrue(x.getMessage().startsWith("x.bin at offset 0: not a binlog file"), x.getMessage());
    }

    @Test
    void anEmptyBinlogHasNoEvents() throws IOException {
        try (BinlogReader r = new BinlogReader(new ByteArrayInputStream(BinlogReader.MAGIC), "empty")) {
            assertNull(r.next());
            assertNull(r.formatDescription());
        }
    }

    @Test
    void rawBytesWriteBackUnchanged() throws IOException {
        Path f = Fixtures.relayLogs("sizerot-crc32").get(2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(BinlogReader.MAGIC);
        for (BinlogEvent e : BinlogReader.readAll(f)) {
            e.writeTo(out);
        }
        assertNotNull(out.toByteArray());
        assertTrue(java.util.Arrays.equals(Fixtures.read(f), out.toByteArray()));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
