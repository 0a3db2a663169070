package io.mysqlha.cli;

import io.mysqlha.adapter.AttributePoolHealth;
import io.mysqlha.adapter.CrmMonPoolHealth;
import io.mysqlha.adapter.FileLocalState;
import io.mysqlha.adapter.IpvsadmCli;
import io.mysqlha.adapter.PacemakerCli;
import io.mysqlha.adapter.ProcSysctls;
import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.adapter.StandaloneCluster;
import io.mysqlha.agent.LvsAgent;
import io.mysqlha.agent.LvsParams;
import io.mysqlha.agent.OcfAgent;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.PoolHealthSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** ocf:mysqlha:lvs wired to its adapters: Pacemaker's crm_mon, or a standalone directory. */
final class LvsWiring {
    private LvsWiring() {}

    static OcfAgent create(OcfEnv env, OcfLog log) {
        CommandRunner runner = new ProcessCommandRunner();
        String standalone = env.raw("MYSQLHA_STANDALONE_DIR");
        PoolHealthSource health;
        Supplier<String> localNode;
        if (standalone != null && !standalone.isEmpty()) {
            String node = env.raw("MYSQLHA_NODE") != null ? env.raw("MYSQLHA_NODE") : hostname();
            StandaloneCluster cluster = new StandaloneCluster(Path.of(standalone), node);
            health = new AttributePoolHealth(cluster, "standalone " + standalone);
            localNode = () -> node;
        } else {
            health = new CrmMonPoolHealth(runner);
            PacemakerCli cluster = new PacemakerCli(runner, env.onNode().orElse(null));
            localNode = cluster::localNode;
        }
        // read raw: the agent resolves and validates its parameters itself (stop must work with bad ones)
        Path dir = Path.of(env.param("state_dir").orElse(stateDirDefault()), env.resourceName());
        // the pool state is safe to lose (see PoolState): no fsync on the monitor path
        return new LvsAgent(env, log, new LvsAgent.Ports(new IpvsadmCli(runner, env.param("ipvsadm").orElse("ipvsadm")), health,
                localNode, new ProcSysctls(), new FileLocalState(dir, false), Clock.SYSTEM));
    }

    private static String stateDirDefault() {
        return LvsParams.PARAMS.stream().filter(s -> s.name().equals("state_dir")).findFirst().orElseThrow()
                .defaultValue();
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
