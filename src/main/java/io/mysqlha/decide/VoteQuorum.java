package io.mysqlha.decide;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Corosync's votequorum says of this partition ({@code corosync-quorumtool -s}), read for its quorum
 * device: whether one is configured, and whether its vote is cast for this partition right now. Pure.
 *
 * <p>The device's row of the membership table is {@code 0  <votes>  Qdevice}, with {@code (votes N)}
 * after it when the device is configured with N votes but casts none here (arbitrator lost, or it chose the
 * other side of a split). The "Flags" line lists {@code Qdevice} whenever a device is configured.
 *
 * @param quorate      the "Quorate:" line says Yes
 * @param device       a quorum device is configured (Flags lists Qdevice, or the table has its row)
 * @param deviceVotes  the votes the device casts for this partition now (0 when it casts none)
 * @param twoNode      the Flags line lists 2Node (votequorum's two_node tie-break)
 */
public record VoteQuorum(boolean quorate, boolean device, int deviceVotes, boolean twoNode) {
    private static final Pattern QUORATE = Pattern.compile("(?m)^Quorate:\\s+(\\S+)");
    private static final Pattern FLAGS = Pattern.compile("(?m)^Flags:[ \\t]*(.*)$");
    private static final Pattern DEVICE_ROW = Pattern.compile("(?m)^\\s*0\\s+(\\d+)\\s+Qdevice\\b");

    /** Parses the output of {@code corosync-quorumtool -s}; null when it is not that output. */
    public static VoteQuorum parse(String out) {
        if (out == null) {
            return null;
        }
        Matcher q = QUORATE.matcher(out);
        if (!q.find()) {
            return null;
        }
        Matcher f = FLAGS.matcher(out);
        String flags = f.find() ? " " + f.group(1).trim() + " " : " ";
        Matcher row = DEVICE_ROW.matcher(out);
        int votes = row.find() ? Integer.parseInt(row.group(1)) : 0;
        boolean device = flags.contains(" Qdevice ") || DEVICE_ROW.matcher(out).find();
        return new VoteQuorum("Yes".equalsIgnoreCase(q.group(1)), device, votes, flags.contains(" 2Node "));
    }

    /** The device's vote counts for this partition: configured, casting at least one vote here. */
    public boolean deviceVotesHere() {
        return device && deviceVotes > 0;
    }

    /** One line for the exit reason and {@code mysqlha quorum}. */
    public String describe() {
        if (!device) {
            return "no quorum device" + (twoNode ? " (two_node's tie-break is never counted)" : "");
        }
        return deviceVotesHere() ? "the quorum device's vote is cast here" : "the quorum device casts no vote here";
    }
}
