package io.mysqlha.model;

import java.nio.file.Path;

/**
 * TLS for every connection the agents make (the local server, peers at promote and compensation) and for
 * replication. File paths only: the key file's content never leaves it, and none of this is a secret.
 *
 * @param mode how the server's certificate is checked
 * @param ca   PEM file of the CA certificates that sign the servers' certificates (null when off)
 * @param cert PEM client certificate, or null (the servers do not ask for one)
 * @param key  PEM private key of {@code cert} (PKCS#8 or PKCS#1 RSA), or null
 */
public record TlsSettings(Mode mode, Path ca, Path cert, Path key) {
    public static final TlsSettings OFF = new TlsSettings(Mode.OFF, null, null, null);

    /** How the server is verified. There is no "encrypt without verifying": that gives a password to anyone in the middle. */
    public enum Mode {
        /** No TLS: everything in clear (a network the operator trusts). */
        OFF,
        /** TLS; the server's certificate must chain to the CA. */
        VERIFY_CA,
        /** TLS; the chain as in VERIFY_CA, and the certificate must name the host connected to (SAN IP or DNS). */
        VERIFY_IDENTITY
    }

    public boolean enabled() {
        return mode != Mode.OFF;
    }

    public boolean verifyIdentity() {
        return mode == Mode.VERIFY_IDENTITY;
    }
}
