package io.mysqlha.binlog;

import java.util.Arrays;

/**
 * FORMAT_DESCRIPTION_EVENT: heads every binlog and relay-log file and tells how to read the events after it.
 *
 * @param binlogVersion     4 for every server this package reads
 * @param serverVersion     e.g. {@code 10.11.19-MariaDB-0+deb12u1-log}
 * @param createTimestamp   non-zero only in the first binlog a server writes after it started
 * @param headerLength      common header length, 19 for v4
 * @param postHeaderLengths post-header length per event type (index = type - 1)
 * @param checksum          the checksum algorithm of the events that follow
 */
public record FormatDescription(int binlogVersion, String serverVersion, long createTimestamp, int headerLength,
                                byte[] postHeaderLengths, ChecksumAlgorithm checksum) implements EventData {
    public FormatDescription {
        postHeaderLengths = postHeaderLengths.clone();
    }

    @Override
    public byte[] postHeaderLengths() {
        return postHeaderLengths.clone();
    }

    /** Post-header length of the given event type, or -1 if this description does not list it. */
    public int postHeaderLength(int type) {
        return type >= 1 && type <= postHeaderLengths.length ? postHeaderLengths[type - 1] & 0xff : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FormatDescription f && binlogVersion == f.binlogVersion
                && serverVersion.equals(f.serverVersion) && createTimestamp == f.createTimestamp
                && headerLength == f.headerLength && Arrays.equals(postHeaderLengths, f.postHeaderLengths)
                && checksum == f.checksum;
    }

    @Override
    public int hashCode() {
        return serverVersion.hashCode() * 31 + Arrays.hashCode(postHeaderLengths);
    }

    @Override
    public String toString() {
        return "FormatDescription[v" + binlogVersion + ", " + serverVersion + ", created=" + createTimestamp
                + ", checksum=" + checksum + "]";
    }
}
