package io.mysqlha.agent;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.IpvsadmOutput;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.Ipvs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An IPVS table in memory, changed by the same ipvsadm arguments the kernel takes, kept as
 * {@code --save} lines (which is what -A/-a arguments are). For unit tests of the agent's logic only:
 * the real kernel is exercised by LvsVmIT.
 */
final class FakeIpvs implements Ipvs {
    final List<String> lines = new ArrayList<>();
    final List<List<String>> applied = new ArrayList<>();
    final Map<Endpoint, Long> active = new HashMap<>();
    boolean installed = true;
    OcfException findFails;
    Set<String> failing = Set.of();

    @Override
    public boolean installed() {
        return installed;
    }

    IpvsTable table() {
        return IpvsadmOutput.parseSave(String.join("\n", lines));
    }

    @Override
    public Optional<IpvsTable.Entry> find(ServiceId id, Deadline deadline) {
        if (findFails != null) {
            throw findFails;
        }
        return table().find(id).map(e -> new IpvsTable.Entry(e.service(), e.realServers().stream()
                .map(r -> r.withConnections(new RealServer.Connections(active.getOrDefault(r.endpoint(), 0L), 0)))
                .toList()));
    }

    @Override
    public CommandRunner.Result apply(List<String> args, Deadline deadline) {
        applied.add(args);
        String cmd = args.get(0);
        if (failing.contains(cmd)) {
            return new CommandRunner.Result(255, "", "Memory allocation problem\n", false);
        }
        String service = args.get(1) + " " + args.get(2);
        String rest = String.join(" ", args.subList(1, args.size()));
        boolean has = lines.stream().anyMatch(l -> l.startsWith("-A " + service + " "));
        switch (cmd) {
            case "-A" -> {
                if (has) {
                    return new CommandRunner.Result(255, "", "Service already exists\n", false);
                }
                lines.add("-A " + rest);
            }
            case "-E" -> {
                if (!has) {
                    return new CommandRunner.Result(255, "", "No such service\n", false);
                }
                lines.replaceAll(l -> l.startsWith("-A " + service + " ") ? "-A " + rest : l);
            }
            case "-D" -> {
                if (!has) {
                    return new CommandRunner.Result(255, "", "No such service\n", false);
                }
                lines.removeIf(l -> l.startsWith("-A " + service + " ") || l.startsWith("-a " + service + " "));
            }
            case "-a", "-e", "-d" -> {
                String server = "-a " + service + " -r " + args.get(4) + " ";
                boolean present = lines.stream().anyMatch(l -> l.startsWith(server));
                if (!has) {
                    return new CommandRunner.Result(255, "", "No such service\n", false);
                }
                if (cmd.equals("-a") && present) {
                    return new CommandRunner.Result(255, "", "Destination already exists\n", false);
                }
                if (!cmd.equals("-a") && !present) {
                    return new CommandRunner.Result(255, "", "No such destination\n", false);
                }
                lines.removeIf(l -> l.startsWith(server));
                if (!cmd.equals("-d")) {
                    lines.add("-a " + rest);
                }
            }
            default -> throw new AssertionError("unexpected ipvsadm " + args);
        }
        return new CommandRunner.Result(0, "", "", false);
    }
}
