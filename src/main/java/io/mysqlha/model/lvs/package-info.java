/**
 * The IPVS table as values: {@link io.mysqlha.model.lvs.ServiceId} (protocol + address:port, or a
 * firewall mark), {@link io.mysqlha.model.lvs.VirtualService} (scheduler, persistence, flags),
 * {@link io.mysqlha.model.lvs.RealServer} (address:port, {@link io.mysqlha.model.lvs.Forwarding},
 * weight, connection counts when known), {@link io.mysqlha.model.lvs.IpvsTable}; parsers of
 * {@code ipvsadm --save -n} and {@code ipvsadm -L -n} output in {@link io.mysqlha.model.lvs.IpvsadmOutput};
 * and the validation of operator-given names: {@link io.mysqlha.model.lvs.Endpoint#parse} for
 * {@code ip:port} / {@code [ipv6]:port}, {@link io.mysqlha.model.lvs.Schedulers#requireKnown},
 * {@link io.mysqlha.model.lvs.Forwarding#parse} ({@code dr}/{@code nat}/{@code tunnel}),
 * {@link io.mysqlha.model.lvs.Protocol#parse}. Every failure is an {@link IllegalArgumentException}
 * whose message quotes the offending value; the caller prefixes the parameter name.
 *
 * <p>Imports java.base only. Addresses are never resolved: a host name is an error.
 */
package io.mysqlha.model.lvs;
