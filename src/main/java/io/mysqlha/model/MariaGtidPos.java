package io.mysqlha.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A MariaDB GTID position: at most one domain-server-seq triple per domain, as in {@code gtid_slave_pos},
 * {@code gtid_binlog_pos}, {@code Gtid_IO_Pos}. Positions compare per domain, across all domains: one
 * domain ahead and another behind is DIVERGED (the stock agent compares the third field of one GTID only).
 * With {@code gtid_strict_mode} sequence numbers grow monotonically within a domain, which is what makes
 * per-domain comparison of seq_no meaningful.
 */
public record MariaGtidPos(Map<Long, Gtid> byDomain) implements Position {
    public static final MariaGtidPos EMPTY = new MariaGtidPos(Map.of());

    /** One MariaDB GTID. */
    public record Gtid(long domain, long server, long seq) {
        public static Gtid parse(String s) {
            String[] p = s.trim().split("-");
            if (p.length != 3) {
                throw new IllegalArgumentException("not a MariaDB GTID (domain-server-seq): '" + s + "'");
            }
            try {
                return new Gtid(Long.parseUnsignedLong(p[0]), Long.parseUnsignedLong(p[1]),
                        Long.parseUnsignedLong(p[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MariaDB GTID (domain-server-seq): '" + s + "'", e);
            }
        }

        @Override
        public String toString() {
            return domain + "-" + server + "-" + seq;
        }
    }

    public MariaGtidPos {
        byDomain = Collections.unmodifiableMap(new TreeMap<>(byDomain));
    }

    /**
     * Parses a comma-separated GTID list. A list with several entries for one domain (a
     * {@code gtid_binlog_state}) keeps the highest seq_no of that domain.
     */
    public static MariaGtidPos parse(String s) {
        Map<Long, Gtid> m = new TreeMap<>();
        if (s != null) {
            for (String part : s.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                Gtid g = Gtid.parse(p);
                m.merge(g.domain(), g, (a, b) -> Long.compareUnsigned(a.seq(), b.seq()) >= 0 ? a : b);
            }
        }
        return new MariaGtidPos(m);
    }

    /** The seq_no reached in a domain, 0 when the domain is absent. */
    public long seq(long domain) {
        Gtid g = byDomain.get(domain);
        return g == null ? 0 : g.seq();
    }

    @Override
    public Order compareTo(Position other) {
        if (!(other instanceof MariaGtidPos o)) {
            return Order.DIVERGED;
        }
        boolean ahead = false;
        boolean behind = false;
        TreeSet<Long> domains = new TreeSet<>(byDomain.keySet());
        domains.addAll(o.byDomain.keySet());
        for (long d : domains) {
            int c = Long.compareUnsigned(seq(d), o.seq(d));
            ahead |= c > 0;
            behind |= c < 0;
            if (c == 0 && byDomain.containsKey(d) && o.byDomain.containsKey(d)
                    && byDomain.get(d).server() != o.byDomain.get(d).server()) {
                // same seq_no from two different servers: two different transactions
                ahead = true;
                behind = true;
            }
        }
        return Order.combine(ahead, behind);
    }

    /** Per-domain maximum of two positions (what {@code gtid_current_pos} computes). */
    public MariaGtidPos max(MariaGtidPos o) {
        Map<Long, Gtid> m = new TreeMap<>(byDomain);
        for (Gtid g : o.byDomain.values()) {
            m.merge(g.domain(), g, (a, b) -> Long.compareUnsigned(a.seq(), b.seq()) >= 0 ? a : b);
        }
        return new MariaGtidPos(m);
    }

    /** Total transactions by which this position leads another, summed over domains (0 if none). */
    public long distanceAhead(MariaGtidPos o) {
        long sum = 0;
        for (Gtid g : byDomain.values()) {
            long d = g.seq() - o.seq(g.domain());
            if (d > 0) {
                sum += d;
            }
        }
        return sum;
    }

    @Override
    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    @Override
    public String text() {
        List<String> parts = new ArrayList<>();
        for (Gtid g : byDomain.values()) {
            parts.add(g.toString());
        }
        return String.join(",", parts);
    }

    @Override
    public String toString() {
        return text();
    }
}
