package io.mysqlha.cli;

import io.mysqlha.adapter.CredentialsFile;
import io.mysqlha.adapter.FileLocalState;
import io.mysqlha.adapter.JdbcSqlConnector;
import io.mysqlha.adapter.JnaSyslog;
import io.mysqlha.adapter.PacemakerCli;
import io.mysqlha.adapter.ProcMysqld;
import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.adapter.StandaloneCluster;
import io.mysqlha.agent.MysqlAgent;
import io.mysqlha.agent.MysqlParams;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.ocf.Params;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.CommandRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mysqlha ocf <agent> <action>}: what the ra/ shims exec. */
@Command(name = "ocf", description = "Run an OCF agent action (as Pacemaker does through the ra/ shims).")
public final class OcfCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "agent: mysql")
    String agent;

    @Parameters(index = "1", description = "action: start, stop, monitor, promote, demote, notify, meta-data, "
            + "validate-all", defaultValue = "usage")
    String action;

    @Override
    public Integer call() {
        return run(agent, action, System.getenv(), System.out, System.err);
    }

    static int run(String agent, String action, Map<String, String> environment, PrintStream out, PrintStream err) {
        OcfEnv env = OcfEnv.of(environment);
        if (!"mysql".equals(agent)) {
            err.println("ocf-exit-reason:unknown agent '" + agent + "'");
            return OcfExit.ERR_UNIMPLEMENTED.code();
        }
        // meta-data answers before anything else, with no environment at all
        if ("meta-data".equals(action)) {
            out.print(MysqlAgent.metaData());
            out.flush();
            return OcfExit.SUCCESS.code();
        }
        OcfLog log = new OcfLog("mysqlha-" + agent + "(" + env.resourceName() + ")[" + ProcessHandle.current().pid()
                + "]", env, JnaSyslog::new, err);
        try {
            Params params = Params.resolve(env, MysqlParams.PARAMS);
            MysqlAgent a = new MysqlAgent(env, log, params, ports(env, params));
            return switch (action) {
                case "start" -> a.start();
                case "stop" -> a.stop();
                case "monitor", "status" -> a.monitor();
                case "promote" -> a.promote();
                case "demote" -> a.demote();
                case "notify" -> a.notifyAction();
                case "validate-all" -> a.validateAll();
                case "usage", "help" -> {
                    out.println("usage: mysql {start|stop|monitor|promote|demote|notify|validate-all|meta-data}");
                    yield OcfExit.SUCCESS.code();
                }
                default -> {
                    log.exitReason("action '" + action + "' is not implemented");
                    yield OcfExit.ERR_UNIMPLEMENTED.code();
                }
            };
        } catch (OcfException e) {
            log.exitReason(e.getMessage());
            return e.exit().code();
        } catch (UncheckedIOException e) {
            log.exitReason(e.getMessage());
            return OcfExit.ERR_GENERIC.code();
        } catch (RuntimeException e) {
            log.exitReason(action + " failed: " + e);
            return OcfExit.ERR_GENERIC.code();
        }
    }

    private static MysqlAgent.Ports ports(OcfEnv env, Params p) {
        CommandRunner runner = new ProcessCommandRunner();
        Path dir = Path.of(p.str("state_dir"), env.resourceName());
        String standalone = env.raw("MYSQLHA_STANDALONE_DIR");
        Cluster cluster = standalone != null && !standalone.isEmpty()
                ? new StandaloneCluster(Path.of(standalone), env.raw("MYSQLHA_NODE") != null
                        ? env.raw("MYSQLHA_NODE") : hostname())
                : new PacemakerCli(runner, env.onNode().orElse(null));
        return new MysqlAgent.Ports(cluster, new JdbcSqlConnector(),
                new ProcMysqld(p.str("binary"), p.str("pid"), p.str("datadir")),
                new FileLocalState(dir, true), new FileLocalState(dir.resolve("cache"), false), runner,
                Clock.SYSTEM, () -> CredentialsFile.load(Path.of(p.str("credentials_file"))));
    }

    private static String hostname() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
