package io.mysqlha.rt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster under test, reached the way an operator reaches it: a shell on each node (where the
 * Pacemaker tools, the server's own client and the fault commands run) and SQL through the VIPs. Two
 * implementations: the lab on this machine ({@link LabTarget}, through test-harness/lab) and real nodes
 * over ssh ({@link SshTarget}, from a nodes file).
 */
public interface Target {
    /** A short name for reports ("lab", "ssh:staging.nodes"). */
    String name();

    /** The HA nodes (those that vote and may be promoted), in a stable order. */
    List<String> haNodes();

    /** Every node that runs a db instance: the HA nodes and any async replicas. */
    List<String> allNodes();

    String writerVip();

    /** The reader VIP, or empty when the cluster has none. */
    Optional<String> readerVip();

    /** The application account the workload uses through the VIPs. */
    AppAccount app();

    /**
     * Checks that the target is there and usable: every node answers, the cluster tools answer. Throws
     * {@link TargetException} with a message for the operator when not.
     */
    void preflight();

    /** Runs argv as root on node. Never blocks longer than timeout. */
    Exec.Result exec(String node, Duration timeout, String... argv);

    /** Starts a long-lived command on node with its standard input and output connected to us. */
    Process spawn(String node, String... argv) throws IOException;

    /** The IPv4 addresses configured on node right now (to see who holds a VIP); empty when it cannot tell. */
    Optional<List<String>> addresses(String node);

    /** Whether this target can inject verb. */
    boolean supports(Verb verb);

    /** Injects (or undoes) a fault. nodes: the nodes it applies to (one, or several for PARTITION; two for CUT). */
    Exec.Result fault(Verb verb, List<String> nodes, Duration timeout);

    /** The command that streams the argv of one node into another (node-to-node copy), as two argvs. */
    default Exec.Result pipe(String from, List<String> fromArgv, String to, List<String> toArgv, Duration timeout) {
        return Exec.pipe(wrap(from, fromArgv), wrap(to, toArgv), timeout);
    }

    /** The argv that runs argv on node from here (used by {@link #pipe}). */
    List<String> wrap(String node, List<String> argv);

    /** Copies a node's logs (Pacemaker, Corosync, the server's error log, the agent's journal) into dir. */
    void collectLogs(String node, Path dir);

    /** Fault verbs, named like test-harness/lab's. */
    enum Verb {
        KILL_MYSQLD("kill-mysqld"), KILL_NODE("kill-node"), START_NODE("start-node"), PARTITION("partition"),
        HEAL("heal"), LINK_DOWN("link-down"), LINK_UP("link-up"), FREEZE("freeze"), THAW("thaw"),
        STOP_CLUSTER_DAEMONS("stop-cluster-daemons"), START_CLUSTER_DAEMONS("start-cluster-daemons"),
        FILL_DISK("fill-disk"), FREE_DISK("free-disk"), KILL_SERVICE("kill-service"), STOP_SERVICE("stop-service"),
        START_SERVICE("start-service"), CUT("cut"), QNETD_STOP("qnetd-stop"), QNETD_START("qnetd-start");

        public final String word;

        Verb(String word) {
            this.word = word;
        }
    }

    /**
     * The workload's account: user, password and the database it may write; tls when its option file asks
     * for TLS ({@code ssl-ca}, {@code ssl} in [client]: servers that require it).
     */
    record AppAccount(String user, String password, String database, boolean tls) {
        AppAccount(String user, String password, String database) {
            this(user, password, database, false);
        }

        @Override
        public String toString() {
            return "AppAccount[" + user + "@" + database + "]";
        }
    }

    /** The target cannot be used as it is: a lab that is not up, an unreachable node. Exit status 2. */
    final class TargetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TargetException(String message) {
            super(message);
        }
    }
}
