package io.mysqlha.failover;

/** A node of the cluster and the address its server answers SQL on. */
public record Node(String name, String host, int port) {
    public String text() {
        return host + ":" + port;
    }
}
