package io.mysqlha.port;

/** A failed SQL call, classified for decisions (a busy server is alive; a refused one may not be). */
public final class SqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the call failed. */
    public enum Kind {
        /** Nothing listens (connection refused, no route). */
        REFUSED,
        /** No answer in time. */
        TIMEOUT,
        /** The server answered but is overloaded (too many connections, lock wait): it is alive. */
        BUSY,
        /** Credentials rejected or privilege missing. */
        ACCESS,
        /** Any other server error. */
        SERVER,
        /** Anything else (driver, protocol). */
        OTHER
    }

    private final Kind kind;
    private final int errorCode;

    public SqlException(Kind kind, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    public Kind kind() {
        return kind;
    }

    public int errorCode() {
        return errorCode;
    }
}
