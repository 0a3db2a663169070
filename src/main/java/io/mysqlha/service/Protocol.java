package io.mysqlha.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node service's wire format (version 1), spoken by {@code ra/lib/mysqlha-client.c} and by
 * {@link ServiceClient}.
 *
 * <p>Request: {@code MYSQLHA1}, the caller's pid, the argument count, the arguments, then {@code NAME=VALUE}
 * environment entries, each NUL-terminated, ended by an empty string. Answer: frames of one type byte
 * ({@code A} accepted, {@code O} standard output, {@code E} standard error, {@code X} the exit code as
 * decimal text), a 4-byte big-endian length, and the payload.
 */
public final class Protocol {
    private Protocol() {}

    public static final String MAGIC = "MYSQLHA1";
    /** The client's exit code when the service did not accept a request (the shim then runs a fresh JVM). */
    public static final int NOT_ACCEPTED = 250;
    static final int MAX_ITEM = 1 << 20;
    static final int MAX_ITEMS = 4096;
    static final int MAX_FRAME = 32 * 1024;

    /** One request: who sent it, the command line, and the environment passed along. */
    public record Request(long pid, List<String> args, Map<String, String> env) {
        public Request {
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }
    }

    /** A request the service cannot read. */
    public static final class BadRequest extends IOException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    public static byte[] encode(Request r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        item(b, MAGIC);
        item(b, Long.toString(r.pid()));
        item(b, Integer.toString(r.args().size()));
        r.args().forEach(a -> item(b, a));
        r.env().forEach((k, v) -> item(b, k + "=" + v));
        item(b, "");
        return b.toByteArray();
    }

    private static void item(ByteArrayOutputStream b, String s) {
        byte[] x = s.getBytes(StandardCharsets.UTF_8);
        b.write(x, 0, x.length);
        b.write(0);
    }

    /** Reads one request; bounded in size so that a confused peer cannot make the service hoard memory. */
    public static Request read(InputStream in) throws IOException {
        if (!MAGIC.equals(readItem(in))) {
            throw new BadRequest("not a mysqlha request (protocol " + MAGIC + " expected)");
        }
        long pid;
        int argc;
        try {
            pid = Long.parseLong(readItem(in));
            argc = Integer.parseInt(readItem(in));
        } catch (NumberFormatException e) {
            throw new BadRequest("malformed request header");
        }
        if (argc < 1 || argc > 64) {
            throw new BadRequest("argument count " + argc + " out of range");
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < argc; i++) {
            args.add(readItem(in));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            if (i > MAX_ITEMS) {
                throw new BadRequest("too many environment entries");
            }
            String e = readItem(in);
            if (e.isEmpty()) {
                break;
            }
            int eq = e.indexOf('=');
            if (eq > 0) {
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return new Request(pid, args, env);
    }

    private static String readItem(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (;;) {
            int c = in.read();
            if (c < 0) {
                throw new BadRequest("request ended early");
            }
            if (c == 0) {
                return b.toString(StandardCharsets.UTF_8);
            }
            if (b.size() >= MAX_ITEM) {
                throw new BadRequest("request item too long");
            }
            b.write(c);
        }
    }

    /** Writes answer frames; safe to share between the action's thread and the one that enforces its deadline. */
    public static final class FrameWriter {
        private final OutputStream out;
        private boolean closed;

        public FrameWriter(OutputStream out) {
            this.out = out;
        }

        public synchronized void frame(char type, byte[] payload, int off, int len) throws IOException {
            if (closed) {
                return;
            }
            do {
                int n = Math.min(len, MAX_FRAME);
                out.write(new byte[] {(byte) type, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
                out.write(payload, off, n);
                off += n;
                len -= n;
            } while (len > 0);
            out.flush();
        }

        public void frame(char type, String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            frame(type, b, 0, b.length);
        }

        /** The exit frame; nothing is written after it. Returns false when an exit was already sent. */
        public synchronized boolean exit(int code) throws IOException {
            if (closed) {
                return false;
            }
            frame('X', Integer.toString(code));
            closed = true;
            return true;
        }

        /** An output stream whose writes become frames of {@code type} (standard output or error). */
        public OutputStream stream(char type) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (len > 0) {
                        frame(type, b, off, len);
                    }
                }
            };
        }
    }
}
