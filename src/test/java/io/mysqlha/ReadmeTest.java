package io.mysqlha;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's parameter tables are the ones the agents' specs generate (`mysqlha params-table`). */
class ReadmeTest {
    @Test
    void parameterTablesAreCurrent() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String agent : new String[] {"mysql", "vip", "lvs"}) {
            String begin = "<!-- params:" + agent + " -->\n";
            String end = "<!-- /params:" + agent + " -->";
            int b = readme.indexOf(begin);
            int e = readme.indexOf(end);
            assertTrue(b >= 0 && e > b, "README has a parameter table for " + agent);
            PrintStream old = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                io.mysqlha.cli.Cli.run("params-table", agent);
            } finally {
                System.setOut(old);
            }
            assertEquals(out.toString(StandardCharsets.UTF_8), readme.substring(b + begin.length(), e),
                    "regenerate with: mysqlha params-table " + agent);
        }
    }
}
