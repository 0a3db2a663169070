package io.mysqlha.ocf;

import java.util.Map;
import java.util.Optional;

/** The environment Pacemaker passes to an agent, typed. Never holds secrets: credentials live in a file. */
public final class OcfEnv {
    private final Map<String, String> env;

    private OcfEnv(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static OcfEnv of(Map<String, String> env) {
        return new OcfEnv(env);
    }

    /** A raw environment variable, or null. */
    public String raw(String key) {
        return env.get(key);
    }

    /** {@code OCF_RESKEY_<name>} when set and non-empty. */
    public Optional<String> param(String name) {
        String v = env.get("OCF_RESKEY_" + name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** {@code OCF_RESKEY_CRM_meta_<name>} when set and non-empty. */
    public Optional<String> meta(String name) {
        return param("CRM_meta_" + name);
    }

    /**
     * The resource name without a clone instance suffix: Pacemaker passes {@code db:1} for some clone
     * instances and {@code db} for others, and attribute names must be the same on every node.
     */
    public String resourceName() {
        String r = env.getOrDefault("OCF_RESOURCE_INSTANCE", "");
        int colon = r.indexOf(':');
        String base = colon >= 0 ? r.substring(0, colon) : r;
        return base.isEmpty() ? "mysqlha" : base;
    }

    /** The monitor interval in milliseconds; 0 for a probe or a non-recurring action. */
    public long intervalMillis() {
        return meta("interval").map(OcfEnv::parseLongOrZero).orElse(0L);
    }

    /** The action timeout in milliseconds, or the fallback when Pacemaker did not pass one. */
    public long timeoutMillis(long fallback) {
        long t = meta("timeout").map(OcfEnv::parseLongOrZero).orElse(0L);
        return t > 0 ? t : fallback;
    }

    /** The role a recurring monitor was configured for (Promoted, Unpromoted, Master, Slave) or empty. */
    public Optional<String> monitorRole() {
        return meta("role");
    }

    /** This node's name as Pacemaker knows it ({@code OCF_RESKEY_CRM_meta_on_node}), if passed. */
    public Optional<String> onNode() {
        return meta("on_node");
    }

    public boolean debug() {
        String d = env.get("HA_debug");
        return d != null && !d.isEmpty() && !"0".equals(d) && !"false".equalsIgnoreCase(d);
    }

    /** The notify variables of a notify action. */
    public Notify notifyInfo() {
        return Notify.from(this);
    }

    private static long parseLongOrZero(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
