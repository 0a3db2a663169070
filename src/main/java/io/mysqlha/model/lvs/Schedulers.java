package io.mysqlha.model.lvs;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The IPVS scheduler names and scheduler flags, for validating configuration. */
public final class Schedulers {
    /** Every scheduler of Linux 6.x IPVS ({@code ip_vs_<name>} modules). */
    public static final Set<String> KNOWN = Set.copyOf(new TreeSet<>(List.of(
            "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos")));

    /** Flags {@code ipvsadm -b} accepts; the named ones only mean something to sh and mh. */
    public static final Set<String> FLAGS = Set.of(
            "flag-1", "flag-2", "flag-3", "sh-fallback", "sh-port", "mh-fallback", "mh-port");

    private Schedulers() {}

    /**
     * Returns {@code name} when it is a known scheduler.
     *
     * @throws IllegalArgumentException listing the known ones otherwise
     */
    public static String requireKnown(String name) {
        if (name == null || !KNOWN.contains(name)) {
            throw new IllegalArgumentException("unknown IPVS scheduler '" + name + "' (expected one of "
                    + String.join(", ", new TreeSet<>(KNOWN)) + ")");
        }
        return name;
    }

    /**
     * Checks scheduler flags against the scheduler: {@code sh-*} only with sh, {@code mh-*} only with mh.
     *
     * @throws IllegalArgumentException naming the first bad flag
     */
    public static void requireValidFlags(String scheduler, List<String> flags) {
        for (String f : flags) {
            if (!FLAGS.contains(f)) {
                throw new IllegalArgumentException("unknown scheduler flag '" + f + "' (expected one of "
                        + String.join(", ", new TreeSet<>(FLAGS)) + ")");
            }
            if ((f.startsWith("sh-") && !"sh".equals(scheduler)) || (f.startsWith("mh-") && !"mh".equals(scheduler))) {
                throw new IllegalArgumentException("scheduler flag '" + f + "' does not apply to scheduler '" + scheduler + "'");
            }
        }
    }
}
