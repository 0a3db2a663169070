package io.mysqlha.adapter;

import io.mysqlha.port.Sysctls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Sysctls read from /proc/sys. */
public final class ProcSysctls implements Sysctls {
    private final Path root;

    public ProcSysctls() {
        this(Path.of("/proc/sys"));
    }

    /** For tests: another directory laid out like /proc/sys. */
    public ProcSysctls(Path root) {
        this.root = root;
    }

    @Override
    public Optional<String> read(String name) {
        try {
            return Optional.of(Files.readString(root.resolve(name.replace('.', '/'))).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
