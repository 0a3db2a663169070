package io.mysqlha.port;

import io.mysqlha.model.TlsSettings;

/**
 * The accounts the agents use, from the credentials file, and how every connection is secured.
 *
 * @param admin       administrative account (promote, demote, CHANGE MASTER, KILL)
 * @param replication account replicas use to connect to the primary
 * @param monitor     read-only account for health checks
 * @param tls         TLS for the agents' sessions, the compensation's client tools and replication
 */
public record Credentials(Credential admin, Credential replication, Credential monitor, TlsSettings tls) {
    /** Accounts without TLS. */
    public Credentials(Credential admin, Credential replication, Credential monitor) {
        this(admin, replication, monitor, TlsSettings.OFF);
    }

    public Credentials withTls(TlsSettings t) {
        return new Credentials(admin, replication, monitor, t);
    }
}
