package io.mysqlha.rt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File helpers for stored runs: tails of logs, notes, pruning old runs. */
final class RunFiles {
    private RunFiles() {}

    /** The last maxLines lines of a (possibly large) text file. */
    static String tail(Path f, int maxLines) throws IOException {
        long size = Files.size(f);
        long from = Math.max(0, size - 400L * maxLines);
        byte[] all;
        try (var ch = Files.newByteChannel(f)) {
            ch.position(from);
            var buf = java.nio.ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size - from));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read on
            }
            all = java.util.Arrays.copyOf(buf.array(), buf.position());
        }
        String s = new String(all, StandardCharsets.UTF_8);
        String[] lines = s.split("\n", -1);
        int start = Math.max(from > 0 ? 1 : 0, lines.length - maxLines);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, start, lines.length));
    }

    static void note(Path dir, String name, String text) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("rt: cannot write " + dir.resolve(name) + ": " + e.getMessage());
        }
    }

    /** Removes all but the newest keep run directories (names are timestamps, so they sort by age). */
    static List<Path> prune(Path runsDir, int keep) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (keep <= 0 || !Files.isDirectory(runsDir)) {
            return removed;
        }
        List<Path> runs;
        try (Stream<Path> s = Files.list(runsDir)) {
            runs = s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches("\\d{8}T\\d{6}Z?(-\\d+)?"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (int i = 0; i < runs.size() - keep; i++) {
            deleteTree(runs.get(i));
            removed.add(runs.get(i));
        }
        return removed;
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
