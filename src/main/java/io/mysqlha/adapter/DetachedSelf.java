package io.mysqlha.adapter;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts this program again, detached (own session, no inherited output), with the same JVM, class path
 * and JVM options: for work an action leaves to finish after it has answered Pacemaker.
 */
public final class DetachedSelf {
    private DetachedSelf() {}

    public static void spawn(List<String> args, Map<String, String> extraEnv) {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ProcessHandle.current().info().arguments().map(a -> jvmOptions(a)).orElse(List.of()));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.mysqlha.cli.Main");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a detached " + String.join(" ", args) + ": " + e.getMessage(), e);
        }
    }

    /** The JVM options of this process (everything before the main class or -cp). */
    private static List<String> jvmOptions(String[] a) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals("-cp") || a[i].equals("-classpath") || a[i].equals("-jar") || !a[i].startsWith("-")) {
                break;
            }
            out.add(a[i]);
        }
        return out;
    }
}
