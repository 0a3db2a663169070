package io.mysqlha.decide;

import java.util.ArrayList;
import java.util.List;

/**
 * Anti-flapping: a node whose server ends uncleanly again and again (a crash, a reboot, a kill by a stop) is
 * held out after {@code max} such ends within {@code windowMs}, instead of being started again every time
 * Pacemaker's failure-timeout expires. The hold is sticky: only an operator clears it ({@code mysqlha rejoin
 * --clear-hold}), because a node that keeps crashing needs a look that no automatic check can give. Pure:
 * the agent stores the two records in its state directory and passes them in.
 */
public final class FlapGuard {
    /** The decision at a start. history: the unclean ends still inside the window, oldest first. */
    public record Decision(boolean heldOut, List<Long> history, String reason) {}

    private FlapGuard() {}

    /**
     * @param historyRecord the crash history (one epoch-millisecond per line), or null
     * @param holdRecord    the hold record, or null when the node is not held out
     * @param crashedNow    whether this start follows an unclean end that has not been counted yet
     * @param nowMs         the wall clock
     * @param max           unclean ends within the window that hold the node out; 0 turns the guard off
     * @param windowMs      the window
     */
    public static Decision atStart(String historyRecord, String holdRecord, boolean crashedNow, long nowMs, int max,
            long windowMs) {
        List<Long> h = new ArrayList<>();
        for (long t : parse(historyRecord)) {
            if (nowMs - t < windowMs && t <= nowMs) {
                h.add(t);
            }
        }
        if (crashedNow) {
            h.add(nowMs);
        }
        if (holdRecord != null && !holdRecord.isBlank()) {
            return new Decision(true, h, holdRecord.strip());
        }
        if (max > 0 && h.size() >= max) {
            return new Decision(true, h, holdReason(h.size(), windowMs));
        }
        return new Decision(false, h, "");
    }

    /** The hold's reason, decision first and short: crm_mon shows 128 characters of the whole refusal. */
    public static String holdReason(int crashes, long windowMs) {
        return "held out: " + crashes + " unclean ends in " + windowMs / 1000 + " s";
    }

    /** The exit reason of a start refused by a hold, with what the operator must do. */
    public static String refusal(String reason, String resource) {
        return reason + "; check it, then run 'mysqlha rejoin --clear-hold --resource " + resource
                + "' and 'pcs resource cleanup'";
    }

    public static List<Long> parse(String record) {
        List<Long> out = new ArrayList<>();
        if (record == null) {
            return out;
        }
        for (String line : record.split("\n")) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            try {
                out.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                // a damaged line is dropped: the history only ever holds a node out, never lets one in
            }
        }
        return out;
    }

    public static String format(List<Long> history) {
        StringBuilder b = new StringBuilder();
        for (long t : history) {
            b.append(t).append('\n');
        }
        return b.toString();
    }
}
