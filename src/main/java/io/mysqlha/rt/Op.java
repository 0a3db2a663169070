package io.mysqlha.rt;

/**
 * One client operation, Jepsen style: what it was, when it was invoked and when it completed (epoch ms),
 * and its outcome: OK (acknowledged), FAIL (certainly did not happen) or INFO (unknown whether it
 * happened, e.g. the connection was lost after the statement was sent).
 */
public record Op(int iteration, String process, Kind f, long key, Type type, long invokeMs, long completeMs,
        String server, String error) {

    public enum Kind { WRITE, READ }

    public enum Type { OK, FAIL, INFO }

    public boolean isAckedWrite() {
        return f == Kind.WRITE && type == Type.OK;
    }
}
