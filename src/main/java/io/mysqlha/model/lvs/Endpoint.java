package io.mysqlha.model.lvs;

import java.util.Objects;

/**
 * An address and a port, written {@code 10.0.0.1:3306} or {@code [2001:db8::1]:3306} as ipvsadm
 * reads and prints them.
 */
public record Endpoint(IpAddress address, int port) implements Comparable<Endpoint> {
    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0-65535");
        }
    }

    /**
     * Parses {@code ip:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException naming the text when it is not of that form
     */
    public static Endpoint parse(String text) {
        return parse(text, -1);
    }

    /**
     * Parses {@code ip:port}, {@code [ipv6]:port}, or an address alone ({@code 10.0.0.2},
     * {@code 2001:db8::2}, {@code [2001:db8::2]}), which then gets {@code defaultPort}.
     */
    public static Endpoint parse(String text, int defaultPort) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ']' after the IPv6 address");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                throw new IllegalArgumentException("'" + text + "': expected ':port' after ']'");
            }
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("'" + text + "': brackets are for IPv6 addresses only");
            }
        } else {
            int first = text.indexOf(':');
            if (first >= 0 && first == text.lastIndexOf(':')) {
                host = text.substring(0, first);
                port = text.substring(first + 1);
            } else if (first >= 0 && defaultPort < 0) {
                throw new IllegalArgumentException(
                        "'" + text + "': write an IPv6 address with a port as [address]:port");
            } else {
                host = text; // IPv4 without port, or IPv6 without brackets and without port
                port = null;
            }
        }
        int p;
        if (port == null) {
            if (defaultPort < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ':port'");
            }
            p = defaultPort;
        } else {
            p = parsePort(text, port);
        }
        IpAddress address;
        try {
            address = IpAddress.parse(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
        }
        return new Endpoint(address, p);
    }

    private static int parsePort(String text, String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number in 0-65535");
        }
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + p + " is outside 0-65535");
        }
        return p;
    }

    /** The same address with another port. */
    public Endpoint withPort(int newPort) {
        return newPort == port ? this : new Endpoint(address, newPort);
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = address.compareTo(o.address);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return address.isIpv6() ? "[" + address + "]:" + port : address + ":" + port;
    }
}
