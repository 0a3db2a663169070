package io.mysqlha.binlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The binlog package depends on java.base only, so failover code and tools can use it anywhere. */
class BinlogPackageImportsTest {
    @Test
    void importsOnlyJavaBase() throws IOException {
        Path src = Path.of(System.getProperty("mysqlha.basedir", "."), "src/main/java/io/mysqlha/binlog");
        assertTrue(Files.isDirectory(src), "run from the project directory: " + src.toAbsolutePath());
        List<String> bad = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                for (String line : Files.readAllLines(f)) {
                    String l = line.strip();
                    if (l.startsWith("import ") && !l.matches("import (static )?java\\.(io|nio|util|lang|net|time)\\..*")) {
                        bad.add(f.getFileName() + ": " + l);
                    }
                }
            }
        }
        assertTrue(files > 10);
        assertEquals(List.of(), bad);
    }
}
