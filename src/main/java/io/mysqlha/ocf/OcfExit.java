package io.mysqlha.ocf;

/** OCF exit codes, as Pacemaker interprets them (see reference/ocf-contract.md). */
public enum OcfExit {
    SUCCESS(0),
    ERR_GENERIC(1),
    ERR_ARGS(2),
    ERR_UNIMPLEMENTED(3),
    ERR_PERM(4),
    ERR_INSTALLED(5),
    ERR_CONFIGURED(6),
    NOT_RUNNING(7),
    RUNNING_PROMOTED(8),
    FAILED_PROMOTED(9),
    DEGRADED(190),
    DEGRADED_PROMOTED(191);

    private final int code;

    OcfExit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
