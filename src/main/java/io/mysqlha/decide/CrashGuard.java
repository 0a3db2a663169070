package io.mysqlha.decide;

/**
 * How the server last ended, from the agent's lifecycle record: the agent writes "running" with the boot
 * id after a start and "clean" after a stop that shut the server down itself. Pure.
 */
public final class CrashGuard {
    /** What the record says. */
    public enum LastEnd {
        /** No record: first start under mysqlha. */
        UNKNOWN,
        /** Stopped by the agent. */
        CLEAN,
        /** The server died while the agent believed it running (kill -9, OOM, crash). */
        MYSQLD_CRASH,
        /** The machine rebooted while the server ran. */
        OS_CRASH,
        /** The agent refused the last start (unsafe to rejoin): checked again until an operator clears it. */
        REFUSED
    }

    private CrashGuard() {}

    /** The role marker a promote writes: the promoted role of this boot. */
    public static String promotedMarker(String bootId) {
        return "promoted boot=" + bootId;
    }

    /**
     * Whether a role marker still means "this instance is promoted". A marker written in an earlier boot
     * does not: the promoted role never survives a reboot (a power fence, an OS crash), so after one the
     * instance is simply stopped, and its start decides, through the crash guard, whether it may rejoin.
     * A marker without a boot id (an older format) is taken as this boot's.
     */
    public static boolean promotedMarkerValid(String marker, String bootId) {
        if (marker == null) {
            return false;
        }
        String[] parts = marker.strip().split("\\s+");
        if (parts.length == 0 || !parts[0].equals("promoted")) {
            return false;
        }
        for (String part : parts) {
            if (part.startsWith("boot=")) {
                return part.substring(5).equals(bootId);
            }
        }
        return true;
    }

    /** Formats the record written after a start. */
    public static String running(String bootId, long pid) {
        return "running boot=" + bootId + " pid=" + pid;
    }

    /** Formats the record written when a start was refused; stops keep it. */
    public static String refused(String bootId, String why) {
        return "refused boot=" + bootId + " why=" + why.replace('\n', ' ');
    }

    /** Formats the record written when a stop had to kill the server. */
    public static String killed(String bootId) {
        return "killed boot=" + bootId;
    }

    /**
     * The crash-safety settings that are off, from {@code Dialect.crashSafetyQuery()}'s row: without all
     * three, what survived a crash cannot be trusted to match what was acknowledged or replicated.
     */
    public static java.util.List<String> unsafeSettings(java.util.Map<String, String> row) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (!"1".equals(val(row, "sync_binlog"))) {
            out.add("sync_binlog=" + val(row, "sync_binlog") + " (needs 1)");
        }
        if (!"1".equals(val(row, "innodb_flush_log_at_trx_commit"))) {
            out.add("innodb_flush_log_at_trx_commit=" + val(row, "innodb_flush_log_at_trx_commit") + " (needs 1)");
        }
        String rr = val(row, "relay_log_recovery");
        if (!"1".equals(rr) && !"ON".equalsIgnoreCase(rr)) {
            out.add("relay_log_recovery=" + rr + " (needs ON)");
        }
        return out;
    }

    private static String val(java.util.Map<String, String> row, String k) {
        String v = row == null ? null : row.get(k);
        return v == null ? "?" : v.trim();
    }

    /** Formats the record written after a clean stop. */
    public static String clean(String bootId) {
        return "clean boot=" + bootId;
    }

    /**
     * @param record    the lifecycle file's content, or null when absent
     * @param bootId    this boot's id (/proc/sys/kernel/random/boot_id)
     * @param serverUp  whether the server runs now
     */
    public static LastEnd lastEnd(String record, String bootId, boolean serverUp) {
        if (record == null || record.isBlank()) {
            return LastEnd.UNKNOWN;
        }
        String r = record.trim();
        if (r.startsWith("clean")) {
            return LastEnd.CLEAN;
        }
        if (r.startsWith("killed")) {
            return LastEnd.MYSQLD_CRASH;
        }
        if (r.startsWith("refused")) {
            return LastEnd.REFUSED;
        }
        if (r.startsWith("running")) {
            String boot = field(r, "boot");
            if (boot != null && !boot.equals(bootId)) {
                return LastEnd.OS_CRASH;
            }
            return serverUp ? LastEnd.CLEAN : LastEnd.MYSQLD_CRASH;
        }
        throw new IllegalArgumentException("unreadable lifecycle record '" + r + "'");
    }

    private static String field(String r, String name) {
        for (String f : r.split("\\s+")) {
            if (f.startsWith(name + "=")) {
                return f.substring(name.length() + 1);
            }
        }
        return null;
    }
}
