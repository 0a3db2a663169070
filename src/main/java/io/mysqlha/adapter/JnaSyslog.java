package io.mysqlha.adapter;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.mysqlha.ocf.OcfLog;

import java.util.Locale;
import java.util.Map;

/** syslog(3) through libc. Loaded only when a line must go to syslog, since native loading costs time. */
public final class JnaSyslog implements OcfLog.Syslog {
    private static final Map<String, Integer> FACILITIES = Map.ofEntries(
            Map.entry("kern", 0), Map.entry("user", 1 << 3), Map.entry("mail", 2 << 3), Map.entry("daemon", 3 << 3),
            Map.entry("auth", 4 << 3), Map.entry("syslog", 5 << 3), Map.entry("lpr", 6 << 3),
            Map.entry("news", 7 << 3), Map.entry("uucp", 8 << 3), Map.entry("cron", 9 << 3),
            Map.entry("authpriv", 10 << 3), Map.entry("local0", 16 << 3), Map.entry("local1", 17 << 3),
            Map.entry("local2", 18 << 3), Map.entry("local3", 19 << 3), Map.entry("local4", 20 << 3),
            Map.entry("local5", 21 << 3), Map.entry("local6", 22 << 3), Map.entry("local7", 23 << 3));

    interface CLib extends Library {
        void openlog(Pointer ident, int option, int facility);

        void syslog(int priority, String format, String arg);
    }

    private final CLib libc = Native.load("c", CLib.class);
    private String openedTag;
    /** openlog keeps the pointer it is given: the ident must live as long as it is in use. */
    private Memory ident;

    /** Synchronized: openlog's ident is process-wide, and the node service logs from many threads. */
    @Override
    public synchronized void log(String facility, String tag, int priority, String line) {
        int fac = FACILITIES.getOrDefault(facility.toLowerCase(Locale.ROOT), 3 << 3);
        if (!tag.equals(openedTag)) {
            // LOG_PID is not used: the tag carries the pid, as ocf_log's does
            byte[] b = tag.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Memory m = new Memory(b.length + 1L);
            m.write(0, b, 0, b.length);
            m.setByte(b.length, (byte) 0);
            libc.openlog(m, 0, fac);
            ident = m;
            openedTag = tag;
        }
        libc.syslog(fac | priority, "%s", line);
    }
}
