package io.mysqlha.decide.lvs;

import io.mysqlha.model.lvs.Endpoint;
import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies planned changes to an {@link IpvsTable} value, refusing what ipvsadm refuses (adding
 * what exists, editing or deleting what does not), so that unit tests can check that plans
 * converge. It says nothing about the kernel: IpvsVmIT runs the same plans against real IPVS.
 */
final class TableEdits {
    private TableEdits() {}

    static IpvsTable apply(IpvsTable table, List<IpvsChange> changes) {
        Map<ServiceId, VirtualService> services = new TreeMap<>();
        Map<ServiceId, Map<Endpoint, RealServer>> servers = new TreeMap<>();
        for (IpvsTable.Entry e : table.services()) {
            services.put(e.id(), e.service());
            Map<Endpoint, RealServer> m = new TreeMap<>();
            e.realServers().forEach(r -> m.put(r.endpoint(), r));
            servers.put(e.id(), m);
        }
        for (IpvsChange c : changes) {
            if (c instanceof IpvsChange.AddService a) {
                check(!services.containsKey(a.service().id()), "Service already exists", c);
                services.put(a.service().id(), a.service());
                servers.put(a.service().id(), new TreeMap<>());
            } else if (c instanceof IpvsChange.EditService e) {
                check(services.containsKey(e.to().id()), "No such service", c);
                services.put(e.to().id(), e.to());
            } else if (c instanceof IpvsChange.DeleteService d) {
                check(services.remove(d.id()) != null, "No such service", c);
                servers.remove(d.id());
            } else if (c instanceof IpvsChange.AddServer a) {
                check(services.containsKey(a.id()), "No such service", c);
                // The kernel stores direct-routing and tunnel servers under the service's port.
                RealServer r = a.server().forwarding().keepsServicePort()
                        ? new RealServer(a.server().endpoint().withPort(a.id().port()), a.server().forwarding(), a.server().weight(), null)
                        : a.server();
                check(!servers.get(a.id()).containsKey(r.endpoint()), "Destination already exists", c);
                servers.get(a.id()).put(r.endpoint(), r.withConnections(new RealServer.Connections(0, 0)));
            } else if (c instanceof IpvsChange.EditServer e) {
                check(services.containsKey(e.id()), "No such service", c);
                RealServer old = servers.get(e.id()).get(e.to().endpoint());
                check(old != null, "No such destination", c);
                servers.get(e.id()).put(old.endpoint(),
                        new RealServer(old.endpoint(), e.to().forwarding(), e.to().weight(), old.connections()));
            } else if (c instanceof IpvsChange.DeleteServer d) {
                check(services.containsKey(d.id()), "No such service", c);
                check(servers.get(d.id()).remove(d.server().endpoint()) != null, "No such destination", c);
            }
        }
        List<IpvsTable.Entry> out = new ArrayList<>();
        services.forEach((id, s) -> out.add(new IpvsTable.Entry(s, List.copyOf(servers.get(id).values()))));
        return new IpvsTable(out);
    }

    private static void check(boolean ok, String ipvsadmError, IpvsChange c) {
        if (!ok) {
            throw new AssertionError(ipvsadmError + ": ipvsadm " + String.join(" ", c.ipvsadmArgs()));
        }
    }
}
