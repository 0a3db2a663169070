package io.mysqlha.adapter;

import io.mysqlha.port.MysqldService;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The local server process, found through its pid file and /proc. */
public final class ProcMysqld implements MysqldService {
    private final Path pidFile;
    private final Path datadir;
    private final String binaryName;

    public ProcMysqld(String binary, String pidFile, String datadir) {
        this.pidFile = Path.of(pidFile);
        this.datadir = Path.of(datadir);
        this.binaryName = Path.of(binary).getFileName().toString();
    }

    @Override
    public OptionalLong runningPid() {
        OptionalLong fromFile = readPidFile();
        if (fromFile.isPresent() && isServer(fromFile.getAsLong())) {
            return fromFile;
        }
        return scan();
    }

    private OptionalLong readPidFile() {
        try {
            String s = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private List<String> cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < b.length; i++) {
                if (b[i] == 0) {
                    args.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    private boolean isServer(long pid) {
        List<String> args = cmdline(pid);
        if (args.isEmpty() || isZombie(pid)) {
            return false;
        }
        String exe = Path.of(args.get(0)).getFileName().toString();
        return exe.equals(binaryName) || exe.equals("mariadbd") || exe.equals("mysqld");
    }

    private boolean isZombie(long pid) {
        return state(pid) == 'Z';
    }

    /** The state letter of /proc/PID/stat; 'Z' (treated as gone) when it cannot be read. */
    private static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int rp = stat.lastIndexOf(')');
            return rp > 0 && rp + 2 < stat.length() ? stat.charAt(rp + 2) : 'Z';
        } catch (IOException e) {
            return 'Z';
        }
    }

    @Override
    public boolean stopped(long pid) {
        return state(pid) == 'T';
    }

    /** libc's kill(2), for the one signal ProcessHandle cannot send. */
    interface CLib extends com.sun.jna.Library {
        int kill(int pid, int sig);
    }

    private static final int SIGCONT = 18;

    @Override
    public void resume(long pid) {
        CLib libc = com.sun.jna.Native.load("c", CLib.class);
        if (libc.kill((int) pid, SIGCONT) != 0) {
            throw new IllegalStateException("kill(" + pid + ", SIGCONT) failed: errno " + com.sun.jna.Native.getLastError());
        }
    }

    /** A server process of this instance without a usable pid file: matched on --datadir or --pid-file. */
    private OptionalLong scan() {
        String dd = "--datadir=" + datadir;
        String pf = "--pid-file=" + pidFile;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : ds) {
                long pid = Long.parseLong(p.getFileName().toString());
                List<String> args = cmdline(pid);
                if (!args.isEmpty() && isServer(pid)) {
                    for (String a : args) {
                        if (a.equals(dd) || a.equals(dd + "/") || a.equals(pf)) {
                            return OptionalLong.of(pid);
                        }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    @Override
    public boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid);
    }

    @Override
    public void spawn(List<String> argv, String outputFile) {
        List<String> cmd = new ArrayList<>();
        // its own session: signals meant for the agent's process group never reach the server
        cmd.add("setsid");
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(outputFile)));
        pb.redirectErrorStream(true);
        try {
            pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void signal(long pid, boolean force) {
        ProcessHandle.of(pid).ifPresent(h -> {
            if (force) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        });
    }

    @Override
    public long datadirFreeBytes() {
        try {
            return Files.getFileStore(datadir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public boolean datadirPresent() {
        return Files.isDirectory(datadir.resolve("mysql"));
    }
}
