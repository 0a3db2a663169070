package io.mysqlha.dialect;

import io.mysqlha.model.InstanceState;
import io.mysqlha.model.ServerVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the captured server output under src/test/resources/dialect (the client's vertical format). */
final class Captured {
    private static final Pattern FIELD = Pattern.compile("^\\s*([A-Za-z_]+): ?(.*)$");

    private Captured() {}

    static String text(String path) {
        try (InputStream in = Captured.class.getResourceAsStream("/dialect/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows of a vertical ({@code \G}) listing; values continued on following lines are joined with '\n'. */
    static List<Map<String, String>> rows(String path) {
        List<Map<String, String>> rows = new ArrayList<>();
        Map<String, String> row = null;
        String last = null;
        for (String line : text(path).split("\n")) {
            if (line.startsWith("***")) {
                row = new LinkedHashMap<>();
                rows.add(row);
                continue;
            }
            if (row == null) {
                continue;
            }
            Matcher m = FIELD.matcher(line);
            if (m.matches()) {
                last = m.group(1);
                row.put(last, m.group(2));
            } else if (last != null) {
                row.put(last, row.get(last) + "\n" + line);
            }
        }
        return rows;
    }

    static Map<String, String> row(String path) {
        List<Map<String, String>> r = rows(path);
        return r.isEmpty() ? null : r.get(0);
    }

    static Dialect dialect(String scenario) {
        return Dialect.forVersion(ServerVersion.parse(text(scenario + ".version.txt").trim(), ""));
    }

    static InstanceState state(String scenario) {
        Dialect d = dialect(scenario);
        return d.parseState(row(scenario + ".variables.txt"), rows(scenario + ".semisync.txt"),
                row(scenario + ".replica-status.txt"));
    }
}
