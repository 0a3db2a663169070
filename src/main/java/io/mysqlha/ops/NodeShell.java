package io.mysqlha.ops;

import io.mysqlha.rt.Exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How an operator's command reaches a node: a root shell there. In production that is ssh as root (like
 * MHA's), {@link #ssh}; elsewhere a command that runs argv inside a node ({@link #via}, e.g. the lab's
 * {@code lab exec {node}}). A node that is this machine is run directly, without ssh.
 */
@FunctionalInterface
public interface NodeShell {
    /** The argv that runs argv as root on node, from here. */
    List<String> wrap(String node, List<String> argv);

    /** Runs argv as root on node, never longer than timeout. */
    default Exec.Result run(String node, Duration timeout, String... argv) {
        return Exec.run(wrap(node, List.of(argv)), timeout);
    }

    /** Runs a shell script on node. */
    default Exec.Result sh(String node, Duration timeout, String script) {
        return run(node, timeout, "sh", "-c", script);
    }

    /**
     * ssh as user to each node by its cluster name (resolvable here, as Pacemaker's node names usually are);
     * localNode (this machine's name, or null) is run without ssh.
     */
    static NodeShell ssh(String user, List<String> options, String localNode) {
        return (node, argv) -> {
            if (node.equals(localNode)) {
                return List.copyOf(argv);
            }
            List<String> cmd = new ArrayList<>(List.of("ssh"));
            cmd.addAll(options);
            cmd.add(user + "@" + node);
            cmd.add("--");
            // ssh joins its arguments with spaces for the remote shell: quote each one
            for (String a : argv) {
                cmd.add(quote(a));
            }
            return cmd;
        };
    }

    /** A command template whose words run argv on a node, {node} replaced by the node's name. */
    static NodeShell via(String template) {
        List<String> words = List.of(template.strip().split("\\s+"));
        if (words.isEmpty() || words.get(0).isEmpty() || words.stream().noneMatch(w -> w.contains("{node}"))) {
            throw new IllegalArgumentException("--via needs a command with {node} in it, e.g. --via 'lab exec {node}'");
        }
        return (node, argv) -> {
            List<String> cmd = new ArrayList<>();
            for (String w : words) {
                cmd.add(w.replace("{node}", node));
            }
            cmd.addAll(argv);
            return cmd;
        };
    }

    /** A word for a POSIX shell. */
    static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./=:@,+-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
