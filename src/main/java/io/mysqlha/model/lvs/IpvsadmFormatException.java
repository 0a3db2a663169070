package io.mysqlha.model.lvs;

/** A line of ipvsadm output that does not read as expected; the message names the line and why. */
public final class IpvsadmFormatException extends IllegalArgumentException {
    private final int lineNumber;
    private final String line;

    IpvsadmFormatException(int lineNumber, String line, String problem) {
        super("ipvsadm output line " + lineNumber + ": " + problem + ": '" + line + "'");
        this.lineNumber = lineNumber;
        this.line = line;
    }

    /** 1-based. */
    public int lineNumber() {
        return lineNumber;
    }

    public String line() {
        return line;
    }
}
