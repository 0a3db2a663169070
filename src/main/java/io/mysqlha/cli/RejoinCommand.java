package io.mysqlha.cli;

import io.mysqlha.adapter.FileLocalState;
import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.model.MasterInfo;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Deadline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code mysqlha rejoin}: the operator's word that this node's data is fit to rejoin after the agent
 * refused it (stale primary, unclean crash, corrupt fence file). It rewrites the fence file from the CIB's
 * master-info and records a clean end; it changes no data. Run it only after checking or rebuilding the
 * node, then {@code pcs resource cleanup}.
 */
@Command(name = "rejoin", description = "After checking or rebuilding this node: accept it again (rewrite the fence "
        + "file from the CIB, record a clean end, release a hold for flapping). Changes no data. With --clear-hold: "
        + "release the hold only.")
public final class RejoinCommand implements Callable<Integer> {
    @Option(names = "--resource", defaultValue = "db", description = "the ocf:mysqlha:mysql resource (default: db)")
    String resource;

    @Option(names = "--state-dir", defaultValue = "/var/lib/mysqlha", description = "the agent's state_dir")
    Path stateDir;

    @Option(names = "--clear-hold", description = "only release a node held out for flapping (its unclean ends "
            + "are forgotten); the agent's crash guard still checks it at its next start")
    boolean clearHold;

    @Override
    public Integer call() {
        FileLocalState state = new FileLocalState(stateDir.resolve(resource), true);
        Optional<String> hold = state.read(io.mysqlha.agent.MysqlAgent.HOLD_FILE);
        state.delete(io.mysqlha.agent.MysqlAgent.HOLD_FILE);
        state.delete(io.mysqlha.agent.MysqlAgent.CRASHES_FILE);
        if (hold.isPresent()) {
            System.out.println("released the hold (" + hold.get().strip() + ")");
        }
        if (clearHold) {
            System.out.println((hold.isPresent() ? "" : "this node was not held out; ")
                    + "its next start is checked by the crash guard as usual; now run: pcs resource cleanup " + resource);
            return 0;
        }
        io.mysqlha.port.Cluster cluster = OcfCommand.cluster(io.mysqlha.ocf.OcfEnv.of(System.getenv()),
                new ProcessCommandRunner());
        Optional<String> cib = cluster.clusterProperty("mysqlha_" + resource + "_master_info",
                Deadline.in(Clock.SYSTEM, 20_000));
        Optional<String> old = state.read("master-info");
        if (cib.isPresent()) {
            MasterInfo mi = MasterInfo.parse(cib.get());
            if (old.isPresent()) {
                state.write("master-info.before-rejoin", old.get());
            }
            state.write("master-info", mi.format() + "\n");
            System.out.println("fence file " + state.path("master-info") + " now says: " + mi.format()
                    + (old.isPresent() ? " (was: " + old.get().trim() + "; kept in master-info.before-rejoin)" : ""));
        } else {
            System.out.println("the CIB has no master-info for " + resource + "; fence file left as it is");
        }
        String boot = io.mysqlha.agent.MysqlAgent.bootId();
        state.write("lifecycle", io.mysqlha.decide.CrashGuard.clean(boot));
        System.out.println("recorded a clean end; now run: pcs resource cleanup " + resource);
        return 0;
    }
}
