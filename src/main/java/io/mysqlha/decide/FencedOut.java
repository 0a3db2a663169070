package io.mysqlha.decide;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether a promotion may go on without waiting to reach the old primary over SQL, because Pacemaker has
 * already taken its node away. A promote first tries to fence the old primary over SQL (read-only, clients
 * killed); when that node is gone, the try costs a whole connect timeout (1.5-2 s of every node loss and
 * partition), on the path of every such failover.
 * <p>
 * The node is known fenced when it is out of this partition and the cluster fences lost nodes: with fencing
 * on, Pacemaker orders the promotion after the old primary's demote and stop, and a lost node's demote and
 * stop are implied only by its fencing being confirmed (or the node left cleanly, its resources stopped).
 * Either way no SQL can reach a server of that node. Not when fencing is off ({@code stonith-enabled} or
 * {@code fencing-enabled} false: a lost node may be alive and writable, and the SQL fence is then all there
 * is), nor with {@code startup-fencing} off (a node never seen since the cluster started is then assumed
 * down without a fence). Only the old primary's node: a lost replica is fenced in parallel with the promote,
 * not before it, and its received position may still be needed. Pure.
 */
public final class FencedOut {
    private FencedOut() {
    }

    /**
     * The reason to not wait for the old primary, empty when it must be tried as before. property: a cluster
     * property's value by name (empty when not set).
     */
    public static Optional<String> oldPrimary(String oldPrimary, String localNode, Collection<String> partition,
            Function<String, Optional<String>> property) {
        if (oldPrimary == null || oldPrimary.equals(localNode) || partition.isEmpty() || partition.contains(oldPrimary)) {
            return Optional.empty();
        }
        for (String p : new String[] {"stonith-enabled", "fencing-enabled", "startup-fencing"}) {
            Optional<String> v = property.apply(p);
            // Pacemaker's default for all three is true; a value it would not read as a boolean counts as off here
            if (v.isPresent() && !isTrue(v.get())) {
                return Optional.empty();
            }
        }
        return Optional.of(oldPrimary + " is out of this partition and the cluster fences lost "
                + "nodes: Pacemaker fenced it before this promotion");
    }

    /** Pacemaker's reading of a boolean option (crm_is_true). */
    static boolean isTrue(String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "y", "1" -> true;
            default -> false;
        };
    }
}
