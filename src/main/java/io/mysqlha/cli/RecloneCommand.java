package io.mysqlha.cli;

import io.mysqlha.ops.NodeShell;
import io.mysqlha.ops.Reclone;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mysqlha reclone NODE}: rebuild a refused replica from a healthy one (see {@link Reclone}). Runs on
 * any node, or any machine that reaches the nodes as root by ssh; exit codes: 0 done, 1 a step failed
 * (what is left is printed), 2 refused (nothing changed).
 */
@Command(name = "reclone", description = "Rebuild a replica from a healthy one (mariadb-backup streamed node to node, "
        + "prepared, gtid_slave_pos from the backup, mysqlha rejoin, cleanup). The old datadir is kept aside until "
        + "removed with --discard-old.")
public final class RecloneCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NODE", description = "the node to rebuild (a Pacemaker node name)")
    String node;

    @Option(names = "--from", paramLabel = "NODE", description = "the node to copy from (default: the first healthy replica)")
    String from;

    @Option(names = "--allow-primary", description = "allow --from to name the primary (the backup loads it)")
    boolean allowPrimary;

    @Option(names = "--force", description = "rebuild NODE even though Pacemaker runs it as a healthy replica")
    boolean force;

    @Option(names = "--discard-old", description = "remove the old datadir once NODE replicates again; on a node "
            + "that already replicates (no --force): only remove the old datadirs a previous reclone kept")
    boolean discardOld;

    @Option(names = "--keep-old-in", paramLabel = "DIR", description = "keep the old datadir in DIR (default: beside "
            + "the datadir, as DATADIR.old-TIMESTAMP)")
    String keepOldIn;

    @Option(names = "--resource", defaultValue = "db", description = "the promotable clone (default: db)")
    String cloneResource;

    @Option(names = "--agent-resource", defaultValue = "mysql", description = "its ocf:mysqlha:mysql primitive (default: mysql)")
    String agentResource;

    @Option(names = "--datadir", description = "the servers' datadir (default: the resource's datadir parameter in the CIB, else /var/lib/mysql)")
    String datadir;

    @Option(names = "--config", description = "the servers' option file (default: the resource's config parameter in the CIB, else /etc/mysql/my.cnf)")
    String config;

    @Option(names = "--wait", defaultValue = "180", paramLabel = "S", description = "how long to wait for NODE to replicate (default: 180)")
    int waitS;

    @Option(names = "--ssh-user", defaultValue = "root", description = "ssh as this user (default: root)")
    String sshUser;

    @Option(names = "--ssh-option", paramLabel = "OPT", description = "an ssh option (repeatable; default: -o BatchMode=yes -o ConnectTimeout=5)")
    List<String> sshOptions;

    @Option(names = "--via", paramLabel = "CMD", description = "reach nodes with this command instead of ssh, {node} "
            + "replaced by the node's name (e.g. --via 'test-harness/lab exec {node}')")
    String via;

    @Override
    public Integer call() {
        NodeShell shell;
        try {
            shell = via != null ? NodeShell.via(via) : NodeShell.ssh(sshUser, sshOptions != null ? sshOptions
                    : List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=5"), localName());
        } catch (IllegalArgumentException e) {
            System.err.println("reclone: " + e.getMessage());
            return 2;
        }
        Reclone r = new Reclone(shell, new Reclone.Options(node, from, allowPrimary, force, discardOld, cloneResource,
                agentResource, datadir, config, keepOldIn, Duration.ofSeconds(waitS)), System.out, System.console() != null);
        try {
            Reclone.Result res = r.run();
            return res.replicating() ? 0 : 1;
        } catch (Reclone.Refused e) {
            System.err.println("reclone refused: " + e.getMessage());
            return 2;
        } catch (Reclone.Failed e) {
            System.err.println("reclone failed: " + e.getMessage());
            return 1;
        }
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("\\..*", "");
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
