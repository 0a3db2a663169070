package io.mysqlha.adapter;

import io.mysqlha.port.Credential;
import io.mysqlha.port.Deadline;
import io.mysqlha.port.SqlConnector;
import io.mysqlha.port.SqlException;
import io.mysqlha.port.SqlSession;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small MySQL/MariaDB client over a plain socket: the handshake, password authentication
 * (mysql_native_password, caching_sha2_password) and text queries. Every OCF action is a fresh JVM, and
 * loading and initialising a full JDBC driver costs most of a monitor's time; this client starts in a few
 * milliseconds. What it does not speak (TLS, other authentication plugins) it reports as unsupported, and
 * {@link FallbackSqlConnector} hands the connection to Connector/J.
 */
public final class WireSqlConnector implements SqlConnector {

    @Override
    public SqlSession connect(String host, int port, Credential credential, Deadline deadline) {
        String what = "connect to " + host + ":" + port + " as " + credential.user();
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(100, deadline.remainingMillis()));
            socket.setSoTimeout((int) Math.max(100, deadline.remainingMillis()));
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16384);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            int[] seq = new int[1];
            WireProtocol.Handshake hs = WireProtocol.parseHandshake(WireProtocol.readPacket(in, seq));
            if (hs.authPlugin().isEmpty()) {
                throw new WireProtocol.Unsupported("no authentication plugin named by the server");
            }
            String plugin = hs.authPlugin();
            byte[] nonce = hs.nonce();
            WireProtocol.writePacket(out, seq[0] + 1,
                    WireProtocol.handshakeResponse(credential.user(), WireProtocol.scramble(plugin, credential.password(), nonce), plugin));
            while (true) {
                byte[] p = WireProtocol.readPacket(in, seq);
                if (WireProtocol.isOk(p)) {
                    return new Session(socket, in, out, hs.serverVersion(), deadline);
                }
                if (WireProtocol.isErr(p)) {
                    throw WireProtocol.error(p);
                }
                int head = p[0] & 0xFF;
                if (head == 0xFE) {
                    // switch to the plugin the account uses
                    WireProtocol.Reader r = new WireProtocol.Reader(p);
                    r.skip(1);
                    plugin = r.nulString();
                    byte[] rest = r.rest();
                    nonce = rest.length > 0 && rest[rest.length - 1] == 0
                            ? java.util.Arrays.copyOf(rest, rest.length - 1) : rest;
                    WireProtocol.writePacket(out, seq[0] + 1, WireProtocol.scramble(plugin, credential.password(), nonce));
                } else if (head == 0x01 && "caching_sha2_password".equals(plugin) && p.length >= 2 && p[1] == 3) {
                    continue; // fast authentication succeeded: the OK follows
                } else if (head == 0x01 && "caching_sha2_password".equals(plugin) && p.length >= 2 && p[1] == 4) {
                    // full authentication without TLS: ask for the server's RSA key
                    WireProtocol.writePacket(out, seq[0] + 1, new byte[] {2});
                    byte[] key = WireProtocol.readPacket(in, seq);
                    if (WireProtocol.isErr(key)) {
                        throw WireProtocol.error(key);
                    }
                    String pem = new String(key, 1, key.length - 1, StandardCharsets.US_ASCII);
                    WireProtocol.writePacket(out, seq[0] + 1, WireProtocol.rsaPassword(credential.password(), nonce, pem));
                } else {
                    throw new WireProtocol.Unsupported("authentication exchange 0x" + Integer.toHexString(head)
                            + " of plugin " + plugin);
                }
            }
        } catch (IOException e) {
            closeQuietly(socket);
            throw classify(e, what);
        } catch (RuntimeException e) {
            closeQuietly(socket);
            throw new SqlException(SqlException.Kind.OTHER, 0, what + ": " + e, e);
        }
    }

    static SqlException classify(IOException e, String what) {
        if (e instanceof WireProtocol.ServerError se) {
            return new SqlException(SqlErrors.kindOf(se.code), se.code, what + ": " + se.getMessage() + " (error "
                    + se.code + ")", e);
        }
        SqlException.Kind kind;
        if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
            kind = SqlException.Kind.REFUSED;
        } else if (e instanceof SocketTimeoutException) {
            kind = SqlException.Kind.TIMEOUT;
        } else if (e instanceof WireProtocol.Unsupported) {
            kind = SqlException.Kind.OTHER;
        } else {
            kind = SqlException.Kind.REFUSED;
        }
        return new SqlException(kind, 0, what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** One connection. After a timeout or an I/O error it is closed: the protocol state is unknown. */
    static final class Session implements SqlSession {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String version;
        private Deadline deadline;

        Session(Socket socket, InputStream in, OutputStream out, String version, Deadline deadline) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.version = version;
            this.deadline = deadline;
        }

        @Override
        public List<Map<String, String>> query(String sql) {
            return run(sql, sql, true);
        }

        @Override
        public void execute(String sql) {
            run(sql, sql, false);
        }

        @Override
        public void executeSecret(String sql, String description) {
            try {
                run(sql, description, false);
            } catch (SqlException e) {
                // the server's message may quote the statement: keep only the code
                throw new SqlException(e.kind(), e.errorCode(), description + " failed (error " + e.errorCode() + ")",
                        null);
            }
        }

        private List<Map<String, String>> run(String sql, String what, boolean keepRows) {
            long ms = deadline.remainingMillis();
            if (ms <= 0) {
                throw new SqlException(SqlException.Kind.TIMEOUT, 0, what + ": no time left in this action", null);
            }
            try {
                socket.setSoTimeout((int) Math.max(100, ms));
                byte[] q = sql.getBytes(StandardCharsets.UTF_8);
                byte[] payload = new byte[q.length + 1];
                payload[0] = 0x03; // COM_QUERY
                System.arraycopy(q, 0, payload, 1, q.length);
                WireProtocol.writePacket(out, 0, payload);
                List<Map<String, String>> rows = new ArrayList<>();
                boolean more = true;
                while (more) {
                    more = readResult(rows, keepRows);
                }
                return rows;
            } catch (WireProtocol.ServerError e) {
                throw classify(e, what);
            } catch (IOException e) {
                close();
                throw classify(e, what);
            }
        }

        /** Reads one result (OK or a result set); true when the server says more results follow. */
        private boolean readResult(List<Map<String, String>> rows, boolean keepRows) throws IOException {
            int[] seq = new int[1];
            byte[] first = WireProtocol.readPacket(in, seq);
            if (WireProtocol.isErr(first)) {
                throw WireProtocol.error(first);
            }
            if (WireProtocol.isOk(first)) {
                WireProtocol.Reader r = new WireProtocol.Reader(first);
                r.skip(1);
                r.lenenc();
                r.lenenc();
                return (r.u16() & 0x0008) != 0;
            }
            if ((first[0] & 0xFF) == 0xFB) {
                throw new WireProtocol.Unsupported("LOCAL INFILE request");
            }
            int columns = (int) new WireProtocol.Reader(first).lenenc();
            String[] names = new String[columns];
            for (int i = 0; i < columns; i++) {
                WireProtocol.Reader r = new WireProtocol.Reader(WireProtocol.readPacket(in, seq));
                for (int skip = 0; skip < 4; skip++) {
                    r.lenencString();
                }
                names[i] = r.lenencString();
            }
            byte[] eof = WireProtocol.readPacket(in, seq);
            if (!WireProtocol.isEof(eof)) {
                throw new IOException("expected the end of column definitions");
            }
            while (true) {
                byte[] p = WireProtocol.readPacket(in, seq);
                if (WireProtocol.isEof(p)) {
                    WireProtocol.Reader r = new WireProtocol.Reader(p);
                    r.skip(3);
                    return p.length >= 5 && (r.u16() & 0x0008) != 0;
                }
                if (WireProtocol.isErr(p)) {
                    throw WireProtocol.error(p);
                }
                if (keepRows) {
                    WireProtocol.Reader r = new WireProtocol.Reader(p);
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < columns; i++) {
                        row.put(names[i], r.lenencString());
                    }
                    rows.add(row);
                }
            }
        }

        @Override
        public String serverVersion() {
            return version;
        }

        @Override
        public void bound(Deadline d) {
            this.deadline = d;
        }

        @Override
        public void close() {
            if (socket.isClosed()) {
                return;
            }
            try {
                socket.setSoTimeout(200);
                WireProtocol.writePacket(out, 0, new byte[] {0x01}); // COM_QUIT
            } catch (IOException e) {
                // closing anyway
            }
            closeQuietly(socket);
        }
    }
}
