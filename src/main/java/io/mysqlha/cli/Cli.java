package io.mysqlha.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The picocli command tree; the only place that wires adapters to agents. */
@Command(name = "mysqlha", mixinStandardHelpOptions = true, version = "mysqlha 0.1.0",
        description = "Pacemaker resource agents and tools for MySQL/MariaDB replication clusters.",
        subcommands = {OcfCommand.class, CdsTrainCommand.class, CdsClassListCommand.class, DocsCommand.class,
            QuorumCommand.class, RejoinCommand.class, StatusCommand.class, JournalCommand.class, CoordsCommand.class,
            RtCommand.class, ServiceCommand.class, RecloneCommand.class, SwitchoverCommand.class})
public final class Cli {
    private Cli() {}

    /** Runs the command line and returns the process exit code. */
    public static int run(String... args) {
        // the OCF path is hot (one JVM per action): skip picocli's reflection for it
        if (args.length >= 2 && "ocf".equals(args[0])) {
            return OcfCommand.run(args[1], args.length > 2 ? args[2] : "usage", System.getenv(), System.out,
                    System.err);
        }
        return new CommandLine(new Cli()).execute(args);
    }
}
