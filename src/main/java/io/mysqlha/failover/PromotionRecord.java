package io.mysqlha.failover;

import io.mysqlha.model.BinlogCoordinates;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a promotion did to positions, kept as a cluster property so that every other node (post-promote notify,
 * monitor backstop, a rejoining old primary) and {@code mysqlha coords} can use it: the failover id, the new
 * primary, the mode, and in file/position mode the old primary's coordinates every compensated replica was
 * brought to ({@code old}) with the new primary's binlog coordinates that match them ({@code new}).
 *
 * @param id      failover id (node@wall-ms)
 * @param node    the new primary
 * @param mode    gtid or filepos
 * @param oldEnd  old-primary coordinates of the common point (file/position mode), or null
 * @param newEnd  new-primary binlog coordinates of the same point, or null
 * @param gtid    the new primary's GTID position after compensation ("" if none)
 * @param oldTail file/position mode: the end of the old primary's binlog when its tail was salvaged, or null
 * @param newTail the new primary's binlog coordinates after that tail was applied, or null
 */
public record PromotionRecord(String id, String node, String mode, BinlogCoordinates oldEnd,
                              BinlogCoordinates newEnd, String gtid, BinlogCoordinates oldTail,
                              BinlogCoordinates newTail) {

    public PromotionRecord(String id, String node, String mode, BinlogCoordinates oldEnd, BinlogCoordinates newEnd,
                           String gtid) {
        this(id, node, mode, oldEnd, newEnd, gtid, null, null);
    }

    /** The same record, noting that the old primary's binlog up to {@code oldTail} was salvaged to {@code newTail}. */
    public PromotionRecord withSalvage(BinlogCoordinates oldTail, BinlogCoordinates newTail) {
        return new PromotionRecord(id, node, mode, oldEnd, newEnd, gtid, oldTail, newTail);
    }

    public static String property(String resource) {
        return "mysqlha_" + resource + "_promotion";
    }

    public boolean filePos() {
        return "filepos".equals(mode);
    }

    /** {@code key=value;...}; values never hold ';'. */
    public String format() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("node", node);
        m.put("mode", mode);
        if (oldEnd != null) {
            m.put("old", oldEnd.text());
        }
        if (newEnd != null) {
            m.put("new", newEnd.text());
        }
        m.put("gtid", gtid == null ? "" : gtid);
        if (oldTail != null && newTail != null) {
            m.put("old_tail", oldTail.text());
            m.put("new_tail", newTail.text());
        }
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return b.toString();
    }

    public static PromotionRecord parse(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : s.trim().split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        if (!m.containsKey("node") || !m.containsKey("mode")) {
            throw new IllegalArgumentException("not a promotion record: '" + s + "'");
        }
        return new PromotionRecord(m.getOrDefault("id", ""), m.get("node"), m.get("mode"),
                m.containsKey("old") ? BinlogCoordinates.parse(m.get("old")) : null,
                m.containsKey("new") ? BinlogCoordinates.parse(m.get("new")) : null, m.getOrDefault("gtid", ""),
                m.containsKey("old_tail") ? BinlogCoordinates.parse(m.get("old_tail")) : null,
                m.containsKey("new_tail") ? BinlogCoordinates.parse(m.get("new_tail")) : null);
    }
}
