package io.mysqlha.adapter;

import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.IpvsadmOutput;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.Ipvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IPVS through the ipvsadm program (Debian package {@code ipvsadm}). Reads one service with
 * {@code ipvsadm -L -n -t VIP:PORT}: only the agent's own service is parsed, with its connection
 * counts, so that another service's odd configuration can never break this agent's monitor.
 */
public final class IpvsadmCli implements Ipvs {
    private final CommandRunner runner;
    private final String program;

    /** {@code program}: a name looked up on PATH, or a path. */
    public IpvsadmCli(CommandRunner runner, String program) {
        this.runner = runner;
        this.program = program;
    }

    @Override
    public boolean installed() {
        return runner.available(program);
    }

    @Override
    public Optional<IpvsTable.Entry> find(ServiceId id, Deadline deadline) {
        List<String> argv = new ArrayList<>(List.of(program, "-L", "-n"));
        argv.addAll(id.ipvsadmArgs());
        CommandRunner.Result r = runner.run(argv, null, deadline.atMost(10_000));
        if (!r.ok()) {
            if (isNoSuchService(r)) {
                return Optional.empty();
            }
            throw failure(String.join(" ", argv), r);
        }
        try {
            return IpvsadmOutput.parseList(r.stdout()).find(id);
        } catch (IllegalArgumentException e) {
            throw OcfException.generic("cannot read the output of " + String.join(" ", argv) + ": " + e.getMessage());
        }
    }

    @Override
    public CommandRunner.Result apply(List<String> args, Deadline deadline) {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(args);
        return runner.run(argv, null, deadline.atMost(10_000));
    }

    static boolean isNoSuchService(CommandRunner.Result r) {
        return !r.timedOut() && r.exit() == 1 && r.message().contains("No such service");
    }

    /**
     * The OCF failure for an ipvsadm that did not answer. Without IPVS in the kernel ipvsadm says
     * "Can't initialize ipvs: Protocol not available" (after a modprobe complaint): the node cannot
     * run the service, ERR_INSTALLED, so that Pacemaker places it elsewhere.
     */
    static OcfException failure(String command, CommandRunner.Result r) {
        String msg = r.message().replace('\n', ' ').replaceAll("\\s+", " ");
        if (r.timedOut()) {
            return OcfException.generic(command + " timed out");
        }
        if (r.exit() == 127 || r.exit() == 126) {
            return OcfException.installed("cannot run ipvsadm (" + msg + "); install the ipvsadm package "
                    + "(parameter 'ipvsadm')");
        }
        String lower = msg.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("permission denied") || lower.contains("operation not permitted")) {
            return new OcfException(OcfExit.ERR_PERM, command + ": " + msg + " (the agent must run as root)");
        }
        if (lower.contains("protocol not available") || lower.contains("can't initialize ipvs")
                || lower.contains("module ip_vs not found")) {
            // ipvsadm prints a modprobe complaint, its own line and a question; its own line says it all
            String line = r.message().lines().filter(l -> l.contains("initialize ipvs")).findFirst().orElse(msg);
            return OcfException.installed("IPVS is not available in this node's kernel (" + command + ": "
                    + line.strip() + "); load the ip_vs module, or run the resource only on nodes whose kernel "
                    + "has IPVS");
        }
        return OcfException.generic(command + " failed (exit " + r.exit() + "): " + msg);
    }
}
