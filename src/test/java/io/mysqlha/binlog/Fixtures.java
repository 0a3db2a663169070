package io.mysqlha.binlog;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** The binary fixtures under src/test/resources/binlog, made by make-fixtures.sh (see the README there). */
final class Fixtures {
    static final List<String> SCENARIOS = List.of("rotate-crc32", "sizerot-crc32", "nochecksum", "mixed-checksum");

    private Fixtures() {
    }

    static Path root() {
        URL url = Fixtures.class.getResource("/binlog/make-fixtures.sh");
        if (url == null) {
            throw new IllegalStateException("test resources binlog/ not on the class path");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path dir(String scenario) {
        return root().resolve(scenario);
    }

    static Properties expected(String scenario) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir(scenario).resolve("expected.properties"))) {
            p.load(r);
        }
        return p;
    }

    static List<Path> relayLogs(String scenario) throws IOException {
        return RelayLogs.fromIndex(dir(scenario).resolve("replica-relay-bin.index"));
    }

    static List<Path> primaryBinlogs(String scenario) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String f : expected(scenario).getProperty("primary.files").split(",")) {
            out.add(dir(scenario).resolve(f));
        }
        return out;
    }

    /** Every binlog and relay-log file of every scenario. */
    static List<Path> allLogFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String s : SCENARIOS) {
            out.addAll(primaryBinlogs(s));
            out.addAll(relayLogs(s));
        }
        return out;
    }

    static BinlogPosition position(Properties p, String fileKey, String posKey) {
        return new BinlogPosition(p.getProperty(fileKey), Long.parseLong(p.getProperty(posKey)));
    }

    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    static byte[] copyOf(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }
}
