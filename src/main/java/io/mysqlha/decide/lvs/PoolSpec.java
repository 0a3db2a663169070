package io.mysqlha.decide.lvs;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.Forwarding;
import io.mysqlha.model.lvs.Schedulers;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The read pool the agent maintains: validated once from the resource parameters, then immutable.
 *
 * @param service       the virtual service, with its configuration (scheduler, persistence, flags)
 * @param forwarding    forwarding method of every real server
 * @param primaryPolicy whether the primary is in the pool
 * @param rise          how many monitors in a row a member must be seen readable before it is
 *                      (re-)added after being out; 1 adds it at the first readable monitor
 * @param drainTimeout  how long a leaving real server keeps weight 0 while it still has active
 *                      connections before it is removed anyway; zero removes at once
 */
public record PoolSpec(VirtualService service, Forwarding forwarding, PrimaryPolicy primaryPolicy, int rise,
                       Duration drainTimeout) {
    public PoolSpec {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(primaryPolicy, "primaryPolicy");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Schedulers.requireKnown(service.scheduler());
        Schedulers.requireValidFlags(service.scheduler(), service.schedulerFlags());
        if (rise < 1) {
            throw new IllegalArgumentException("rise must be at least 1, not " + rise);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drain timeout must not be negative");
        }
    }

    public ServiceId id() {
        return service.id();
    }

    /**
     * The endpoint under which the kernel will store {@code member}'s real server: for direct
     * routing and tunnelling IPVS keeps the service's port (0 for a firewall-mark service) whatever
     * port it is given, so comparing with the table must use that port too.
     */
    public Endpoint realServerEndpoint(Member member) {
        return forwarding.keepsServicePort() ? member.endpoint().withPort(id().port()) : member.endpoint();
    }

    /**
     * Checks members against this pool: unique names and real servers, an address family the
     * forwarding method can reach (only tunnels cross families), a port under NAT.
     *
     * @throws IllegalArgumentException naming the member
     */
    public void checkMembers(List<Member> members) {
        Map<String, Member> names = new HashMap<>();
        Map<Endpoint, Member> endpoints = new HashMap<>();
        for (Member m : members) {
            Member twin = names.put(m.name(), m);
            if (twin != null) {
                throw new IllegalArgumentException("member " + m.name() + " is listed twice");
            }
            twin = endpoints.put(realServerEndpoint(m), m);
            if (twin != null) {
                throw new IllegalArgumentException("members " + twin.name() + " and " + m.name()
                        + " are the same real server " + realServerEndpoint(m));
            }
            if (forwarding != Forwarding.TUNNEL && m.endpoint().address().isIpv6() != id().ipv6()) {
                throw new IllegalArgumentException("member " + m.name() + " (" + m.endpoint() + ") is not of the "
                        + (id().ipv6() ? "IPv6" : "IPv4") + " family of " + id() + "; only tunnel forwarding crosses families");
            }
            if (forwarding == Forwarding.MASQUERADE && m.endpoint().port() == 0) {
                throw new IllegalArgumentException("member " + m.name() + " needs a port for NAT forwarding");
            }
        }
    }
}
