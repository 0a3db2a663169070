package io.mysqlha.ocf;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * Logging the way resource agents log: {@code HA_LOGFILE} (and {@code HA_DEBUGLOG}) when set, syslog
 * when {@code HA_LOGFACILITY} is set, stderr when neither is; debug lines only with {@code HA_debug}.
 * Exactly one {@code ocf-exit-reason:} line goes to stderr per failure. Never pass a secret to it.
 */
public final class OcfLog {
    /** Where syslog lines go; created lazily because it loads native code. */
    public interface Syslog {
        /** Sends one line at a syslog priority (LOG_ERR=3, LOG_WARNING=4, LOG_INFO=6, LOG_DEBUG=7). */
        void log(String facility, String tag, int priority, String line);
    }

    public enum Level {
        DEBUG(7), INFO(6), WARNING(4), ERROR(3);
        final int priority;

        Level(int priority) {
            this.priority = priority;
        }
    }

    private static final DateTimeFormatter HADATE = DateTimeFormatter.ofPattern("yyyy/MM/dd_HH:mm:ss");

    private final String tag;
    private final String logFile;
    private final String debugLog;
    private final String facility;
    private final boolean debug;
    private final Supplier<Syslog> syslogFactory;
    private final PrintStream stderr;
    private Syslog syslog;
    private boolean exitReasonWritten;

    public OcfLog(String tag, OcfEnv env, Supplier<Syslog> syslogFactory, PrintStream stderr) {
        this.tag = tag;
        this.logFile = firstNonEmpty(env.raw("HA_LOGFILE"), env.raw("HA_logfile"));
        this.debugLog = firstNonEmpty(env.raw("HA_DEBUGLOG"), env.raw("HA_debugfile"));
        String f = firstNonEmpty(env.raw("HA_LOGFACILITY"), env.raw("HA_logfacility"));
        this.facility = "none".equals(f) ? null : f;
        this.debug = env.debug();
        this.syslogFactory = syslogFactory;
        this.stderr = stderr;
    }

    public void debug(String msg) {
        if (debug) {
            write(Level.DEBUG, msg);
        }
    }

    public void info(String msg) {
        write(Level.INFO, msg);
    }

    public void warn(String msg) {
        write(Level.WARNING, msg);
    }

    public void error(String msg) {
        write(Level.ERROR, msg);
    }

    /** Logs the reason at error level and prints the one {@code ocf-exit-reason:} line for Pacemaker. */
    public void exitReason(String reason) {
        error(reason);
        if (!exitReasonWritten) {
            exitReasonWritten = true;
            stderr.println("ocf-exit-reason:" + oneLine(reason));
            stderr.flush();
        }
    }

    public boolean debugEnabled() {
        return debug;
    }

    private void write(Level level, String msg) {
        String line = level.name() + ": " + oneLine(msg);
        boolean sent = false;
        if (logFile != null) {
            append(logFile, LocalDateTime.now().format(HADATE) + " " + tag + ":    " + line);
            sent = true;
        }
        if (level == Level.DEBUG && debugLog != null && !debugLog.equals(logFile)) {
            append(debugLog, tag + ":\t" + LocalDateTime.now().format(HADATE) + line);
            sent = true;
        }
        if (facility != null) {
            try {
                if (syslog == null) {
                    syslog = syslogFactory.get();
                }
                syslog.log(facility, tag, level.priority, line);
                sent = true;
            } catch (RuntimeException | LinkageError e) {
                // no syslog: fall through to stderr, which Pacemaker captures in its own log
            }
        }
        if (!sent) {
            stderr.println(tag + ": " + line);
        }
    }

    private void append(String file, String line) {
        try {
            Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            stderr.println(tag + ": " + line);
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    private static String firstNonEmpty(String a, String b) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        return b != null && !b.isEmpty() ? b : null;
    }
}
