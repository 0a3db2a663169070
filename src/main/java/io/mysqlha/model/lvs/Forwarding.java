package io.mysqlha.model.lvs;

import java.util.Locale;

/** How the director passes packets to a real server. */
public enum Forwarding {
    /** Direct routing ("gatewaying"): the real server answers the client itself; it must hold the VIP on a non-ARPing interface. */
    DIRECT_ROUTE("-g", "Route", "dr"),
    /** NAT ("masquerading"): replies come back through the director. */
    MASQUERADE("-m", "Masq", "nat"),
    /** IP-in-IP (or GUE/GRE) tunnelling. */
    TUNNEL("-i", "Tunnel", "tunnel");

    private final String option;
    private final String listName;
    private final String shortName;

    Forwarding(String option, String listName, String shortName) {
        this.option = option;
        this.listName = listName;
        this.shortName = shortName;
    }

    /** The ipvsadm option: {@code -g}, {@code -m} or {@code -i}. */
    public String option() {
        return option;
    }

    /** The operator's name: {@code dr}, {@code nat} or {@code tunnel}. */
    public String shortName() {
        return shortName;
    }

    /**
     * Whether the kernel forwards to the real server on the virtual service's own port. Only NAT
     * rewrites the port; for the others IPVS stores the real server with the service's port
     * whatever port it was given (and port 0 under a firewall-mark service).
     */
    public boolean keepsServicePort() {
        return this != MASQUERADE;
    }

    /**
     * Parses a forwarding method: {@code dr}, {@code nat}, {@code tunnel}, or their ipvsadm letters
     * and long names ({@code g}/{@code gatewaying}/{@code route}, {@code m}/{@code masquerading}/{@code masq},
     * {@code i}/{@code ipip}/{@code tun}), in any case, with or without a leading dash.
     */
    public static Forwarding parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("--")) {
            n = n.substring(2);
        } else if (n.startsWith("-")) {
            n = n.substring(1);
        }
        switch (n) {
            case "dr": case "g": case "gatewaying": case "route": case "direct": case "droute":
                return DIRECT_ROUTE;
            case "nat": case "m": case "masquerading": case "masq":
                return MASQUERADE;
            case "tunnel": case "i": case "ipip": case "tun": case "tunneling":
                return TUNNEL;
            default:
                throw new IllegalArgumentException(
                        "unknown forwarding method '" + name + "' (expected dr, nat or tunnel)");
        }
    }

    static Forwarding fromOption(String option) {
        for (Forwarding f : values()) {
            if (f.option.equals(option)) {
                return f;
            }
        }
        return null;
    }

    // ipvsadm -L prints "Local" for a real server that is an address of the director itself
    // (older kernels flag those as local delivery whatever method was asked); "--save" writes -g.
    static Forwarding fromListName(String word) {
        if ("Local".equals(word)) {
            return DIRECT_ROUTE;
        }
        for (Forwarding f : values()) {
            if (f.listName.equals(word)) {
                return f;
            }
        }
        return null;
    }
}
