package io.mysqlha.agent;

import io.mysqlha.ocf.ActionSpec;
import io.mysqlha.ocf.ParamSpec;

import java.util.List;

/** Parameters and actions of ocf:mysqlha:vip: the one source for meta-data, validation and docs. */
public final class VipParams {
    private VipParams() {}

    public static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.string("ip", null, "Virtual IP address",
                    "The virtual IPv4 or IPv6 address, as a literal (never a host name: the agent must not "
                            + "depend on DNS).").asRequired().asUnique(),
            ParamSpec.string("cidr_netmask", "", "Prefix length",
                    "Prefix length of the address (24, or for IPv4 a netmask such as 255.255.255.0). Empty: the "
                            + "prefix of the connected route that covers the address on the interface."),
            ParamSpec.string("nic", "", "Network interface",
                    "Interface to add the address to. Empty: the interface that already holds the address, "
                            + "else the one whose connected route covers it (longest prefix); the agent fails "
                            + "when that is ambiguous."),
            ParamSpec.string("label", "", "IPv4 address label",
                    "Label of an IPv4 address: the address is added with label <nic>:<label> (at most 15 "
                            + "characters in all), which makes it easy to spot in 'ip addr'. Empty: no label."),
            ParamSpec.integer("arp_count", 5, "Gratuitous ARP count",
                    "How many gratuitous ARP rounds start sends (IPv4 only). 0 sends none."),
            ParamSpec.integer("arp_interval_ms", 200, "Gratuitous ARP interval (ms)",
                    "Milliseconds between two gratuitous ARP rounds."),
            ParamSpec.string("arp_mode", "both", "Gratuitous ARP kind",
                    "What a round sends: 'request' (RFC 5227 announcement), 'reply' (target hardware address = "
                            + "sender's), or 'both', request then reply, for switches and hosts that honour "
                            + "only one of them."),
            ParamSpec.bool("arp_refresh", false, "Refresh ARP on monitor",
                    "Send one gratuitous ARP round on every monitor that finds the address in place, so that "
                            + "neighbours whose cache missed the announcements at start (a switch that was "
                            + "rebooting, a host that learned the old holder's MAC late) converge within one "
                            + "monitor interval."),
            ParamSpec.bool("reset_connections", true, "Reset clients' connections on stop",
                    "On stop, reset (ss -K) the TCP connections whose local address is this address just "
                            + "before it is removed. Once the address is gone no reset can leave the node, so a "
                            + "client waiting for an answer (a replica of the writer address reading the binlog, "
                            + "a query in flight) would hang until its own timeout; reset, it fails at once and "
                            + "reconnects to the next holder. Needs the kernel's socket destroy "
                            + "(CONFIG_INET_DIAG_DESTROY, as in Debian's kernel); without it nothing is reset and "
                            + "the connections wait for their own timeouts."));

    public static final List<ActionSpec> ACTIONS = List.of(
            ActionSpec.of("start", 20),
            ActionSpec.of("stop", 20),
            new ActionSpec("monitor", 20, 10, null, 0),
            ActionSpec.of("meta-data", 5),
            ActionSpec.of("validate-all", 20));
}
