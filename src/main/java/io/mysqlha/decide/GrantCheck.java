package io.mysqlha.decide;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which privileges an account lacks, from its own {@code SHOW GRANTS} lines. Pure. */
public final class GrantCheck {
    /** The accounts and what each needs. */
    public enum Account { ADMIN, REPLICATION, MONITOR }

    private GrantCheck() {}

    /**
     * Privileges missing on {@code *.*}. An {@code ALL PRIVILEGES ON *.*} grant satisfies everything;
     * otherwise each needed privilege must be granted globally (either spelling where MariaDB renamed it).
     */
    public static List<String> missing(Account account, boolean mariadb, List<String> showGrantsLines) {
        StringBuilder global = new StringBuilder();
        for (String line : showGrantsLines) {
            String u = line.toUpperCase(Locale.ROOT);
            if (u.contains(" ON *.* ")) {
                if (u.contains("GRANT ALL PRIVILEGES ON *.*") || u.contains("GRANT ALL ON *.*")) {
                    return List.of();
                }
                global.append(u).append(' ');
            }
        }
        String g = global.toString();
        List<String> out = new ArrayList<>();
        for (String[] need : needed(account, mariadb)) {
            boolean ok = false;
            for (String alt : need) {
                ok |= g.contains(alt);
            }
            if (!ok) {
                out.add(need[0]);
            }
        }
        return out;
    }

    private static List<String[]> needed(Account a, boolean mariadb) {
        return switch (a) {
            case REPLICATION -> List.<String[]>of(new String[] {"REPLICATION SLAVE"});
            case MONITOR -> mariadb
                    ? List.of(new String[] {"SLAVE MONITOR", "SUPER", "REPLICATION CLIENT"},
                            new String[] {"BINLOG MONITOR", "REPLICATION CLIENT", "SUPER"},
                            new String[] {"PROCESS"})
                    : List.of(new String[] {"REPLICATION CLIENT"}, new String[] {"PROCESS"});
            case ADMIN -> mariadb
                    ? List.of(new String[] {"SUPER"}, new String[] {"READ_ONLY ADMIN", "SUPER"},
                            new String[] {"REPLICATION SLAVE ADMIN", "SUPER"}, new String[] {"CONNECTION ADMIN", "SUPER"},
                            new String[] {"BINLOG REPLAY", "SUPER"}, new String[] {"PROCESS"},
                            new String[] {"SLAVE MONITOR", "SUPER"}, new String[] {"SHUTDOWN"})
                    : List.of(new String[] {"SUPER", "SYSTEM_VARIABLES_ADMIN"},
                            new String[] {"REPLICATION_SLAVE_ADMIN", "SUPER"},
                            new String[] {"CONNECTION_ADMIN", "SUPER"}, new String[] {"PROCESS"},
                            new String[] {"REPLICATION CLIENT"}, new String[] {"SHUTDOWN"});
        };
    }
}
