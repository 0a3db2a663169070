package io.mysqlha.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MySQL GTID set ({@code gtid_executed}, {@code Retrieved_Gtid_Set}): per source UUID (and, from 8.3, per
 * tag) a list of closed transaction-number intervals. Comparison is set inclusion.
 */
public record MysqlGtidSet(Map<String, List<Interval>> sets) implements Position {
    public static final MysqlGtidSet EMPTY = new MysqlGtidSet(Map.of());

    /** A closed interval of transaction numbers. */
    public record Interval(long start, long end) {
        public Interval {
            if (start < 1 || end < start) {
                throw new IllegalArgumentException("bad GTID interval " + start + "-" + end);
            }
        }

        long size() {
            return end - start + 1;
        }

        @Override
        public String toString() {
            return start == end ? Long.toString(start) : start + "-" + end;
        }
    }

    public MysqlGtidSet {
        Map<String, List<Interval>> m = new TreeMap<>();
        sets.forEach((k, v) -> {
            List<Interval> n = normalize(v);
            if (!n.isEmpty()) {
                m.put(k, n);
            }
        });
        sets = Collections.unmodifiableMap(m);
    }

    /** Parses {@code uuid:1-5:7,uuid2[:tag]:1-3}; whitespace and newlines (as the server prints) are ignored. */
    public static MysqlGtidSet parse(String s) {
        Map<String, List<Interval>> m = new TreeMap<>();
        String t = s == null ? "" : s.replaceAll("\\s", "");
        for (String member : t.split(",")) {
            if (member.isEmpty()) {
                continue;
            }
            String[] p = member.split(":");
            if (p.length < 2 || p[0].length() != 36) {
                throw new IllegalArgumentException("not a MySQL GTID set member: '" + member + "'");
            }
            String key = p[0].toLowerCase(Locale.ROOT);
            List<Interval> list = m.computeIfAbsent(key, k -> new ArrayList<>());
            for (int i = 1; i < p.length; i++) {
                String iv = p[i];
                if (!iv.isEmpty() && Character.isLetter(iv.charAt(0))) {
                    key = p[0].toLowerCase(Locale.ROOT) + ":" + iv.toLowerCase(Locale.ROOT);
                    list = m.computeIfAbsent(key, k -> new ArrayList<>());
                    continue;
                }
                try {
                    int dash = iv.indexOf('-');
                    long a = Long.parseLong(dash < 0 ? iv : iv.substring(0, dash));
                    long b = dash < 0 ? a : Long.parseLong(iv.substring(dash + 1));
                    list.add(new Interval(a, b));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not a MySQL GTID interval: '" + iv + "' in '" + member + "'", e);
                }
            }
        }
        return new MysqlGtidSet(m);
    }

    private static List<Interval> normalize(List<Interval> in) {
        List<Interval> sorted = new ArrayList<>(in);
        sorted.sort((x, y) -> Long.compare(x.start(), y.start()));
        List<Interval> out = new ArrayList<>();
        for (Interval i : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() + 1 >= i.start()) {
                Interval last = out.remove(out.size() - 1);
                out.add(new Interval(last.start(), Math.max(last.end(), i.end())));
            } else {
                out.add(i);
            }
        }
        return List.copyOf(out);
    }

    /** True when every transaction of {@code o} is in this set. */
    public boolean containsAll(MysqlGtidSet o) {
        for (Map.Entry<String, List<Interval>> e : o.sets.entrySet()) {
            List<Interval> mine = sets.getOrDefault(e.getKey(), List.of());
            for (Interval i : e.getValue()) {
                if (mine.stream().noneMatch(m -> m.start() <= i.start() && i.end() <= m.end())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Number of transactions in the set. */
    public long count() {
        long n = 0;
        for (List<Interval> l : sets.values()) {
            for (Interval i : l) {
                n += i.size();
            }
        }
        return n;
    }

    @Override
    public Order compareTo(Position other) {
        if (!(other instanceof MysqlGtidSet o)) {
            return Order.DIVERGED;
        }
        boolean mine = containsAll(o);
        boolean theirs = o.containsAll(this);
        if (mine && theirs) {
            return Order.EQUAL;
        }
        if (mine) {
            return Order.AHEAD;
        }
        return theirs ? Order.BEHIND : Order.DIVERGED;
    }

    @Override
    public boolean isEmpty() {
        return sets.isEmpty();
    }

    @Override
    public String text() {
        List<String> members = new ArrayList<>();
        sets.forEach((k, v) -> {
            StringBuilder b = new StringBuilder(k);
            for (Interval i : v) {
                b.append(':').append(i);
            }
            members.add(b.toString());
        });
        return String.join(",", members);
    }

    @Override
    public String toString() {
        return text();
    }
}
