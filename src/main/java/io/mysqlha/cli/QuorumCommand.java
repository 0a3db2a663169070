package io.mysqlha.cli;

import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.decide.Quorum;
import io.mysqlha.ocf.Notify;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.status.ClusterStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code mysqlha quorum}: would this partition be allowed to promote? The same check promote makes. */
@Command(name = "quorum", description = "Print whether this partition may promote (cluster quorum and a majority "
        + "of the HA nodes), with the reasons. Exit 0: yes, 1: no, 2: cannot tell.")
public final class QuorumCommand implements Callable<Integer> {
    @Option(names = "--resource", defaultValue = "db", description = "the ocf:mysqlha:mysql primitive or its clone (default: db)")
    String resource;

    @Option(names = "--ha-nodes", description = "HA nodes, space-separated (default: the resource's ha_nodes)")
    String haNodes;

    @Override
    public Integer call() {
        CommandRunner runner = new ProcessCommandRunner();
        Cluster cluster = OcfCommand.cluster(io.mysqlha.ocf.OcfEnv.of(System.getenv()), runner);
        Deadline d = Deadline.in(Clock.SYSTEM, 20_000);
        try {
            String ha = haNodes;
            if (ha == null) {
                // the primitive or its clone, as everywhere else (the lab and pcs-config name the clone db)
                CommandRunner.Result r = runner.run(List.of("cibadmin", "--query", "--scope", "resources"), null, d);
                if (!r.ok()) {
                    throw new IllegalStateException("cibadmin --query failed (" + (r.timedOut() ? "timed out"
                            : "exit " + r.exit()) + "); is Pacemaker running on this node?");
                }
                ha = ClusterStatus.resources(r.stdout(), resource).params().getOrDefault("ha_nodes", "");
            }
            String me = cluster.localNode();
            Quorum q = Quorum.check(cluster.hasQuorum(d), cluster.partitionMembers(d), Notify.split(ha), me,
                    () -> cluster.voteQuorum(d));
            System.out.println("node " + me + ": promotion " + (q.allowed() ? "allowed" : "refused"));
            for (String why : q.reasons()) {
                System.out.println("  - " + why);
            }
            System.out.println("RESULT quorum=" + (q.allowed() ? "yes" : "no") + " node=" + me);
            return q.allowed() ? 0 : 1;
        } catch (RuntimeException e) {
            System.err.println("quorum: cannot tell: " + e.getMessage());
            return 2;
        }
    }
}
