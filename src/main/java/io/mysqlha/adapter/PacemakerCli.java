package io.mysqlha.adapter;

import io.mysqlha.port.Cluster;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.ocf.OcfException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pacemaker through its command-line tools (crm_node, crm_attribute, attrd_updater). */
public final class PacemakerCli implements Cluster {
    private static final Pattern ATTRD_LINE = Pattern.compile("name=\"([^\"]*)\"\\s+host=\"([^\"]*)\"\\s+value=\"([^\"]*)\"");

    private final CommandRunner runner;
    private String localNode;

    /** {@code knownLocalNode}: the node name Pacemaker passed (CRM_meta_on_node), or null to ask crm_node. */
    public PacemakerCli(CommandRunner runner, String knownLocalNode) {
        this.runner = runner;
        this.localNode = knownLocalNode;
    }

    private CommandRunner.Result run(Deadline d, String... argv) {
        return runner.run(List.of(argv), null, d.atMost(10_000));
    }

    private String must(Deadline d, String... argv) {
        CommandRunner.Result r = run(d, argv);
        if (!r.ok()) {
            throw OcfException.generic(String.join(" ", argv) + " failed"
                    + (r.timedOut() ? " (timed out)" : " (exit " + r.exit() + "): " + r.message()));
        }
        return r.stdout();
    }

    @Override
    public String localNode() {
        if (localNode == null) {
            CommandRunner.Result r = runner.run(List.of("crm_node", "-n"), null,
                    Deadline.in(io.mysqlha.port.Clock.SYSTEM, 10_000));
            if (!r.ok() || r.stdout().isBlank()) {
                throw OcfException.generic("cannot learn this node's name: crm_node -n: " + r.message());
            }
            localNode = r.stdout().trim();
        }
        return localNode;
    }

    @Override
    public boolean hasQuorum(Deadline d) {
        return "1".equals(must(d, "crm_node", "-q").trim());
    }

    @Override
    public List<String> partitionMembers(Deadline d) {
        List<String> out = new ArrayList<>();
        for (String s : must(d, "crm_node", "-p").trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public io.mysqlha.decide.VoteQuorum voteQuorum(Deadline d) {
        // exit 0 when quorate, 2 when not: the output says which, and both are read
        CommandRunner.Result r = run(d, "corosync-quorumtool", "-s");
        if (r.timedOut()) {
            throw OcfException.generic("corosync-quorumtool -s timed out");
        }
        return io.mysqlha.decide.VoteQuorum.parse(r.stdout());
    }

    @Override
    public List<String> knownNodes(Deadline d) {
        // lines: "<id> <name> <state>"
        List<String> out = new ArrayList<>();
        for (String line : must(d, "crm_node", "-l").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2) {
                out.add(f[1]);
            }
        }
        return out;
    }

    @Override
    public void setPromotionScore(String resource, int score, Deadline d) {
        must(d, "crm_attribute", "--promotion=" + resource, "--node", localNode(), "--lifetime", "reboot",
                "--update", Integer.toString(score));
    }

    @Override
    public void clearPromotionScore(String resource, Deadline d) {
        CommandRunner.Result r = run(d, "crm_attribute", "--promotion=" + resource, "--node", localNode(),
                "--lifetime", "reboot", "--delete");
        // deleting an absent attribute is fine (exit 0 or 105 "no such" on some versions)
        if (r.timedOut()) {
            throw OcfException.generic("crm_attribute --delete timed out");
        }
    }

    @Override
    public Optional<String> clusterProperty(String name, Deadline d) {
        CommandRunner.Result r = run(d, "crm_attribute", "--type", "crm_config", "--name", name, "--query", "--quiet");
        if (r.timedOut()) {
            throw OcfException.generic("crm_attribute --query " + name + " timed out");
        }
        if (r.exit() == 105 || r.exit() == 6 || (r.exit() != 0 && r.stderr().contains("No such"))) {
            return Optional.empty();
        }
        if (r.exit() != 0) {
            throw OcfException.generic("crm_attribute --query " + name + " failed (exit " + r.exit() + "): " + r.message());
        }
        String v = r.stdout().trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    @Override
    public Optional<Map<String, List<String>>> clusterProperties(Deadline d) {
        return Optional.of(parseCrmConfig(must(d, "cibadmin", "--query", "--scope", "crm_config")));
    }

    /** The nvpairs of {@code cibadmin --query --scope crm_config}'s answer: name to its values, in document order. */
    static Map<String, List<String>> parseCrmConfig(String xml) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        boolean[] inSeen = {false, false};
        XmlTags.scan(xml, t -> {
            if (t.name().equals("crm_config")) {
                inSeen[0] = !t.end() && !t.empty();
                inSeen[1] = true;
            } else if (inSeen[0] && !t.end() && t.name().equals("nvpair") && t.attr("name") != null) {
                m.computeIfAbsent(t.attr("name"), k -> new ArrayList<>())
                        .add(t.attr("value") == null ? "" : t.attr("value"));
            }
        });
        if (!inSeen[1]) {
            throw OcfException.generic("cibadmin --query --scope crm_config answered without a crm_config element");
        }
        return m;
    }

    @Override
    public void setClusterProperty(String name, String value, Deadline d) {
        must(d, "crm_attribute", "--type", "crm_config", "--name", name, "--update", value);
    }

    @Override
    public void setNodeAttribute(String name, String value, boolean privateAttr, Deadline d) {
        List<String> argv = new ArrayList<>(List.of("attrd_updater", "-n", name, "-U", value, "-N", localNode()));
        if (privateAttr) {
            argv.add("--private");
        }
        must(d, argv.toArray(new String[0]));
    }

    @Override
    public void deleteNodeAttribute(String name, boolean privateAttr, Deadline d) {
        List<String> argv = new ArrayList<>(List.of("attrd_updater", "-n", name, "-D", "-N", localNode()));
        if (privateAttr) {
            argv.add("--private");
        }
        run(d, argv.toArray(new String[0]));
    }

    @Override
    public Map<String, String> nodeAttributes(String name, Deadline d) {
        CommandRunner.Result r = run(d, "attrd_updater", "-Q", "-A", "-n", name);
        return r.ok() ? parseAttrd(r.stdout()) : new LinkedHashMap<>();
    }

    /** Parses attrd_updater -Q -A output: {@code name="x" host="node1" value="v"} lines. */
    static Map<String, String> parseAttrd(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            Matcher x = ATTRD_LINE.matcher(line);
            if (x.find() && !x.group(3).isEmpty()) {
                m.put(x.group(2), x.group(3));
            }
        }
        return m;
    }
}
