package io.mysqlha.binlog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the MariaDB command-line tools for the integration tests: with a timeout, output captured. */
final class Tools {
    static final Path MARIADB_BINLOG = Path.of("/usr/bin/mariadb-binlog");
    static final Path MARIADB = Path.of("/usr/bin/mariadb");
    static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

    record Result(int exitCode, byte[] stdout, String stderr) {
        String out() {
            // row images hold arbitrary bytes: one byte, one char
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }
    }

    private Tools() {
    }

    static boolean available(Path... tools) {
        for (Path t : tools) {
            if (!Files.isExecutable(t)) {
                return false;
            }
        }
        return true;
    }

    /** Runs {@code command} with {@code stdin} (a file, or null for none), killed after {@code timeoutSeconds}. */
    static Result run(List<String> command, Path stdin, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
        }
        return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
