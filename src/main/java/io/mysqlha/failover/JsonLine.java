package io.mysqlha.failover;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object on one line, for the journal: string, number and boolean members in insertion order. Small
 * enough that the failover path needs no JSON library; the CLI reads the lines back with Jackson.
 */
public final class JsonLine {
    private final Map<String, Object> members = new LinkedHashMap<>();

    public JsonLine put(String key, Object value) {
        if (value != null) {
            members.put(key, value);
        }
        return this;
    }

    public Map<String, Object> members() {
        return members;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : members.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            quote(b, e.getKey());
            b.append(':');
            Object v = e.getValue();
            if (v instanceof Number || v instanceof Boolean) {
                b.append(v);
            } else {
                quote(b, String.valueOf(v));
            }
        }
        return b.append('}').toString();
    }

    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
