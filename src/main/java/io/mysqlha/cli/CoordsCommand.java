package io.mysqlha.cli;

import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.failover.PromotionRecord;
import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Deadline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code mysqlha coords --from FILE:POS}: for a replica outside the cluster (a downstream or reporting replica
 * that replicated from the old primary with binlog coordinates), the CHANGE MASTER that makes it continue from
 * the new primary at the matching point, from the last promotion's record (file/position mode).
 */
@Command(name = "coords", description = "Print the CHANGE MASTER that moves an external replica from the old "
        + "primary's coordinates to the new primary's, after a file/position-mode failover.")
public final class CoordsCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "the external replica's position on the old primary: "
            + "Relay_Master_Log_File:Exec_Master_Log_Pos, after STOP SLAVE")
    String from;

    @Option(names = "--resource", defaultValue = "db", description = "the ocf:mysqlha:mysql resource (default: db)")
    String resource;

    @Option(names = "--host", description = "the new primary's address as the replica reaches it (default: its node "
            + "name)")
    String host;

    @Option(names = "--port", defaultValue = "3306", description = "the new primary's port (default: 3306)")
    int port;

    @Option(names = "--record", description = "a promotion record to use instead of the cluster's (key=value;...)")
    String recordText;

    @Option(names = "--state-dir", defaultValue = "/var/lib/mysqlha", description = "the agent's state_dir: the "
            + "journal of the node that was promoted maps the coordinates; other nodes use the cluster's record")
    java.nio.file.Path stateDir;

    @Override
    public Integer call() throws java.io.IOException {
        String text = recordText;
        if (text == null) {
            PromotionRecord fromJournal = fromJournal(stateDir.resolve(resource).resolve(
                    io.mysqlha.failover.Journal.FILE));
            if (fromJournal != null) {
                return print(fromJournal, BinlogCoordinates.parse(from), host, port, System.out, System.err);
            }
        }
        if (text == null) {
            Optional<String> cib = OcfCommand.cluster(OcfEnv.of(System.getenv()), new ProcessCommandRunner())
                    .clusterProperty(PromotionRecord.property(resource), Deadline.in(Clock.SYSTEM, 20_000));
            if (cib.isEmpty()) {
                System.err.println("no promotion record for " + resource + " in the cluster");
                return 1;
            }
            text = cib.get();
        }
        return print(PromotionRecord.parse(text), BinlogCoordinates.parse(from), host, port, System.out, System.err);
    }

    /**
     * The last file/position promotion this node ran, from its journal's "coordinates" steps (the common point,
     * then the salvaged tail's end), or null.
     */
    static PromotionRecord fromJournal(java.nio.file.Path journal) throws java.io.IOException {
        if (!java.nio.file.Files.exists(journal)) {
            return null;
        }
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String id = null;
        java.util.List<java.util.Map<?, ?>> steps = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(journal)) {
            java.util.Map<?, ?> m;
            try {
                m = mapper.readValue(line, java.util.Map.class);
            } catch (java.io.IOException e) {
                continue;
            }
            if (!"coordinates".equals(m.get("step"))) {
                continue;
            }
            if (!String.valueOf(m.get("failover")).equals(id)) {
                id = String.valueOf(m.get("failover"));
                steps.clear();
            }
            steps.add(m);
        }
        if (steps.isEmpty()) {
            return null;
        }
        java.util.Map<?, ?> common = steps.get(0);
        PromotionRecord r = new PromotionRecord(id, String.valueOf(common.get("node")), "filepos",
                BinlogCoordinates.parse(String.valueOf(common.get("old"))),
                BinlogCoordinates.parse(String.valueOf(common.get("new"))), "");
        if (steps.size() > 1) {
            java.util.Map<?, ?> tail = steps.get(steps.size() - 1);
            r = r.withSalvage(BinlogCoordinates.parse(String.valueOf(tail.get("old"))),
                    BinlogCoordinates.parse(String.valueOf(tail.get("new"))));
        }
        return r;
    }

    static int print(PromotionRecord rec, BinlogCoordinates at, String host, int port, PrintStream out, PrintStream err) {
        if (!rec.filePos() || rec.oldEnd() == null) {
            err.println("the last promotion (" + rec.id() + ") ran in GTID mode: point the replica at " + rec.node()
                    + " with MASTER_USE_GTID=slave_pos (MySQL: MASTER_AUTO_POSITION=1); no coordinates are needed");
            return 1;
        }
        BinlogCoordinates to;
        if (at.equals(rec.oldEnd())) {
            to = rec.newEnd();
        } else if (rec.oldTail() != null && at.equals(rec.oldTail())) {
            to = rec.newTail();
        } else {
            int c = at.compareTo(rec.oldEnd());
            err.println("position " + at + " is not a point the promotion " + rec.id() + " mapped (" + rec.oldEnd()
                    + " -> " + rec.newEnd() + (rec.oldTail() != null ? ", " + rec.oldTail() + " -> " + rec.newTail() : "")
                    + "): " + (c < 0 ? "the replica is behind; let it apply up to " + rec.oldEnd() + " first (from a "
                    + "server that still holds those events), then run this again"
                    : "the replica holds events past " + rec.oldEnd() + " that the new primary may lack; rebuild it"));
            return 1;
        }
        out.println("-- promotion " + rec.id() + ": old primary " + at + " = " + rec.node() + " " + to);
        out.println("STOP SLAVE;");
        out.println("CHANGE MASTER TO MASTER_HOST='" + (host == null ? rec.node() : host) + "', MASTER_PORT=" + port
                + ", MASTER_LOG_FILE='" + to.file() + "', MASTER_LOG_POS=" + to.pos() + ";");
        out.println("START SLAVE;");
        return 0;
    }
}
