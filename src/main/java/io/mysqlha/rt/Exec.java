package io.mysqlha.rt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command with a hard time limit; the harness never waits on anything without one. */
public final class Exec {
    private Exec() {}

    /** What a command did: exit code (124 when it ran out of time, 127 when it could not start), output. */
    public record Result(int rc, String out, String err, boolean timedOut) {
        public boolean ok() {
            return rc == 0;
        }

        /** One line for messages and evidence: exit code and the first line of what it said. */
        public String brief() {
            String msg = (err.isBlank() ? out : err).strip();
            int nl = msg.indexOf('\n');
            return "rc=" + rc + (timedOut ? " (timed out)" : "") + (msg.isEmpty() ? "" : ": "
                    + (nl < 0 ? msg : msg.substring(0, nl)));
        }
    }

    public static Result run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }

    public static Result run(List<String> argv, String stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + argv.get(0) + ": " + e.getMessage(), false);
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        try {
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // exited without reading; its exit code tells
                }
            }
            boolean done = p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            if (!done) {
                kill(p);
            }
            out.join(2000);
            err.join(2000);
            return new Result(done ? p.exitValue() : 124, out.text(), err.text(), !done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            return new Result(130, out.text(), err.text(), true);
        }
    }

    /** Streams a's standard output into b's standard input (a node-to-node copy), both bounded by timeout. */
    public static Result pipe(List<String> a, List<String> b, Duration timeout) {
        Process pa;
        Process pb;
        try {
            pa = new ProcessBuilder(a).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + a.get(0) + ": " + e.getMessage(), false);
        }
        try {
            pb = new ProcessBuilder(b).start();
        } catch (IOException e) {
            kill(pa);
            return new Result(127, "", "cannot run " + b.get(0) + ": " + e.getMessage(), false);
        }
        Drain errA = new Drain(pa.getErrorStream());
        Drain outB = new Drain(pb.getInputStream());
        Drain errB = new Drain(pb.getErrorStream());
        Thread copy = new Thread(() -> {
            try (InputStream in = pa.getInputStream(); OutputStream o = pb.getOutputStream()) {
                in.transferTo(o);
            } catch (IOException e) {
                // one side died; the exit codes tell which
            }
        }, "rt-pipe");
        copy.setDaemon(true);
        copy.start();
        try {
            long end = System.nanoTime() + timeout.toNanos();
            boolean doneA = pa.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            boolean doneB = doneA && pb.waitFor(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (!doneA || !doneB) {
                kill(pa);
                kill(pb);
            }
            copy.join(2000);
            errA.join(2000);
            errB.join(2000);
            outB.join(2000);
            int rc = !doneA || !doneB ? 124 : pa.exitValue() != 0 ? pa.exitValue() : pb.exitValue();
            return new Result(rc, outB.text(), errA.text() + errB.text(), !doneA || !doneB);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(pa);
            kill(pb);
            return new Result(130, "", "interrupted", true);
        }
    }

    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            try (in) {
                in.transferTo(buf);
            } catch (IOException e) {
                // the process was killed
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
