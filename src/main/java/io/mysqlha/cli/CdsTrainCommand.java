package io.mysqlha.cli;

import io.mysqlha.adapter.JdbcSqlConnector;
import io.mysqlha.port.Clock;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlException;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Loads the classes of the OCF action path, for the AppCDS archive made at build and install time. It
 * runs the real code: meta-data, parameter resolution and a monitor that finds nothing to connect to.
 */
@Command(name = "cds-train", hidden = true, description = "Training run for the AppCDS archive.")
public final class CdsTrainCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        Map<String, String> env = new HashMap<>();
        OcfCommand.run("mysql", "meta-data", env, sink, sink);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("mysqlha-cds");
        env.put("OCF_RESOURCE_INSTANCE", "cds");
        env.put("OCF_RESKEY_port", Integer.toString(port));
        env.put("OCF_RESKEY_state_dir", tmp.toString());
        env.put("OCF_RESKEY_binary", "/bin/true");
        env.put("OCF_RESKEY_config", "");
        env.put("OCF_RESKEY_CRM_meta_interval", "0");
        env.put("OCF_RESKEY_CRM_meta_timeout", "5000");
        env.put("MYSQLHA_STANDALONE_DIR", tmp.resolve("cluster").toString());
        OcfCommand.run("mysql", "monitor", env, sink, sink);
        try {
            new JdbcSqlConnector().connect("127.0.0.1", port, new Credential("x", "y"), Deadline.in(Clock.SYSTEM, 500));
        } catch (SqlException expected) {
            // nothing listens: the connect path and the error classification are loaded
        }
        return 0;
    }
}
