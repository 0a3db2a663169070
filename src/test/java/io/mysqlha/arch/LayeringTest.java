package io.mysqlha.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pure centre stays pure: model, decide and dialect import java.base and each other only, and never
 * start processes, open sockets or touch files. JDBC, JNA and Jackson belong to adapters.
 */
class LayeringTest {
    private static final Path SRC = Path.of("src/main/java/io/mysqlha");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final List<String> PURE = List.of("model", "decide", "dialect", "binlog");
    private static final List<String> FORBIDDEN_CALLS = List.of("ProcessBuilder", "Runtime.getRuntime", "new Socket",
            "DriverManager", "Files.", "FileChannel", "ServerSocket", "System.getenv");

    @Test
    void pureLayersImportOnlyJavaBaseAndEachOther() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String layer : PURE) {
            Path dir = SRC.resolve(layer);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    Matcher m = IMPORT.matcher(src);
                    while (m.find()) {
                        String imp = m.group(2);
                        if (!allowed(imp)) {
                            violations.add(f + " imports " + imp);
                        }
                    }
                    String code = src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                    for (String call : FORBIDDEN_CALLS) {
                        if (code.contains(call) && !(layer.equals("binlog") && call.startsWith("File"))) {
                            violations.add(f + " uses " + call);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    private static boolean allowed(String imp) {
        if (imp.startsWith("io.mysqlha.")) {
            String layer = imp.substring("io.mysqlha.".length()).split("\\.")[0];
            return PURE.contains(layer);
        }
        if (imp.startsWith("java.sql") || imp.startsWith("java.net") || imp.startsWith("java.lang.ProcessBuilder")) {
            return false;
        }
        return imp.startsWith("java.util") || imp.startsWith("java.lang") || imp.startsWith("java.time")
                || imp.startsWith("java.math") || imp.startsWith("java.nio.charset") || imp.startsWith("java.io")
                || imp.startsWith("java.nio.ByteBuffer") || imp.startsWith("java.nio.ByteOrder")
                || imp.startsWith("java.nio.file") || imp.startsWith("java.nio.channels")
                || imp.startsWith("java.util.zip");
    }

    @Test
    void failoverUsesPortsOnly() throws IOException {
        // log compensation reaches servers and processes through ports; it may read local files (relay logs,
        // its work files) with java.nio.file
        List<String> violations = new ArrayList<>();
        Path dir = SRC.resolve("failover");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                Matcher m = IMPORT.matcher(src);
                while (m.find()) {
                    String imp = m.group(2);
                    if (imp.startsWith("io.mysqlha.adapter") || imp.startsWith("io.mysqlha.cli")
                            || imp.startsWith("io.mysqlha.agent") || imp.startsWith("java.sql")
                            || imp.startsWith("java.net") || imp.startsWith("com.") || imp.startsWith("org.")) {
                        violations.add(f + " imports " + imp);
                    }
                }
                String code = src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                for (String call : List.of("ProcessBuilder", "Runtime.getRuntime", "new Socket", "DriverManager",
                        "System.getenv")) {
                    if (code.contains(call)) {
                        violations.add(f + " uses " + call);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void jnaLivesInOneAdapterOnly() throws IOException {
        List<String> users = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains("import com.sun.jna")) {
                    users.add(SRC.relativize(f).getParent().toString());
                }
            }
        }
        assertTrue(users.stream().allMatch("adapter"::equals), users.toString());
    }

    @Test
    void theCheckCatchesAViolation() {
        // guard against a check that cannot fail
        assertTrue(!allowed("java.sql.Connection") && !allowed("com.sun.jna.Native")
                && !allowed("com.fasterxml.jackson.core.JsonParser") && !allowed("io.mysqlha.adapter.ProcMysqld"));
    }
}
