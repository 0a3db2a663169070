package io.mysqlha.ocf;

/**
 * One action in meta-data.
 *
 * @param name     action name
 * @param timeoutS default timeout in seconds
 * @param intervalS default interval in seconds, or 0
 * @param role     Promoted / Unpromoted for role-specific monitors, or null
 * @param depth    depth for monitors, or -1 to omit
 */
public record ActionSpec(String name, int timeoutS, int intervalS, String role, int depth) {
    public static ActionSpec of(String name, int timeoutS) {
        return new ActionSpec(name, timeoutS, 0, null, -1);
    }

    public static ActionSpec monitor(int timeoutS, int intervalS, String role) {
        return new ActionSpec("monitor", timeoutS, intervalS, role, 0);
    }
}
