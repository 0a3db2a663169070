package io.mysqlha.agent;

/** An OCF agent: one method per action, dispatched by name. */
public interface OcfAgent {
    /**
     * Runs one action and returns its OCF exit code; failures with a chosen code are thrown as
     * {@link io.mysqlha.ocf.OcfException}. Unknown actions return ERR_UNIMPLEMENTED.
     */
    int run(String action);

    /** The answer to an action an agent does not have: ERR_UNIMPLEMENTED, with the reason. */
    static int unimplemented(io.mysqlha.ocf.OcfLog log, String action) {
        log.exitReason("action '" + action + "' is not implemented");
        return io.mysqlha.ocf.OcfExit.ERR_UNIMPLEMENTED.code();
    }
}
