package io.mysqlha.port;

import java.util.List;
import java.util.OptionalLong;

/** The local mysqld/mariadbd process. */
public interface MysqldService {
    /**
     * The PID of the server process of this instance: from its pid file when that names a live server
     * process, else found by its command line (datadir), else empty.
     */
    OptionalLong runningPid();

    /** Whether a process lives. */
    boolean alive(long pid);

    /** Starts the server detached from the agent (own session, output to a file); returns at once. */
    void spawn(List<String> argv, String outputFile);

    /** SIGTERM ({@code force=false}) or SIGKILL. */
    void signal(long pid, boolean force);

    /** Whether the process is stopped by a signal (state T, e.g. SIGSTOP): it runs no shutdown until continued. */
    boolean stopped(long pid);

    /** SIGCONT. */
    void resume(long pid);

    /** Whether the datadir looks present and populated (the system schema exists). */
    boolean datadirPresent();

    /** Bytes an unprivileged writer can still use on the datadir's filesystem, or -1 when unknown. */
    long datadirFreeBytes();
}
