package io.mysqlha.port;

import java.util.List;

/** Runs external commands, always with a timeout. */
public interface CommandRunner {

    /** The outcome of a command. {@code timedOut} means it was killed at the deadline. */
    record Result(int exit, String stdout, String stderr, boolean timedOut) {
        public boolean ok() {
            return exit == 0 && !timedOut;
        }

        /** stderr, else stdout, trimmed: for messages. */
        public String message() {
            String s = stderr.isBlank() ? stdout : stderr;
            return s.strip();
        }
    }

    /** Runs {@code argv} (no shell) with optional stdin, bounded by the deadline. */
    Result run(List<String> argv, String stdin, Deadline deadline);

    /** True when an executable of that name is on PATH (or the path is executable). */
    boolean available(String program);
}
