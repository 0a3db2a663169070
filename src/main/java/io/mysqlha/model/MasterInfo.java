package io.mysqlha.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record of who is primary: kept in the CIB (cluster-wide) and in each node's local fence file. The
 * epoch grows by one at every promotion; a node whose local record names itself at an older epoch than
 * the CIB's is a stale old primary.
 *
 * @param node      node name of the primary
 * @param epoch     promotion counter
 * @param position  the primary's position when it opened writes (text; may be empty)
 * @param timeMs    wall-clock time of the promotion, ms since the epoch
 */
public record MasterInfo(String node, long epoch, String position, long timeMs) {

    public MasterInfo {
        if (node == null || node.isEmpty() || node.contains(";") || node.contains("=")) {
            throw new IllegalArgumentException("bad node name in master-info: '" + node + "'");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch in master-info");
        }
        position = position == null ? "" : position;
    }

    /** Serialises as {@code node=..;epoch=..;pos=..;time=..}, the form stored in the CIB and the fence file. */
    public String format() {
        return "node=" + node + ";epoch=" + epoch + ";pos=" + position.replace(';', ' ') + ";time=" + timeMs;
    }

    /**
     * Parses {@link #format()}. Throws IllegalArgumentException on anything else: a record that cannot be
     * read is never trusted.
     */
    public static MasterInfo parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty master-info");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : s.trim().split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed master-info field '" + part + "'");
            }
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        String node = kv.get("node");
        String epoch = kv.get("epoch");
        String time = kv.get("time");
        if (node == null || epoch == null || time == null || !kv.containsKey("pos")) {
            throw new IllegalArgumentException("incomplete master-info '" + s.trim() + "'");
        }
        try {
            return new MasterInfo(node, Long.parseLong(epoch), kv.get("pos"), Long.parseLong(time));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed number in master-info '" + s.trim() + "'", e);
        }
    }

    public MasterInfo next(String newPrimary, String pos, long nowMs) {
        return new MasterInfo(newPrimary, epoch + 1, pos, nowMs);
    }
}
