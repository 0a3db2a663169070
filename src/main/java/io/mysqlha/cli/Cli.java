package io.mysqlha.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The picocli command tree; the only place that wires adapters to agents. */
@Command(name = "mysqlha", mixinStandardHelpOptions = true, version = "mysqlha 0.1.0",
        description = "Pacemaker resource agents and tools for MySQL/MariaDB replication clusters.",
        subcommands = {})
public final class Cli {
    private Cli() {}

    /** Runs the command line and returns the process exit code. */
    public static int run(String... args) {
        return new CommandLine(new Cli()).execute(args);
    }
}
