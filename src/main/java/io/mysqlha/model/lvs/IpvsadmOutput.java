package io.mysqlha.model.lvs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsers of ipvsadm's two numeric table formats (as printed by ipvsadm 1.31 on Linux 6.x):
 * <ul>
 * <li>{@link #parseSave}: {@code ipvsadm --save -n} (all settings; no connection counts),</li>
 * <li>{@link #parseList}: {@code ipvsadm -L -n} or {@code ipvsadm -L -n -t VIP:PORT} (connection
 * counts too; no tunnel options).</li>
 * </ul>
 * Every service in the table is read, including ones the agent does not own, so a malformed line
 * anywhere is an error (with its line number) rather than something skipped in silence.
 * Real-server thresholds ({@code -x}/{@code -y}) and tunnel options are accepted and not kept:
 * {@code --save} does not print thresholds at all, and the planner manages neither.
 */
public final class IpvsadmOutput {
    private IpvsadmOutput() {}

    /** Parses {@code ipvsadm --save -n} output (empty text: an empty table). */
    public static IpvsTable parseSave(String text) {
        Map<ServiceId, VirtualService> services = new LinkedHashMap<>();
        Map<ServiceId, List<RealServer>> servers = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Tokens t = new Tokens(i + 1, lines[i], line.split("\\s+"));
            String command = t.next("a command");
            if (!command.equals("-A") && !command.equals("-a")) {
                throw t.error("expected -A or -a, not '" + command + "'");
            }
            ServiceId id = readServiceId(t);
            switch (command) {
                case "-A":
                    if (services.containsKey(id)) {
                        throw t.error("virtual service " + id + " appears twice");
                    }
                    services.put(id, readServiceConfig(t, id));
                    servers.put(id, new ArrayList<>());
                    break;
                case "-a":
                    List<RealServer> list = servers.get(id);
                    if (list == null) {
                        throw t.error("real server of " + id + ", which no earlier -A line declares");
                    }
                    RealServer r = readRealServer(t);
                    if (list.stream().anyMatch(x -> x.endpoint().equals(r.endpoint()))) {
                        throw t.error("real server " + r.endpoint() + " appears twice in " + id);
                    }
                    list.add(r);
                    break;
                default:
                    throw new AssertionError(command);
            }
        }
        List<IpvsTable.Entry> entries = new ArrayList<>();
        services.forEach((id, s) -> entries.add(new IpvsTable.Entry(s, servers.get(id))));
        return new IpvsTable(entries);
    }

    /**
     * Parses the default {@code ipvsadm -L -n} listing (with or without {@code -t}/{@code -u}/{@code -f}
     * to list one service). Other listings ({@code --stats}, {@code --rate}, {@code --thresholds},
     * {@code --persistent-conn}) have other columns and are refused.
     */
    public static IpvsTable parseList(String text) {
        List<IpvsTable.Entry> entries = new ArrayList<>();
        VirtualService current = null;
        List<RealServer> currentServers = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("IP Virtual Server version")) {
                continue;
            }
            Tokens t = new Tokens(i + 1, raw, line.split("\\s+"));
            if (line.startsWith("Prot ")) {
                if (!line.matches("Prot LocalAddress:Port\\s+Scheduler Flags")) {
                    throw t.error("not the default listing: use ipvsadm -L -n without --stats, --rate, --thresholds or --persistent-conn");
                }
                continue;
            }
            if (line.startsWith("-> RemoteAddress:Port")) {
                if (!line.matches("-> RemoteAddress:Port\\s+Forward\\s+Weight\\s+ActiveConn\\s+InActConn")) {
                    throw t.error("unexpected real-server column headings");
                }
                continue;
            }
            if (line.startsWith("->")) {
                if (current == null) {
                    throw t.error("real server before any virtual service");
                }
                t.next("->");
                RealServer r = readListedRealServer(t);
                if (currentServers.stream().anyMatch(x -> x.endpoint().equals(r.endpoint()))) {
                    throw t.error("real server " + r.endpoint() + " appears twice in " + current.id());
                }
                currentServers.add(r);
                continue;
            }
            if (current != null) {
                entries.add(new IpvsTable.Entry(current, currentServers));
            }
            current = readListedService(t);
            currentServers = new ArrayList<>();
            VirtualService c = current;
            if (entries.stream().anyMatch(e -> e.id().equals(c.id()))) {
                throw t.error("virtual service " + c.id() + " appears twice");
            }
        }
        if (current != null) {
            entries.add(new IpvsTable.Entry(current, currentServers));
        }
        return new IpvsTable(entries);
    }

    private static ServiceId readServiceId(Tokens t) {
        String option = t.next("-t, -u, --sctp-service or -f");
        Protocol p = Protocol.fromOption(option);
        if (p == null) {
            throw t.error("expected -t, -u, --sctp-service or -f, not '" + option + "'");
        }
        if (p == Protocol.FWMARK) {
            long mark = t.nextNumber("firewall mark", 1, 0xffffffffL);
            boolean ipv6 = t.peekIs("-6");
            if (ipv6) {
                t.next("-6");
            }
            return ServiceId.fwmark(mark, ipv6);
        }
        return ServiceId.of(p, t.nextEndpoint("virtual service address"));
    }

    private static VirtualService readServiceConfig(Tokens t, ServiceId id) {
        String scheduler = null;
        long persistence = 0;
        String mask = null;
        List<String> flags = List.of();
        boolean ops = false;
        String pe = null;
        while (t.hasNext()) {
            String o = t.next("an option");
            switch (o) {
                case "-s": scheduler = t.next("scheduler name"); break;
                case "-p": persistence = t.nextNumber("persistence timeout", 1, 0xffffffffL); break;
                case "-M": mask = t.next("persistence netmask"); break;
                case "-b": flags = Arrays.asList(t.next("scheduler flags").split(",")); break;
                case "-o": ops = true; break;
                case "--pe": pe = t.next("persistence engine"); break;
                default: throw t.error("unknown virtual service option '" + o + "'");
            }
        }
        if (scheduler == null) {
            throw t.error("virtual service without -s scheduler");
        }
        return t.build(id, scheduler, persistence, mask, flags, ops, pe);
    }

    private static RealServer readRealServer(Tokens t) {
        Endpoint endpoint = null;
        Forwarding forwarding = null;
        Integer weight = null;
        while (t.hasNext()) {
            String o = t.next("an option");
            Forwarding f = Forwarding.fromOption(o);
            if (f != null) {
                forwarding = f;
                continue;
            }
            switch (o) {
                case "-r": endpoint = t.nextEndpoint("real server address"); break;
                case "-w": weight = (int) t.nextNumber("weight", 0, 65535); break;
                case "-x": case "-y": t.nextNumber("connection threshold", 0, 0xffffffffL); break;
                case "--tun-type": t.next("tunnel type"); break;
                case "--tun-port": t.nextNumber("tunnel port", 0, 65535); break;
                case "--tun-nocsum": case "--tun-csum": case "--tun-remcsum": break;
                default: throw t.error("unknown real server option '" + o + "'");
            }
        }
        if (endpoint == null || forwarding == null || weight == null) {
            throw t.error("a real server needs -r, one of -g/-m/-i, and -w");
        }
        return RealServer.of(endpoint, forwarding, weight);
    }

    // "TCP  10.0.0.1:3306 wrr", "FWM  8 IPv6 rr", "TCP  10.0.0.1:81 mh (mh-fallback) persistent 360",
    // "UDP  10.0.0.1:53 rr persistent 600 mask 255.255.255.0 ops"
    private static VirtualService readListedService(Tokens t) {
        String word = t.next("a protocol");
        Protocol p = Protocol.fromListName(word);
        if (p == null) {
            throw t.error("expected TCP, UDP, SCTP or FWM, not '" + word + "'");
        }
        ServiceId id;
        if (p == Protocol.FWMARK) {
            long mark = t.nextNumber("firewall mark", 1, 0xffffffffL);
            boolean ipv6 = t.peekIs("IPv6");
            if (ipv6) {
                t.next("IPv6");
            }
            id = ServiceId.fwmark(mark, ipv6);
        } else {
            id = ServiceId.of(p, t.nextEndpoint("virtual service address (list with -n)"));
        }
        String scheduler = t.next("scheduler name");
        long persistence = 0;
        String mask = null;
        List<String> flags = List.of();
        boolean ops = false;
        String pe = null;
        while (t.hasNext()) {
            String w = t.next("a flag");
            if (w.startsWith("(") && w.endsWith(")")) {
                flags = Arrays.asList(w.substring(1, w.length() - 1).split(","));
                continue;
            }
            switch (w) {
                case "persistent": persistence = t.nextNumber("persistence timeout", 1, 0xffffffffL); break;
                case "mask": mask = t.next("persistence netmask"); break;
                case "pe": pe = t.next("persistence engine"); break;
                case "ops": ops = true; break;
                default: throw t.error("unknown virtual service flag '" + w + "'");
            }
        }
        return t.build(id, scheduler, persistence, mask, flags, ops, pe);
    }

    // "-> 10.0.0.2:3306                Route   1      0          0"
    private static RealServer readListedRealServer(Tokens t) {
        Endpoint endpoint = t.nextEndpoint("real server address (list with -n)");
        String word = t.next("forwarding method");
        Forwarding f = Forwarding.fromListName(word);
        if (f == null) {
            throw t.error("unknown forwarding method '" + word + "'");
        }
        int weight = (int) t.nextNumber("weight", 0, 65535);
        long active = t.nextNumber("active connections", 0, Long.MAX_VALUE);
        long inactive = t.nextNumber("inactive connections", 0, Long.MAX_VALUE);
        if (t.hasNext()) {
            throw t.error("unexpected '" + t.next("") + "' after the connection counts");
        }
        return new RealServer(endpoint, f, weight, new RealServer.Connections(active, inactive));
    }

    /** The words of one line, read left to right, with errors that point at the line. */
    private static final class Tokens {
        private final int lineNumber;
        private final String line;
        private final String[] words;
        private int at;

        Tokens(int lineNumber, String line, String[] words) {
            this.lineNumber = lineNumber;
            this.line = line;
            this.words = words;
        }

        boolean hasNext() {
            return at < words.length;
        }

        boolean peekIs(String w) {
            return at < words.length && words[at].equals(w);
        }

        String next(String what) {
            if (at >= words.length) {
                throw error("missing " + what);
            }
            return words[at++];
        }

        long nextNumber(String what, long min, long max) {
            String w = next(what);
            long v;
            try {
                v = Long.parseLong(w);
            } catch (NumberFormatException e) {
                throw error(what + " '" + w + "' is not a number");
            }
            if (v < min || v > max) {
                throw error(what + " " + v + " is outside " + min + "-" + max);
            }
            return v;
        }

        Endpoint nextEndpoint(String what) {
            String w = next(what);
            try {
                return Endpoint.parse(w);
            } catch (IllegalArgumentException e) {
                throw error(what + ": " + e.getMessage());
            }
        }

        VirtualService build(ServiceId id, String scheduler, long persistence, String mask,
                             List<String> flags, boolean ops, String pe) {
            try {
                return new VirtualService(id, scheduler, persistence, mask, flags, ops, pe);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }

        IpvsadmFormatException error(String problem) {
            return new IpvsadmFormatException(lineNumber, line, problem);
        }
    }
}
