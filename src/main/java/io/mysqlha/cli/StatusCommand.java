package io.mysqlha.cli;

import io.mysqlha.adapter.CredentialsFile;
import io.mysqlha.adapter.FileLocalState;
import io.mysqlha.adapter.ProcessCommandRunner;
import io.mysqlha.decide.MonitorAnalyzer;
import io.mysqlha.dialect.Dialect;
import io.mysqlha.model.InstanceState;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Cluster;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlSession;
import io.mysqlha.status.StatusJson;
import io.mysqlha.status.StatusReport;
import io.mysqlha.status.StatusText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code mysqlha status}: the whole cluster from any node (every node's Pacemaker role and attributes, its
 * server's own answer, the VIPs' holders), as a table or as JSON; {@code --local}: this node as the agent sees
 * it (cluster records, local records, the local server).
 */
@Command(name = "status", description = "Show the whole cluster: per node Pacemaker's role, the server's read_only, "
        + "GTID positions, replication threads, lag, semi-sync, promotion score, read pool, fail counts; the VIPs' "
        + "holders. A node whose server does not answer within --timeout-ms is shown unreachable. Exit 0 when "
        + "every node answered, 1 when one did not or Pacemaker did not answer.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--resource", description = "the ocf:mysqlha:mysql primitive or its clone (default: the one in "
            + "the CIB; with --local: db)")
    String resource;

    @Option(names = "--local", description = "only this node's view (the agent's records and the local server)")
    boolean local;

    @Option(names = "--json", description = "the status as JSON (schema in the README, \"schema_version\")")
    boolean json;

    @Option(names = "--timeout-ms", defaultValue = "3000", description = "bound of each node's query (default 3000); "
            + "the nodes are asked in parallel")
    long timeoutMs;

    @Option(names = "--state-dir", defaultValue = "/var/lib/mysqlha", description = "the agent's state_dir")
    Path stateDir;

    @Option(names = "--port", defaultValue = "3306", description = "the local server's port")
    int port;

    @Option(names = "--credentials", description = "credentials file (default: the resource's credentials_file, "
            + "/etc/mysqlha/credentials.json)")
    Path credentials;

    @Override
    public Integer call() {
        if (local) {
            return localView();
        }
        if (timeoutMs < 100 || timeoutMs > 60_000) {
            System.err.println("mysqlha status: --timeout-ms " + timeoutMs + " is out of range: give 100 to 60000");
            return 2;
        }
        StatusReport r = StatusWiring.clusterStatus(credentials).gather(resource,
                OcfEnv.of(System.getenv()).onNode().orElse(null), timeoutMs);
        if (json) {
            System.out.println(StatusJson.render(r));
        } else {
            StatusText.render(r).forEach(System.out::println);
        }
        boolean all = r.clusterError() == null && r.nodes().stream().allMatch(n -> n.server() != null);
        return all ? 0 : 1;
    }

    private int localView() {
        Path credentials = this.credentials == null ? Path.of("/etc/mysqlha/credentials.json") : this.credentials;
        Deadline d = Deadline.in(Clock.SYSTEM, 20_000);
        // the resource's own TLS, credentials file and port, as the agent uses them, when the CIB answers
        io.mysqlha.status.ClusterStatus.ResourceConfig cfg = null;
        io.mysqlha.port.CommandRunner.Result cib = new ProcessCommandRunner().run(
                java.util.List.of("cibadmin", "--query", "--scope", "resources"), null, d.atMost(5_000));
        if (cib.ok()) {
            try {
                cfg = io.mysqlha.status.ClusterStatus.resources(cib.stdout(), this.resource);
            } catch (RuntimeException e) {
                System.out.println("resource:      not found in the CIB (" + e.getMessage() + "): defaults used");
            }
        }
        // the agent's records are under state_dir/<its primitive>
        String resource = cfg != null ? cfg.primitive() : this.resource == null ? "db" : this.resource;
        Path stateDir = cfg != null && this.stateDir.equals(Path.of("/var/lib/mysqlha"))
                ? Path.of(cfg.param("state_dir", "/var/lib/mysqlha")) : this.stateDir;
        Cluster cluster = OcfCommand.cluster(OcfEnv.of(System.getenv()), new ProcessCommandRunner());
        FileLocalState state = new FileLocalState(stateDir.resolve(resource), true);
        int rc = 0;
        try {
            System.out.println("node:          " + cluster.localNode());
            System.out.println("quorum:        " + (cluster.hasQuorum(d) ? "yes" : "no") + " (partition: "
                    + String.join(" ", cluster.partitionMembers(d)) + ")");
            System.out.println("master-info:   " + cluster.clusterProperty("mysqlha_" + resource + "_master_info", d)
                    .orElse("(none: no primary was ever promoted)"));
        } catch (RuntimeException e) {
            System.out.println("cluster:       unavailable (" + e.getMessage() + ")");
            rc = 1;
        }
        System.out.println("fence file:    " + state.read("master-info").map(String::trim).orElse("(none)"));
        System.out.println("lifecycle:     " + state.read("lifecycle").map(String::trim).orElse("(none)"));
        System.out.println("role marker:   " + state.read("role").map(String::trim).orElse("unpromoted"));
        java.util.List<Long> crashes = io.mysqlha.decide.FlapGuard.parse(state.read(
                io.mysqlha.agent.MysqlAgent.CRASHES_FILE).orElse(null));
        System.out.println("hold:          " + state.read(io.mysqlha.agent.MysqlAgent.HOLD_FILE)
                .map(h -> h.trim() + "; to release it: mysqlha rejoin --clear-hold --resource " + resource
                        + ", then pcs resource cleanup")
                .orElse("none") + " (unclean ends recorded: " + crashes.size() + ")");
        io.mysqlha.model.TlsSettings tls;
        try {
            tls = cfg == null ? io.mysqlha.model.TlsSettings.OFF : StatusWiring.tls(cfg.params());
        } catch (RuntimeException e) {
            System.out.println("server:        not reached (the resource's TLS parameters are unusable: "
                    + e.getMessage() + ")");
            return 1;
        }
        Path creds = this.credentials != null || cfg == null ? credentials
                : Path.of(cfg.param("credentials_file", credentials.toString()));
        int port = cfg == null || this.port != 3306 ? this.port : Integer.parseInt(cfg.param("port", "3306"));
        try (SqlSession s = new io.mysqlha.adapter.JdbcSqlConnector(tls).connect("127.0.0.1", port,
                CredentialsFile.load(creds).withTls(tls).monitor(), d)) {
            Dialect dl = Dialect.forVersion(ServerVersion.parse(s.serverVersion(), ""));
            InstanceState st = dl.parseState(s.queryRow(dl.variablesQuery()), s.query(dl.semiSyncQuery()),
                    s.queryRow(dl.replicaStatusQuery()));
            System.out.println("server:        " + st.version() + ", server_id " + st.serverId()
                    + (st.readOnly() ? ", read-only" : ", WRITABLE") + (tls.enabled() ? ", over TLS" : ""));
            System.out.println("replication:   " + st.replica().summary());
            System.out.println("applied:       " + st.appliedPosition().text());
            System.out.println("received:      " + st.receivedPosition().text());
            String semi = st.semiSync().primaryEnabled() ? MonitorAnalyzer.semiSyncProblem(st.semiSync()) : null;
            System.out.println("semi-sync:     " + (!st.semiSync().available() ? "unavailable"
                    : st.semiSync().primaryEnabled() ? "primary, " + st.semiSync().clients() + " ACKing replica(s)"
                    + (semi == null ? "" : "; " + semi) : st.semiSync().replicaEnabled() ? "replica (sends ACKs)" : "off"));
        } catch (RuntimeException e) {
            System.out.println("server:        not reachable (" + e.getMessage() + ")");
            rc = 1;
        }
        return rc;
    }
}
