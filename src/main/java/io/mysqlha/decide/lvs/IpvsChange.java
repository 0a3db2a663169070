package io.mysqlha.decide.lvs;

import io.mysqlha.model.lvs.RealServer;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.model.lvs.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One change to the IPVS table: one ipvsadm invocation, and a sentence for the log.
 * Run each as its own {@code ipvsadm <args>} and check its exit status: {@code ipvsadm -R}
 * reports errors on stderr but still exits 0.
 */
public sealed interface IpvsChange {
    /** The arguments after {@code ipvsadm}, e.g. {@code [-a, -t, 10.0.0.1:3306, -r, 10.0.0.2:3306, -g, -w, 1]}. */
    List<String> ipvsadmArgs();

    /** What changes and why, for the log: {@code drain real server 10.0.0.3:3306 of TCP 10.0.0.1:3306: weight 1 -> 0 (node3 not readable)}. */
    String describe();

    /** Why the planner wants this change. */
    String reason();

    /** Adds the virtual service. */
    record AddService(VirtualService service, String reason) implements IpvsChange {
        public AddService {
            Objects.requireNonNull(service);
        }

        @Override
        public List<String> ipvsadmArgs() {
            return args("-A", service.id(), service.configArgs());
        }

        @Override
        public String describe() {
            return "add virtual service " + service.id() + " " + String.join(" ", service.configArgs()) + " (" + reason + ")";
        }
    }

    /** Replaces the virtual service's configuration. */
    record EditService(VirtualService from, VirtualService to, String reason) implements IpvsChange {
        public EditService {
            if (!from.id().equals(to.id())) {
                throw new IllegalArgumentException("an edit cannot change the service identity");
            }
        }

        @Override
        public List<String> ipvsadmArgs() {
            return args("-E", to.id(), to.configArgs());
        }

        @Override
        public String describe() {
            return "edit virtual service " + to.id() + ": " + String.join(", ", to.differencesFrom(from)) + " (" + reason + ")";
        }
    }

    /** Deletes the virtual service with all its real servers. */
    record DeleteService(ServiceId id, String reason) implements IpvsChange {
        public DeleteService {
            Objects.requireNonNull(id);
        }

        @Override
        public List<String> ipvsadmArgs() {
            return args("-D", id, List.of());
        }

        @Override
        public String describe() {
            return "delete virtual service " + id + " (" + reason + ")";
        }
    }

    /** Adds a real server. */
    record AddServer(ServiceId id, RealServer server, String reason) implements IpvsChange {
        public AddServer {
            Objects.requireNonNull(id);
            Objects.requireNonNull(server);
        }

        @Override
        public List<String> ipvsadmArgs() {
            return args("-a", id, server.configArgs());
        }

        @Override
        public String describe() {
            return "add real server " + server.endpoint() + " to " + id + ", " + server.forwarding().shortName()
                    + ", weight " + server.weight() + " (" + reason + ")";
        }
    }

    /** Changes a real server's weight or forwarding method; weight 0 starts a drain. */
    record EditServer(ServiceId id, RealServer from, RealServer to, String reason) implements IpvsChange {
        public EditServer {
            Objects.requireNonNull(id);
            if (!from.endpoint().equals(to.endpoint())) {
                throw new IllegalArgumentException("an edit cannot move a real server");
            }
        }

        /** Whether this edit quiesces a server that was taking connections. */
        public boolean isDrain() {
            return to.weight() == 0 && from.weight() > 0;
        }

        @Override
        public List<String> ipvsadmArgs() {
            return args("-e", id, to.configArgs());
        }

        @Override
        public String describe() {
            List<String> what = new ArrayList<>();
            if (from.weight() != to.weight()) {
                what.add("weight " + from.weight() + " -> " + to.weight());
            }
            if (from.forwarding() != to.forwarding()) {
                what.add("forwarding " + from.forwarding().shortName() + " -> " + to.forwarding().shortName());
            }
            return (isDrain() ? "drain" : "edit") + " real server " + to.endpoint() + " of " + id + ": "
                    + String.join(", ", what) + " (" + reason + ")";
        }
    }

    /** Removes a real server. */
    record DeleteServer(ServiceId id, RealServer server, String reason) implements IpvsChange {
        public DeleteServer {
            Objects.requireNonNull(id);
            Objects.requireNonNull(server);
        }

        @Override
        public List<String> ipvsadmArgs() {
            return args("-d", id, List.of("-r", server.endpoint().toString()));
        }

        @Override
        public String describe() {
            return "remove real server " + server.endpoint() + " from " + id + " (" + reason + ")";
        }
    }

    private static List<String> args(String command, ServiceId id, List<String> rest) {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.addAll(id.ipvsadmArgs());
        a.addAll(rest);
        return List.copyOf(a);
    }
}
