package io.mysqlha.cli;

import io.mysqlha.adapter.CredentialsFile;
import io.mysqlha.adapter.FileLocalState;
import io.mysqlha.adapter.JdbcSqlConnector;
import io.mysqlha.adapter.JnaPacketSocket;
import io.mysqlha.adapter.JnaSyslog;
import io.mysqlha.adapter.PacemakerCli;
import io.mysqlha.adapter.ProcMysqld;
import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.adapter.StandaloneCluster;
import io.mysqlha.adapter.SysfsNetDevices;
import io.mysqlha.agent.MysqlAgent;
import io.mysqlha.agent.MysqlParams;
import io.mysqlha.agent.VipAgent;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.ocf.Params;
import io.mysqlha.model.TlsSettings;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.CommandRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mysqlha ocf <agent> <action>}: what the ra/ shims exec. */
@Command(name = "ocf", description = "Run an OCF agent action (as Pacemaker does through the ra/ shims).")
public final class OcfCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "agent: mysql, vip")
    String agent;

    @Parameters(index = "1", description = "action: start, stop, monitor, promote, demote, notify, meta-data, "
            + "validate-all", defaultValue = "usage")
    String action;

    @Override
    public Integer call() {
        return run(agent, action, System.getenv(), System.out, System.err);
    }

    /** Work a VIP start leaves to finish after it has answered: see {@link VipAgent.Background}. */
    interface Later {
        void run(String agent, String action, Map<String, String> env);
    }

    /**
     * Where an action runs: in a fresh JVM of its own (the fallback, {@link #PROCESS}) or in the node service,
     * which passes the shim's pid for the log tag, one shared syslog, and runs deferred work on its threads.
     */
    record Host(long pid, java.util.function.Supplier<OcfLog.Syslog> syslog, Later later) {
        static final Host PROCESS = new Host(ProcessHandle.current().pid(), JnaSyslog::new,
                (agent, action, env) -> io.mysqlha.adapter.DetachedSelf.spawn(List.of("ocf", agent, action), env));
    }

    static int run(String agent, String action, Map<String, String> environment, PrintStream out, PrintStream err) {
        return run(agent, action, environment, out, err, Host.PROCESS);
    }

    static int run(String agent, String action, Map<String, String> environment, PrintStream out, PrintStream err,
                   Host host) {
        OcfEnv env = OcfEnv.of(environment);
        Agents.Kind kind = Agents.kind(agent);
        if (kind == null) {
            err.println("ocf-exit-reason:unknown agent '" + agent + "' (known: " + Agents.names() + ")");
            return OcfExit.ERR_UNIMPLEMENTED.code();
        }
        // meta-data answers before anything else, with no environment at all
        if ("meta-data".equals(action)) {
            out.print(kind.metaData());
            out.flush();
            return OcfExit.SUCCESS.code();
        }
        if ("usage".equals(action) || "help".equals(action)) {
            out.println("usage: " + agent + " {" + kind.usage() + "}");
            return OcfExit.SUCCESS.code();
        }
        OcfLog log = new OcfLog("mysqlha-" + agent + "(" + env.resourceName() + ")[" + host.pid() + "]", env,
                host.syslog(), err);
        try {
            return kind.create(env, log, host).run(action);
        } catch (OcfException e) {
            log.exitReason(e.getMessage());
            return e.exit().code();
        } catch (UncheckedIOException e) {
            log.exitReason(e.getMessage());
            return OcfExit.ERR_GENERIC.code();
        } catch (io.mysqlha.port.SqlException e) {
            // the server's answer (or its silence) says it all: no class name in crm_mon's 128 characters
            log.exitReason(action + " failed: " + e.getMessage());
            return OcfExit.ERR_GENERIC.code();
        } catch (RuntimeException e) {
            log.exitReason(action + " failed: " + e);
            return OcfExit.ERR_GENERIC.code();
        }
    }

    static MysqlAgent.Ports mysqlPorts(OcfEnv env, Params p) {
        CommandRunner runner = new ProcessCommandRunner();
        Path dir = Path.of(p.str("state_dir"), env.resourceName());
        // one read of the cluster properties per action, however many of them the action asks for
        Cluster cluster = new io.mysqlha.adapter.SnapshotCluster(cluster(env, runner));
        // a bad tls parameter is reported by validation, which runs before every action
        TlsSettings tls;
        try {
            tls = MysqlAgent.tlsSettings(p);
        } catch (io.mysqlha.ocf.OcfException e) {
            tls = TlsSettings.OFF;
        }
        TlsSettings t = tls;
        return new MysqlAgent.Ports(cluster, new JdbcSqlConnector(t),
                new ProcMysqld(p.str("binary"), p.str("pid"), p.str("datadir")),
                new FileLocalState(dir, true), new FileLocalState(dir.resolve("cache"), false), runner,
                Clock.SYSTEM, () -> CredentialsFile.load(Path.of(p.str("credentials_file"))).withTls(t));
    }

    static VipAgent.Ports vipPorts(Host host) {
        // the packet socket (and with it JNA's native library) is created only when ARP is sent
        return new VipAgent.Ports(new ProcessCommandRunner(), new SysfsNetDevices(), () -> new JnaPacketSocket(),
                Clock.SYSTEM, (action, env) -> host.later().run("vip", action, env));
    }

    /**
     * Pacemaker through its tools, or, when {@code MYSQLHA_STANDALONE_DIR} is set, a directory of files
     * (running outside a cluster: ocf-tester, integration tests, a single host by hand).
     */
    static Cluster cluster(OcfEnv env, CommandRunner runner) {
        String standalone = env.raw("MYSQLHA_STANDALONE_DIR");
        if (standalone != null && !standalone.isEmpty()) {
            return new StandaloneCluster(Path.of(standalone), env.raw("MYSQLHA_NODE") != null
                    ? env.raw("MYSQLHA_NODE") : hostname());
        }
        return new PacemakerCli(runner, env.onNode().orElse(null));
    }

    private static String hostname() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
