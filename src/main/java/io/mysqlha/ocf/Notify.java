package io.mysqlha.ocf;

import java.util.ArrayList;
import java.util.List;

/**
 * Pacemaker's notify variables. The lists are space-separated node or resource names; they are parsed as
 * lists (the stock agents strip the spaces and so concatenate several names into one).
 *
 * @param type      pre or post
 * @param operation start, stop, promote or demote
 * @param start     nodes where the resource starts
 * @param stop      nodes where it stops
 * @param promote   nodes where it is promoted
 * @param demote    nodes where it is demoted
 * @param active    nodes where it is active
 * @param inactive  nodes where it is inactive
 * @param promoted  nodes where it runs promoted (before the operation)
 * @param unpromoted nodes where it runs unpromoted (before the operation)
 * @param all       all nodes of the clone
 */
public record Notify(String type, String operation, List<String> start, List<String> stop,
                     List<String> promote, List<String> demote, List<String> active, List<String> inactive,
                     List<String> promoted, List<String> unpromoted, List<String> all) {

    static Notify from(OcfEnv env) {
        return new Notify(
                env.meta("notify_type").orElse(""),
                env.meta("notify_operation").orElse(""),
                list(env, "notify_start_uname"),
                list(env, "notify_stop_uname"),
                list(env, "notify_promote_uname"),
                list(env, "notify_demote_uname"),
                list(env, "notify_active_uname"),
                list(env, "notify_inactive_uname"),
                first(env, "notify_promoted_uname", "notify_master_uname"),
                first(env, "notify_unpromoted_uname", "notify_slave_uname"),
                list(env, "notify_all_uname"));
    }

    public boolean isPost() {
        return "post".equals(type);
    }

    public boolean isPre() {
        return "pre".equals(type);
    }

    private static List<String> first(OcfEnv env, String modern, String legacy) {
        List<String> l = list(env, modern);
        return l.isEmpty() ? list(env, legacy) : l;
    }

    private static List<String> list(OcfEnv env, String meta) {
        return split(env.meta(meta).orElse(""));
    }

    /** Splits a Pacemaker notify list on any whitespace; duplicates are kept out, order is kept. */
    public static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.trim().split("\\s+")) {
            if (!s.isEmpty() && !out.contains(s)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
