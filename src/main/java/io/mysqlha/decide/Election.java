package io.mysqlha.decide;

import io.mysqlha.model.MariaGtidPos;
import io.mysqlha.model.Order;
import io.mysqlha.model.Position;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Election by received position. Scores rank the healthy HA replicas by what they have received (not
 * applied, not lag), so that Pacemaker promotes the replica that can lose the least; promote re-checks
 * over SQL, because scores are hints published a monitor interval ago. All scores stay far below
 * Pacemaker's INFINITY (1,000,000).
 */
public final class Election {
    /** The running primary: above every replica, so a healthy primary keeps its role. */
    public static final int PRIMARY_SCORE = 100_000;
    /** The lowest score a candidate replica gets. */
    public static final int BASE_SCORE = 1_000;
    /** Added per peer whose received position this replica covers. */
    public static final int PER_COVERED_PEER = 1_000;
    /** Given to a candidate that promote found behind another: it yields to the better one. */
    public static final int YIELD_SCORE = 10;

    private Election() {}

    /**
     * The promotion score of a candidate replica: BASE_SCORE plus PER_COVERED_PEER for every other candidate
     * whose received position it covers (equal or ahead). Positions of another kind, or unparsable ones,
     * count as not covered. Ties are equal scores (Pacemaker then picks one).
     */
    public static int replicaScore(Position mine, Map<String, Position> peersReceived) {
        int covered = 0;
        for (Position p : peersReceived.values()) {
            if (p != null && mine.compareTo(p).covers()) {
                covered++;
            }
        }
        return Math.min(BASE_SCORE + PER_COVERED_PEER * covered, PRIMARY_SCORE - 1);
    }

    /**
     * The peers holding transactions that {@code mine} lacks, with a description of each: promote must not
     * open writes before it has them. Unreachable peers are not in the map (their positions are unknown).
     */
    public static Map<String, String> peersAhead(Position mine, Map<String, Position> peersReceived) {
        Map<String, String> out = new TreeMap<>();
        peersReceived.forEach((node, p) -> {
            Order o = mine.compareTo(p);
            if (!o.covers() && !p.isEmpty()) {
                out.put(node, describe(mine, p, o));
            }
        });
        return out;
    }

    /** The most advanced of several received positions (one that covers all others), or null when none does. */
    public static String mostAdvanced(Map<String, Position> received) {
        List<String> names = new ArrayList<>(received.keySet());
        for (String n : names) {
            boolean coversAll = true;
            for (String m : names) {
                coversAll &= received.get(n).compareTo(received.get(m)).covers();
            }
            if (coversAll) {
                return n;
            }
        }
        return null;
    }

    private static String describe(Position mine, Position theirs, Order o) {
        String how = o == Order.DIVERGED ? "diverged from" : "ahead of";
        String extra = "";
        if (theirs instanceof MariaGtidPos t && mine instanceof MariaGtidPos m) {
            extra = " by " + t.distanceAhead(m) + " transaction(s)";
        }
        return "received " + theirs.text() + ", " + how + " this node's " + (mine.isEmpty() ? "(empty)" : mine.text())
                + extra;
    }
}
