package io.mysqlha.ocf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's parameters, resolved once against their specs (defaults applied) and then immutable. Every
 * error names the parameter, and is ERR_CONFIGURED: the same configuration fails on every node.
 */
public final class Params {
    private final Map<String, String> values;
    private final Map<String, ParamSpec> specs;

    private Params(Map<String, String> values, Map<String, ParamSpec> specs) {
        this.values = values;
        this.specs = specs;
    }

    public static Params resolve(OcfEnv env, List<ParamSpec> specs) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            byName.put(s.name(), s);
            String v = env.param(s.name()).orElse(s.defaultValue());
            if (v == null && s.required()) {
                throw OcfException.configured("required parameter '" + s.name() + "' is not set");
            }
            if (v != null) {
                check(s, v);
                values.put(s.name(), v);
            }
        }
        return new Params(values, byName);
    }

    private static void check(ParamSpec s, String v) {
        switch (s.type()) {
            case INTEGER -> {
                try {
                    Long.parseLong(v.trim());
                } catch (NumberFormatException e) {
                    throw OcfException.configured("parameter '" + s.name() + "': '" + v + "' is not an integer");
                }
            }
            case BOOLEAN -> parseBool(s.name(), v);
            default -> { }
        }
    }

    /** The value, or the empty string when the parameter has no value and no default. */
    public String str(String name) {
        spec(name);
        return values.getOrDefault(name, "");
    }

    public long integer(String name) {
        spec(name);
        String v = values.get(name);
        return v == null ? 0 : Long.parseLong(v.trim());
    }

    public boolean bool(String name) {
        spec(name);
        String v = values.get(name);
        return v != null && parseBool(name, v);
    }

    private ParamSpec spec(String name) {
        ParamSpec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no such parameter: " + name);
        }
        return s;
    }

    private static boolean parseBool(String name, String v) {
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on", "y" -> true;
            case "0", "false", "no", "off", "n" -> false;
            default -> throw OcfException.configured("parameter '" + name + "': '" + v + "' is not a boolean");
        };
    }
}
