package io.mysqlha.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/lvs.md's parameter table is the one the agent's specs generate (`mysqlha params-table lvs`). */
class LvsDocsTest {
    @Test
    void parameterTableIsCurrent() throws Exception {
        String doc = Files.readString(Path.of("docs/lvs.md"));
        String begin = "<!-- params:lvs -->\n";
        String end = "<!-- /params:lvs -->";
        int b = doc.indexOf(begin);
        int e = doc.indexOf(end);
        assertTrue(b >= 0 && e > b, "docs/lvs.md has the parameter table");
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            io.mysqlha.cli.Cli.run("params-table", "lvs");
        } finally {
            System.setOut(old);
        }
        assertEquals(out.toString(StandardCharsets.UTF_8), doc.substring(b + begin.length(), e),
                "regenerate with: mysqlha params-table lvs");
    }
}
