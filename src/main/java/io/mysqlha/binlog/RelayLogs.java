package io.mysqlha.binlog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lists relay-log files in the order the replica wrote them, from its relay-log index. */
public final class RelayLogs {
    private RelayLogs() {
    }

    /**
     * Reads a relay-log index ({@code relay_log_index}, e.g. {@code mysqld-relay-bin.index}): one file per
     * line, oldest first. Relative entries ({@code ./relay-bin.000001}) resolve against the index's directory;
     * absolute ones are kept as they are.
     */
    public static List<Path> fromIndex(Path indexFile) throws IOException {
        Path dir = indexFile.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(indexFile, StandardCharsets.UTF_8)) {
            String entry = line.strip();
            if (!entry.isEmpty()) {
                Path p = Path.of(entry);
                out.add(p.isAbsolute() ? p : dir.resolve(p).normalize());
            }
        }
        return out;
    }

    /**
     * Reads a relay-log index but looks for every file, by name only, in {@code dir}: for relay logs copied
     * from another host, whose index names paths of that host.
     */
    public static List<Path> fromIndex(Path indexFile, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : fromIndex(indexFile)) {
            out.add(dir.resolve(p.getFileName()));
        }
        return out;
    }
}
