package io.mysqlha.rt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small parsers for text the harness reads from the cluster: MySQL option files, `ip -o addr`. */
final class OptionFile {
    private OptionFile() {}

    /** The [client] section of a MySQL option file as the workload's account. */
    static Target.AppAccount app(String text) {
        Map<String, String> m = new HashMap<>();
        String section = "";
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int eq = line.indexOf('=');
            if (section.equals("client") && eq < 0 && !line.startsWith("[")) {
                m.put(line.replace('_', '-'), "1"); // a flag: ssl, ssl-verify-server-cert
            } else if (section.equals("client") && eq > 0) {
                String v = line.substring(eq + 1).strip();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                m.put(line.substring(0, eq).strip().replace('_', '-'), v);
            }
        }
        String user = m.get("user");
        if (user == null) {
            throw new Target.TargetException("the application option file has no user= in [client]");
        }
        boolean tls = m.containsKey("ssl-ca") || (m.containsKey("ssl") && !List.of("0", "off", "false").contains(
                m.get("ssl").toLowerCase(java.util.Locale.ROOT)));
        return new Target.AppAccount(user, m.getOrDefault("password", ""), m.getOrDefault("database", "test"), tls);
    }

    /** The IPv4 addresses in `ip -o -4 addr show` output, without prefix lengths. */
    static List<String> inetAddresses(String ipOutput) {
        List<String> out = new ArrayList<>();
        for (String line : ipOutput.split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("inet")) {
                    String a = f[i + 1];
                    int slash = a.indexOf('/');
                    out.add(slash < 0 ? a : a.substring(0, slash));
                }
            }
        }
        return out;
    }
}
