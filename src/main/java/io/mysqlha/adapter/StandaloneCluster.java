package io.mysqlha.adapter;

import io.mysqlha.port.Cluster;
import io.mysqlha.port.Deadline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The cluster as a directory of files, for running the agents outside Pacemaker: with ocf-tester, by hand
 * on a single host, and in integration tests that drive real servers. Selected with
 * {@code MYSQLHA_STANDALONE_DIR}; several "nodes" (MYSQLHA_NODE) may share one directory. Quorum is held
 * unless the file {@code no-quorum} exists; members are listed in {@code members} (default: all known).
 */
public final class StandaloneCluster implements Cluster {
    private final Path dir;
    private final String node;

    public StandaloneCluster(Path dir, String node) {
        this.dir = dir;
        this.node = node;
        join();
    }

    private void join() {
        Properties nodes = load("nodes");
        if (!nodes.containsKey(node)) {
            nodes.setProperty(node, "1");
            store("nodes", nodes);
        }
    }

    @Override
    public String localNode() {
        return node;
    }

    @Override
    public boolean hasQuorum(Deadline d) {
        return !Files.exists(dir.resolve("no-quorum"));
    }

    @Override
    public List<String> partitionMembers(Deadline d) {
        Optional<String> m = readFile("members");
        if (m.isPresent()) {
            List<String> out = new ArrayList<>();
            for (String s : m.get().trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
            return out;
        }
        return knownNodes(d);
    }

    @Override
    public List<String> knownNodes(Deadline d) {
        List<String> out = new ArrayList<>(List.of(node));
        for (String k : load("nodes").stringPropertyNames()) {
            if (!out.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public void setPromotionScore(String resource, int score, Deadline d) {
        update("promotion-" + resource, node, Integer.toString(score));
    }

    @Override
    public void clearPromotionScore(String resource, Deadline d) {
        update("promotion-" + resource, node, null);
    }

    @Override
    public Optional<String> clusterProperty(String name, Deadline d) {
        return Optional.ofNullable(load("crm_config").getProperty(name));
    }

    @Override
    public void setClusterProperty(String name, String value, Deadline d) {
        Properties p = load("crm_config");
        p.setProperty(name, value);
        store("crm_config", p);
    }

    @Override
    public void setNodeAttribute(String name, String value, boolean privateAttr, Deadline d) {
        update("attr-" + name, node, value);
    }

    @Override
    public void deleteNodeAttribute(String name, boolean privateAttr, Deadline d) {
        update("attr-" + name, node, null);
    }

    @Override
    public Map<String, String> nodeAttributes(String name, Deadline d) {
        Map<String, String> out = new LinkedHashMap<>();
        Properties p = load("attr-" + name);
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k));
        }
        return out;
    }

    /** The promotion scores recorded for a resource: node to score. */
    public Map<String, String> promotionScores(String resource) {
        Map<String, String> out = new LinkedHashMap<>();
        Properties p = load("promotion-" + resource);
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k));
        }
        return out;
    }

    private synchronized void update(String file, String key, String value) {
        Properties p = load(file);
        if (value == null) {
            p.remove(key);
        } else {
            p.setProperty(key, value);
        }
        store(file, p);
        join();
    }

    private Optional<String> readFile(String name) {
        try {
            return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Properties load(String name) {
        Properties p = new Properties();
        readFile(name).ifPresent(s -> {
            try {
                p.load(new java.io.StringReader(s));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return p;
    }

    private void store(String name, Properties p) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
            try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, null);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
