package io.mysqlha.cli;

import io.mysqlha.failover.PromotionRecord;
import io.mysqlha.model.BinlogCoordinates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordsCommandTest {
    static final PromotionRecord REC = PromotionRecord.parse("id=n2@1;node=n2;mode=filepos;old=bin.000007:900;"
            + "new=bin.000002:4;gtid=0-1-5;old_tail=bin.000007:1200;new_tail=bin.000002:310");

    static String run(String from, int want) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = CoordsCommand.print(REC, BinlogCoordinates.parse(from), "10.0.0.12", 3307,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(want, rc);
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mapsTheCommonPointAndTheSalvagedTail() {
        assertTrue(run("bin.000007:900", 0).contains("CHANGE MASTER TO MASTER_HOST='10.0.0.12', MASTER_PORT=3307, "
                + "MASTER_LOG_FILE='bin.000002', MASTER_LOG_POS=4;"));
        assertTrue(run("bin.000007:1200", 0).contains("MASTER_LOG_POS=310;"));
    }

    @Test
    void refusesAPointItCannotMap() {
        assertTrue(run("bin.000007:500", 1).contains("behind"));
        assertTrue(run("bin.000008:4", 1).contains("rebuild"));
    }

    @Test
    void journalPrintsTheLastFailoverInTheOrderStepsBegan(@TempDir Path dir) throws Exception {
        Path j = dir.resolve("journal.jsonl");
        Files.writeString(j, "{\"ts\":1,\"failover\":\"a\",\"step\":\"plan\",\"node\":\"n1\",\"ms\":0}\n"
                + "{\"ts\":20,\"failover\":\"b\",\"step\":\"diff\",\"node\":\"n2\",\"bytes\":819,\"ms\":3}\n"
                + "{\"ts\":10,\"failover\":\"b\",\"step\":\"compensate\",\"node\":\"n2\",\"ms\":30}\n"
                + "{\"ts\":11,\"failo");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JournalCommand.print(j, false, false, new PrintStream(out, true, StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("failover b\n"), s);
        assertTrue(s.indexOf("compensate") < s.indexOf("diff") && s.contains("bytes=819") && !s.contains("plan"), s);
    }

    @Test
    void thePromotedNodesJournalMapsTheCoordinates(@TempDir Path dir) throws Exception {
        Path j = dir.resolve("journal.jsonl");
        Files.writeString(j, "{\"ts\":1,\"failover\":\"n1@1\",\"step\":\"coordinates\",\"node\":\"n1\","
                + "\"old\":\"bin.000003:100\",\"new\":\"bin.000001:4\",\"ms\":0}\n"
                + "{\"ts\":5,\"failover\":\"n2@5\",\"step\":\"diff\",\"node\":\"n2\",\"ms\":3}\n"
                + "{\"ts\":6,\"failover\":\"n2@5\",\"step\":\"coordinates\",\"node\":\"n2\","
                + "\"old\":\"bin.000007:900\",\"new\":\"bin.000002:4\",\"ms\":0}\n"
                + "{\"ts\":7,\"failover\":\"n2@5\",\"step\":\"coordinates\",\"node\":\"n2\","
                + "\"old\":\"bin.000007:1200\",\"new\":\"bin.000002:310\",\"detail\":\"end of the salvaged tail\","
                + "\"ms\":0}\n");
        PromotionRecord r = CoordsCommand.fromJournal(j);
        assertEquals("n2@5", r.id());
        assertEquals(BinlogCoordinates.parse("bin.000002:4"), r.newEnd());
        assertEquals(BinlogCoordinates.parse("bin.000002:310"), r.newTail());
        assertEquals(null, CoordsCommand.fromJournal(dir.resolve("none.jsonl")));
    }
}
