package io.mysqlha.adapter;

import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.ServerSession;
import com.mysql.cj.protocol.SocketConnection;
import com.mysql.cj.protocol.StandardSocketFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.Closeable;
import java.io.IOException;

/**
 * Connector/J's TLS upgrade with our own context (made from PEM files by {@link PemTls}): the driver
 * itself trusts only Java key stores. The driver asks for TLS (sslMode=REQUIRED) and calls this after
 * the server's greeting; the chain is checked against the CA, and with host-name verification the
 * certificate must name the address connected to. Nothing is sent before the handshake has succeeded.
 *
 * <p>The driver instantiates this class by name, so the connection's settings come through a
 * thread-local set by {@link JdbcSqlConnector} around its connect call (a connect runs on the calling
 * thread from start to end).
 */
public final class TlsSocketFactory extends StandardSocketFactory {
    /** What the current thread's connect uses. */
    record Settings(SSLContext context, boolean verifyIdentity) {
    }

    static final ThreadLocal<Settings> CURRENT = new ThreadLocal<>();

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Closeable> T performTlsHandshake(SocketConnection conn, ServerSession session, Log log)
            throws IOException {
        Settings s = CURRENT.get();
        if (s == null) {
            throw new IOException("TLS requested outside a mysqlha connect");
        }
        SSLSocket ssl = (SSLSocket) s.context().getSocketFactory().createSocket(rawSocket, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (s.verifyIdentity()) {
            // RFC 2818 rules: the host (an address literal here, usually) must be in the certificate's SAN
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        sslSocket = ssl;
        return (T) ssl;
    }

    @Override
    public <T extends Closeable> T performTlsHandshake(SocketConnection conn, ServerSession session) throws IOException {
        return performTlsHandshake(conn, session, null);
    }
}
