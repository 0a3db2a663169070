package io.mysqlha.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server version parsed from {@code @@version} (e.g. {@code 10.11.19-MariaDB-0+deb12u1-log},
 * {@code 8.0.36}, {@code 8.4.2}). Only the leading numbers are parsed: distribution suffixes vary.
 */
public record ServerVersion(Flavor flavor, int major, int minor, int patch, String text) {
    private static final Pattern NUM = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** The server families whose SQL differs. */
    public enum Flavor { MARIADB, MYSQL }

    /**
     * Parses {@code @@version}; {@code versionComment} ({@code @@version_comment}) is consulted because some
     * MariaDB builds do not say MariaDB in the version string.
     */
    public static ServerVersion parse(String version, String versionComment) {
        String v = version == null ? "" : version.trim();
        if (v.startsWith("5.5.5-") && v.toLowerCase().contains("mariadb")) {
            // the replication handshake prefix MariaDB 10+ sends for old clients
            v = v.substring(6);
        }
        Matcher m = NUM.matcher(v);
        if (!m.find()) {
            throw new IllegalArgumentException("cannot parse server version '" + version + "'");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        String all = (version + " " + (versionComment == null ? "" : versionComment)).toLowerCase();
        // MariaDB 5.5.5- prefix (replication handshake) or major >= 10 with "mariadb" in either string
        Flavor f = all.contains("mariadb") ? Flavor.MARIADB : Flavor.MYSQL;
        return new ServerVersion(f, major, minor, patch, v);
    }

    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    public boolean isMariaDb() {
        return flavor == Flavor.MARIADB;
    }

    @Override
    public String toString() {
        return text;
    }
}
