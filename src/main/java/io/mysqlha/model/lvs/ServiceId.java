package io.mysqlha.model.lvs;

import java.util.List;
import java.util.Objects;

/**
 * What identifies a virtual service in the IPVS table: protocol and address:port, or a firewall
 * mark and address family. Everything else about a service can be edited in place; this cannot.
 *
 * @param protocol  TCP, UDP, SCTP, or FWMARK
 * @param endpoint  the virtual address and port; null for a firewall-mark service
 * @param fwmark    the mark (1 to 2^32-1) of a FWMARK service; 0 otherwise
 * @param ipv6      the address family (for an address service, that of {@code endpoint})
 */
public record ServiceId(Protocol protocol, Endpoint endpoint, long fwmark, boolean ipv6)
        implements Comparable<ServiceId> {
    public ServiceId {
        Objects.requireNonNull(protocol, "protocol");
        if (protocol == Protocol.FWMARK) {
            if (endpoint != null) {
                throw new IllegalArgumentException("a firewall-mark service has no address");
            }
            if (fwmark < 1 || fwmark > 0xffffffffL) {
                throw new IllegalArgumentException("firewall mark " + fwmark + " is outside 1-4294967295");
            }
        } else {
            Objects.requireNonNull(endpoint, "endpoint");
            if (fwmark != 0) {
                throw new IllegalArgumentException("only a firewall-mark service has a mark");
            }
            if (ipv6 != endpoint.address().isIpv6()) {
                throw new IllegalArgumentException("address family flag disagrees with " + endpoint);
            }
        }
    }

    /** A TCP, UDP or SCTP service on {@code endpoint}. */
    public static ServiceId of(Protocol protocol, Endpoint endpoint) {
        return new ServiceId(protocol, endpoint, 0, endpoint.address().isIpv6());
    }

    /** A TCP service on {@code ip:port} / {@code [ipv6]:port}. */
    public static ServiceId tcp(String endpoint) {
        return of(Protocol.TCP, Endpoint.parse(endpoint));
    }

    /** A firewall-mark service. */
    public static ServiceId fwmark(long mark, boolean ipv6) {
        return new ServiceId(Protocol.FWMARK, null, mark, ipv6);
    }

    /** The service's port; 0 for a firewall-mark service (its real servers get port 0 too). */
    public int port() {
        return endpoint == null ? 0 : endpoint.port();
    }

    /** The ipvsadm arguments that name this service: {@code -t 10.0.0.1:3306}, {@code -f 7 -6}. */
    public List<String> ipvsadmArgs() {
        if (protocol == Protocol.FWMARK) {
            return ipv6 ? List.of("-f", Long.toString(fwmark), "-6") : List.of("-f", Long.toString(fwmark));
        }
        return List.of(protocol.option(), endpoint.toString());
    }

    @Override
    public int compareTo(ServiceId o) {
        int c = protocol.compareTo(o.protocol);
        if (c != 0) {
            return c;
        }
        if (protocol == Protocol.FWMARK) {
            c = Long.compare(fwmark, o.fwmark);
            return c != 0 ? c : Boolean.compare(ipv6, o.ipv6);
        }
        return endpoint.compareTo(o.endpoint);
    }

    /** As ipvsadm -L names it: {@code TCP 10.0.0.1:3306}, {@code FWM 7}, {@code FWM 8 IPv6}. */
    @Override
    public String toString() {
        if (protocol == Protocol.FWMARK) {
            return "FWM " + fwmark + (ipv6 ? " IPv6" : "");
        }
        return protocol.listName() + " " + endpoint;
    }
}
