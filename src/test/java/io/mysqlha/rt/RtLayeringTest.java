package io.mysqlha.rt;

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
 * The harness is black-box: it reaches the cluster the way an operator and an application do, never
 * through the agents' internals. io.mysqlha.rt may not import agent, decide, dialect, failover, binlog or
 * ocf (nor the adapters and ports the agents are built on). The operator's tools it shares (io.mysqlha.ops,
 * e.g. the reclone it runs as the operator's rebuild) are held to the same rule.
 */
class RtLayeringTest {
    private static final Path RT = Path.of("src/main/java/io/mysqlha/rt");
    private static final Path OPS = Path.of("src/main/java/io/mysqlha/ops");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("io\\.mysqlha\\.(\\w+)\\.");
    static final List<String> FORBIDDEN = List.of("agent", "decide", "dialect", "failover", "binlog", "ocf", "adapter",
            "port", "model");

    @Test
    void rtImportsNoAgentInternals() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path dir : List.of(RT, OPS)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    violations.addAll(violations(f.getFileName().toString(), Files.readString(f)));
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    static List<String> violations(String name, String src) {
        List<String> out = new ArrayList<>();
        Matcher m = IMPORT.matcher(src);
        while (m.find()) {
            String imp = m.group(2);
            if (imp.startsWith("io.mysqlha.") && !imp.startsWith("io.mysqlha.rt.") && !imp.startsWith("io.mysqlha.ops.")) {
                out.add(name + " imports " + imp);
            }
        }
        // fully qualified uses in code, e.g. io.mysqlha.agent.MysqlAgent.bootId()
        String code = src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Matcher q = QUALIFIED.matcher(code);
        while (q.find()) {
            if (FORBIDDEN.contains(q.group(1))) {
                out.add(name + " uses io.mysqlha." + q.group(1));
            }
        }
        return out;
    }

    @Test
    void theCheckCatchesAViolation() {
        assertTrue(!violations("X.java", "import io.mysqlha.agent.MysqlAgent;\n").isEmpty());
        assertTrue(!violations("X.java", "class X { Object o = io.mysqlha.decide.Election.class; }").isEmpty());
        assertTrue(violations("X.java", "import io.mysqlha.rt.Op;\nimport java.util.List;\n").isEmpty());
    }
}
