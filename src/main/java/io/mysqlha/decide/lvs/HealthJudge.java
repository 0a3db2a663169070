package io.mysqlha.decide.lvs;

import io.mysqlha.decide.lvs.ClusterSnapshot.NodeFacts;

/**
 * A pool member's {@link Health} from what the cluster says about its node: the attributes the mysql
 * monitor publishes ({@code <rsc>-readable} 1/0, {@code <rsc>-lag} seconds or -1), weighed against
 * whether they can still be believed. Attributes outlive what they describe: the mysql agent does not
 * clear them at stop, and a node that leaves the partition keeps its last values in the other
 * partition's view. So the node's membership and the resource's state there come first.
 *
 * <p>Rules, in order:
 * <ol>
 * <li>node not in this partition (offline, other side of a split): {@link Health#DOWN};</li>
 * <li>mysql failed, stopped, starting or stopping there: {@link Health#DOWN};</li>
 * <li>mysql promoted there (or promoting/demoting): {@link Health#READABLE} as the primary, whose
 * own monitor publishes readable=0 by design; the pool's primary policy decides;</li>
 * <li>no readable attribute: {@link Health#UNREADABLE} (its monitor has not reported yet);</li>
 * <li>readable other than 1: {@link Health#UNREADABLE};</li>
 * <li>readable=1 but the lag unknown, or above {@code maxLagS}: {@link Health#UNREADABLE} (the mysql
 * agent only publishes readable=1 with a known lag, so an unknown one means the two attributes
 * disagree);</li>
 * <li>otherwise {@link Health#READABLE}.</li>
 * </ol>
 */
public final class HealthJudge {
    private HealthJudge() {}

    /**
     * A judgement with its reason.
     *
     * @param health   the member's health
     * @param primary  whether the node runs the primary
     * @param why      one phrase for the log: {@code node2: db-lag 75 > max_lag 60}
     */
    public record Judgement(Health health, boolean primary, String why) {
    }

    /**
     * Judges one node.
     *
     * @param node     node name
     * @param f        what the snapshot says of it
     * @param rsc      the mysql resource name (attribute prefix), for messages
     * @param maxLagS  the pool's own lag bound; the mysql agent's bound applies too, through readable
     */
    public static Judgement judge(String node, NodeFacts f, String rsc, long maxLagS) {
        if (!f.inPartition()) {
            return new Judgement(Health.DOWN, false, node + " offline or not in this partition");
        }
        switch (f.role()) {
            case FAILED:
                return new Judgement(Health.DOWN, false, node + ": " + rsc + " failed there");
            case STOPPED:
                return new Judgement(Health.DOWN, false, node + ": " + rsc + " not running there");
            case PRIMARY:
                return new Judgement(Health.READABLE, true, node + ": primary");
            default:
                break;
        }
        if (f.readable() == null) {
            return new Judgement(Health.UNREADABLE, false, node + ": no " + rsc + "-readable attribute");
        }
        String readable = f.readable().trim();
        if (!readable.equals("1")) {
            return new Judgement(Health.UNREADABLE, false, node + ": " + rsc + "-readable=" + readable);
        }
        long lag = parseLag(f.lag());
        if (lag < 0) {
            return new Judgement(Health.UNREADABLE, false, node + ": " + rsc + "-readable=1 but " + rsc
                    + "-lag " + (f.lag() == null ? "missing" : "'" + f.lag().trim() + "'"));
        }
        if (lag > maxLagS) {
            return new Judgement(Health.UNREADABLE, false, node + ": " + rsc + "-lag " + lag + " > max_lag " + maxLagS);
        }
        return new Judgement(Health.READABLE, false, node + ": readable, lag " + lag + " s");
    }

    private static long parseLag(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
