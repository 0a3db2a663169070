package io.mysqlha.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Durations of the agent actions the node service ran, per resource and action: a cumulative histogram,
 * the last duration and exit code. Recording is a few arithmetic operations under a short lock: an action
 * never waits on a scrape for longer than that.
 */
public final class ActionStats {
    /** Upper bounds of the histogram's buckets, seconds. */
    public static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    /** One resource's action: cumulative counts per bucket (last: +Inf), sum, count, last values. */
    public record Series(String resource, String action, long[] cumulative, double sumS, long count, double lastS,
                         int lastExit) {
    }

    private static final class Acc {
        final long[] buckets = new long[BUCKETS.length + 1];
        double sum;
        long count;
        double last;
        int lastExit;
    }

    private final Map<String, Acc> series = new TreeMap<>();

    public synchronized void record(String resource, String action, long nanos, int exit) {
        Acc a = series.computeIfAbsent(resource + "\u0000" + action, k -> new Acc());
        double s = nanos / 1e9;
        int i = 0;
        while (i < BUCKETS.length && s > BUCKETS[i]) {
            i++;
        }
        a.buckets[i]++;
        a.sum += s;
        a.count++;
        a.last = s;
        a.lastExit = exit;
    }

    public synchronized List<Series> snapshot() {
        List<Series> out = new ArrayList<>();
        series.forEach((k, a) -> {
            String[] ra = k.split("\u0000", 2);
            long[] cum = new long[a.buckets.length];
            long c = 0;
            for (int i = 0; i < cum.length; i++) {
                c += a.buckets[i];
                cum[i] = c;
            }
            out.add(new Series(ra[0], ra[1], cum, a.sum, a.count, a.last, a.lastExit));
        });
        return out;
    }
}
