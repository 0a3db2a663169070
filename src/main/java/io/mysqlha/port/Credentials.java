package io.mysqlha.port;

/**
 * The accounts the agents use, from the credentials file.
 *
 * @param admin       administrative account (promote, demote, CHANGE MASTER, KILL)
 * @param replication account replicas use to connect to the primary
 * @param monitor     read-only account for health checks
 */
public record Credentials(Credential admin, Credential replication, Credential monitor) {
}
