package io.mysqlha.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lab cluster of one integration-test class: {@code test-harness/lab} with a directory, namespace
 * prefix and /24 of its own, so that it runs beside any other lab on the machine (an operator's included)
 * and never touches one. Brought up once per class, torn down after it.
 */
final class TestLab {
    static final Path BASE = Path.of(System.getProperty("mysqlha.basedir", "."));
    static final Path LAB = BASE.resolve("test-harness/lab");
    static final Path JAR = BASE.resolve("target/mysqlha.jar");

    /** A finished command: exit code, its output (stderr joined to stdout unless kept apart), wall time. */
    record Run(int rc, String out, String err, long millis) {
    }

    private final String test;
    /** MYSQLHA_LAB_DIR, MYSQLHA_LAB_PREFIX and MYSQLHA_LAB_NET of this lab. */
    final Map<String, String> env;
    private boolean up;
    private final long t0 = System.nanoTime();

    /** {@code env}: MYSQLHA_LAB_DIR, MYSQLHA_LAB_PREFIX and MYSQLHA_LAB_NET, all of this test's own. */
    TestLab(String test, Map<String, String> env) {
        for (String k : List.of("MYSQLHA_LAB_DIR", "MYSQLHA_LAB_PREFIX", "MYSQLHA_LAB_NET")) {
            if (!env.containsKey(k)) {
                throw new IllegalArgumentException(test + "'s lab needs " + k + " of its own");
            }
        }
        this.test = test;
        this.env = Map.copyOf(env);
    }

    /** Why the lab cannot run here, or null. */
    static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (network, mount and PID namespaces)";
        }
        for (String tool : List.of("/usr/sbin/corosync", "/usr/sbin/pacemakerd", "/usr/sbin/mariadbd", "/usr/sbin/crm_mon",
                "/usr/bin/nsenter", "/usr/bin/mariadb")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return tool + " is not installed (test-harness/setup installs the lab's packages)";
            }
        }
        if (!Files.isRegularFile(JAR)) {
            return JAR + " is not built";
        }
        return null;
    }

    /** Skips the class (saying why) when the lab cannot run here, or when {@code extra} names a reason. */
    void assumeRunnable(String extra) {
        String why = missing();
        if (why == null) {
            why = extra;
        }
        if (why != null) {
            System.out.println(test + " skipped: " + why);
        }
        assumeTrue(why == null, why);
    }

    /**
     * {@code lab up --no-build --clean} (what may be left there is this test's own lab from an interrupted
     * run), then {@code lab configure} with {@code configureArgs}.
     */
    void bringUp(String... configureArgs) throws Exception {
        bringUp(List.of(), List.of(configureArgs));
    }

    /** The same with more options of {@code lab up} (e.g. --nodes 2 --qnetd); returns what configure printed. */
    Run bringUp(List<String> upArgs, List<String> configureArgs) throws Exception {
        assumeRunnable(null);
        List<String> upCmd = new ArrayList<>(List.of("up", "--no-build", "--clean"));
        upCmd.addAll(upArgs);
        Run r = lab(240, upCmd.toArray(String[]::new));
        up = true;
        assertEquals(0, r.rc(), "lab " + String.join(" ", upCmd) + ":\n" + r.out() + r.err());
        List<String> configure = new ArrayList<>(List.of("configure"));
        configure.addAll(configureArgs);
        Run c = lab(120, configure.toArray(String[]::new));
        assertEquals(0, c.rc(), "lab configure:\n" + c.out() + c.err());
        System.out.printf("%s: lab up and configured in %.1f s%n", test, seconds());
        return c;
    }

    /** {@code lab down}, when it was brought up. */
    void tearDown() throws Exception {
        if (up) {
            lab(120, "down");
            System.out.printf("%s: whole class (bring-up, tests, tear-down) %.1f s%n", test, seconds());
        }
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** {@code test-harness/lab ARGS...}, stderr joined to stdout. */
    Run lab(int timeoutS, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAB.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, timeoutS);
    }

    /** A command with this lab's environment, stderr joined to stdout. */
    Run run(List<String> cmd, int timeoutS) throws Exception {
        return run(cmd, timeoutS, Map.of(), null, true);
    }

    /**
     * A command with this lab's environment and {@code extraEnv}; {@code stdin} fed to it when not null;
     * stderr apart from stdout unless {@code joined}. Killed, with what it printed, after {@code timeoutS}.
     */
    Run run(List<String> cmd, int timeoutS, Map<String, String> extraEnv, String stdin, boolean joined)
            throws Exception {
        long s = System.nanoTime();
        Path out = Files.createTempFile("lab-it", ".out");
        Path err = Files.createTempFile("lab-it", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile());
            if (joined) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            pb.environment().putAll(env);
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(cmd + " still running after " + timeoutS + " s:\n" + Files.readString(out)
                        + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - s) / 1_000_000);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
