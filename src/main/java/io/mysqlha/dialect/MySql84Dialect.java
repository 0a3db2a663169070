package io.mysqlha.dialect;

import io.mysqlha.model.BinlogCoordinates;
import io.mysqlha.model.ServerVersion;
import io.mysqlha.model.TlsSettings;

/**
 * MySQL 8.4+: the old replication statements are gone (SHOW SLAVE STATUS, CHANGE MASTER, SHOW MASTER
 * STATUS); only SHOW REPLICA STATUS, CHANGE REPLICATION SOURCE TO, SHOW BINARY LOG STATUS remain.
 */
final class MySql84Dialect extends MySqlDialect {
    MySql84Dialect(ServerVersion v) {
        super(v);
    }

    @Override
    public String replicaStatusQuery() {
        return "SHOW REPLICA STATUS";
    }

    @Override
    public String primaryStatusQuery() {
        return "SHOW BINARY LOG STATUS";
    }

    @Override
    public String changeSourceGtid(String host, int port, String user, String password, int connectRetryS,
                                   TlsSettings tls) {
        return "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + Dialect.quote(host) + ", SOURCE_PORT=" + port
                + ", SOURCE_USER=" + Dialect.quote(user) + ", SOURCE_PASSWORD=" + Dialect.quote(password)
                + ", SOURCE_CONNECT_RETRY=" + connectRetryS + ", SOURCE_AUTO_POSITION=1" + tlsOrKey(tls);
    }

    @Override
    public String changeSourceCoordinates(String host, int port, String user, String password,
                                          BinlogCoordinates at, int connectRetryS, TlsSettings tls) {
        return "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + Dialect.quote(host) + ", SOURCE_PORT=" + port
                + ", SOURCE_USER=" + Dialect.quote(user) + ", SOURCE_PASSWORD=" + Dialect.quote(password)
                + ", SOURCE_CONNECT_RETRY=" + connectRetryS + ", SOURCE_AUTO_POSITION=0"
                + ", SOURCE_LOG_FILE=" + Dialect.quote(at.file()) + ", SOURCE_LOG_POS=" + at.pos() + tlsOrKey(tls);
    }

    @Override
    public String startReplica() {
        return "START REPLICA";
    }

    @Override
    public String stopReplica() {
        return "STOP REPLICA";
    }

    @Override
    public String stopReplicaIo() {
        return "STOP REPLICA IO_THREAD";
    }

    @Override
    public String resetReplicaAll() {
        return "RESET REPLICA ALL";
    }

    /**
     * With TLS the password travels inside the verified session; without it (8.0+: caching_sha2_password)
     * the replica asks the source for its RSA key, as before.
     */
    private String tlsOrKey(TlsSettings tls) {
        if (tls.enabled()) {
            return Dialect.replicationTls("SOURCE", tls);
        }
        return ", GET_SOURCE_PUBLIC_KEY=1";
    }
}
