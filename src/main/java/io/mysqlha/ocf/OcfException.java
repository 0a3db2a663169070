package io.mysqlha.ocf;

/**
 * A failure with a deliberately chosen OCF exit code and a reason for {@code ocf-exit-reason}. The reason
 * names the offending parameter or object so that an operator reading {@code crm_mon} knows what to fix.
 */
public final class OcfException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final OcfExit exit;

    public OcfException(OcfExit exit, String reason) {
        super(reason);
        this.exit = exit;
    }

    public OcfException(OcfExit exit, String reason, Throwable cause) {
        super(reason, cause);
        this.exit = exit;
    }

    public OcfExit exit() {
        return exit;
    }

    public static OcfException configured(String reason) {
        return new OcfException(OcfExit.ERR_CONFIGURED, reason);
    }

    public static OcfException installed(String reason) {
        return new OcfException(OcfExit.ERR_INSTALLED, reason);
    }

    public static OcfException args(String reason) {
        return new OcfException(OcfExit.ERR_ARGS, reason);
    }

    public static OcfException generic(String reason) {
        return new OcfException(OcfExit.ERR_GENERIC, reason);
    }

    public static OcfException generic(String reason, Throwable cause) {
        return new OcfException(OcfExit.ERR_GENERIC, reason, cause);
    }
}
