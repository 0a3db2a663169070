package io.mysqlha.model.lvs;

import java.util.Locale;

/** How IPVS matches packets to a virtual service: by protocol and address, or by firewall mark. */
public enum Protocol {
    TCP("-t", "TCP"),
    UDP("-u", "UDP"),
    SCTP("--sctp-service", "SCTP"),
    /** Packets carrying a netfilter mark; the service then has no address of its own. */
    FWMARK("-f", "FWM");

    private final String option;
    private final String listName;

    Protocol(String option, String listName) {
        this.option = option;
        this.listName = listName;
    }

    /** The ipvsadm option that introduces a service of this kind ({@code -t}, {@code -u}, ...). */
    public String option() {
        return option;
    }

    /** The word {@code ipvsadm -L} prints in its first column. */
    public String listName() {
        return listName;
    }

    /**
     * Parses a protocol name as an operator writes it: {@code tcp}, {@code udp}, {@code sctp},
     * {@code fwmark} (or {@code fwm}), in any case.
     */
    public static Protocol parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "tcp": return TCP;
            case "udp": return UDP;
            case "sctp": return SCTP;
            case "fwmark":
            case "fwm": return FWMARK;
            default:
                throw new IllegalArgumentException("unknown protocol '" + name + "' (expected tcp, udp, sctp or fwmark)");
        }
    }

    static Protocol fromOption(String option) {
        for (Protocol p : values()) {
            if (p.option.equals(option)) {
                return p;
            }
        }
        return null;
    }

    static Protocol fromListName(String word) {
        for (Protocol p : values()) {
            if (p.listName.equals(word)) {
                return p;
            }
        }
        return null;
    }
}
