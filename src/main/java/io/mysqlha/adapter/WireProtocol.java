package io.mysqlha.adapter;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;

/**
 * The parts of the MySQL/MariaDB client/server protocol the agents need: framing, the v10 handshake, the
 * mysql_native_password and caching_sha2_password scrambles, text result sets. Pure byte handling, no
 * sockets: {@link WireSqlConnector} drives it over one.
 */
final class WireProtocol {
    static final int CLIENT_LONG_PASSWORD = 0x1;
    static final int CLIENT_PROTOCOL_41 = 0x200;
    static final int CLIENT_TRANSACTIONS = 0x2000;
    static final int CLIENT_SECURE_CONNECTION = 0x8000;
    static final int CLIENT_MULTI_RESULTS = 0x20000;
    static final int CLIENT_PLUGIN_AUTH = 0x80000;
    static final int CLIENT_SSL = 0x800;
    static final int MAX_PAYLOAD = 0xFFFFFF;

    private WireProtocol() {}

    /** Thrown when the server wants something this client does not do (TLS, an unknown auth plugin). */
    static final class Unsupported extends IOException {
        private static final long serialVersionUID = 1L;

        Unsupported(String m) {
            super(m);
        }
    }

    /** An ERR packet from the server. */
    static final class ServerError extends IOException {
        private static final long serialVersionUID = 1L;
        final int code;
        final String sqlState;

        ServerError(int code, String sqlState, String message) {
            super(message);
            this.code = code;
            this.sqlState = sqlState;
        }
    }

    /** The server's greeting. */
    record Handshake(String serverVersion, long connectionId, int capabilities, byte[] nonce, String authPlugin) {
    }

    // ------------------------------------------------------------------ framing

    /** Reads one logical packet (joining 16 MB continuation frames); returns its payload, sets seq[0]. */
    static byte[] readPacket(InputStream in, int[] seq) throws IOException {
        ByteArrayOutputStream all = null;
        while (true) {
            byte[] h = readFully(in, 4);
            int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
            seq[0] = h[3] & 0xFF;
            byte[] body = readFully(in, len);
            if (len < MAX_PAYLOAD && all == null) {
                return body;
            }
            if (all == null) {
                all = new ByteArrayOutputStream();
            }
            all.write(body);
            if (len < MAX_PAYLOAD) {
                return all.toByteArray();
            }
        }
    }

    static void writePacket(OutputStream out, int seq, byte[] payload) throws IOException {
        int off = 0;
        int s = seq;
        do {
            int len = Math.min(MAX_PAYLOAD, payload.length - off);
            out.write(new byte[] {(byte) len, (byte) (len >> 8), (byte) (len >> 16), (byte) s});
            out.write(payload, off, len);
            off += len;
            s = (s + 1) & 0xFF;
            if (len == MAX_PAYLOAD && off == payload.length) {
                out.write(new byte[] {0, 0, 0, (byte) s});
            }
        } while (off < payload.length);
        out.flush();
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException("connection closed by the server");
        }
        return b;
    }

    // ------------------------------------------------------------------ handshake

    static Handshake parseHandshake(byte[] p) throws IOException {
        if (p.length > 0 && (p[0] & 0xFF) == 0xFF) {
            throw error(p);
        }
        Reader r = new Reader(p);
        int protocol = r.u8();
        if (protocol != 10) {
            throw new Unsupported("handshake protocol " + protocol);
        }
        String version = r.nulString();
        long id = r.u32();
        byte[] part1 = r.bytes(8);
        r.skip(1);
        int caps = r.u16();
        if (!r.more()) {
            return new Handshake(version, id, caps, part1, "mysql_native_password");
        }
        r.skip(1); // charset
        r.skip(2); // status
        caps |= r.u16() << 16;
        int dataLen = r.u8();
        r.skip(10);
        byte[] nonce = part1;
        if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
            int n = Math.max(13, dataLen - 8);
            byte[] part2 = r.bytes(n);
            int keep = part2[n - 1] == 0 ? n - 1 : n;
            nonce = new byte[8 + keep];
            System.arraycopy(part1, 0, nonce, 0, 8);
            System.arraycopy(part2, 0, nonce, 8, keep);
        }
        String plugin = (caps & CLIENT_PLUGIN_AUTH) != 0 && r.more() ? r.nulString() : "mysql_native_password";
        return new Handshake(version, id, caps, nonce, plugin);
    }

    static byte[] handshakeResponse(String user, byte[] authData, String plugin) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION
                | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH;
        le(b, caps, 4);
        le(b, 1 << 24, 4);
        b.write(45); // utf8mb4_general_ci
        b.writeBytes(new byte[23]);
        b.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        b.write(0);
        b.write(authData.length);
        b.writeBytes(authData);
        b.writeBytes(plugin.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        return b.toByteArray();
    }

    /** The auth response for a plugin; Unsupported for plugins this client does not speak. */
    static byte[] scramble(String plugin, String password, byte[] nonce) throws IOException {
        if (password.isEmpty()) {
            return new byte[0];
        }
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            switch (plugin) {
                case "mysql_native_password" -> {
                    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                    byte[] h1 = sha1.digest(pw);
                    byte[] h2 = sha1.digest(h1);
                    sha1.update(nonce, 0, Math.min(20, nonce.length));
                    sha1.update(h2);
                    return xor(h1, sha1.digest());
                }
                case "caching_sha2_password" -> {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    byte[] h1 = sha.digest(pw);
                    byte[] h2 = sha.digest(h1);
                    sha.update(h2);
                    sha.update(nonce, 0, Math.min(20, nonce.length));
                    return xor(h1, sha.digest());
                }
                default -> throw new Unsupported("authentication plugin " + plugin);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** caching_sha2_password full authentication without TLS: the password, RSA-encrypted with the server's key. */
    static byte[] rsaPassword(String password, byte[] nonce, String pemKey) throws IOException {
        try {
            byte[] pw = (password + "\0").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < pw.length; i++) {
                pw[i] ^= nonce[i % Math.min(20, nonce.length)];
            }
            String b64 = pemKey.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            c.init(Cipher.ENCRYPT_MODE, key);
            return c.doFinal(pw);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot encrypt the password with the server's key: " + e.getMessage(), e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] r = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (byte) (a[i] ^ b[i]);
        }
        return r;
    }

    static ServerError error(byte[] p) {
        Reader r = new Reader(p);
        r.skip(1);
        int code = r.u16();
        String state = "HY000";
        if (r.more() && p[3] == '#') {
            r.skip(1);
            state = new String(r.bytes(5), StandardCharsets.US_ASCII);
        }
        return new ServerError(code, state, new String(r.rest(), StandardCharsets.UTF_8));
    }

    static boolean isOk(byte[] p) {
        return p.length > 0 && p[0] == 0x00;
    }

    static boolean isErr(byte[] p) {
        return p.length > 0 && (p[0] & 0xFF) == 0xFF;
    }

    /** An EOF packet (0xFE, short): ends column definitions and rows. */
    static boolean isEof(byte[] p) {
        return p.length > 0 && (p[0] & 0xFF) == 0xFE && p.length < 9;
    }

    private static void le(ByteArrayOutputStream b, long v, int n) {
        for (int i = 0; i < n; i++) {
            b.write((int) (v >> (8 * i)) & 0xFF);
        }
    }

    /** Little-endian reader of one payload. */
    static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return pos < b.length;
        }

        int u8() {
            return b[pos++] & 0xFF;
        }

        int u16() {
            int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
            pos += 2;
            return v;
        }

        long u32() {
            long v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (long) (b[pos + i] & 0xFF) << (8 * i);
            }
            pos += 4;
            return v;
        }

        void skip(int n) {
            pos += n;
        }

        byte[] bytes(int n) {
            byte[] r = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return r;
        }

        byte[] rest() {
            return bytes(b.length - pos);
        }

        String nulString() {
            int start = pos;
            while (pos < b.length && b[pos] != 0) {
                pos++;
            }
            String s = new String(b, start, pos - start, StandardCharsets.UTF_8);
            pos = Math.min(b.length, pos + 1);
            return s;
        }

        /** A length-encoded integer; -1 for the NULL marker 0xFB. */
        long lenenc() {
            int f = u8();
            if (f < 0xFB) {
                return f;
            }
            if (f == 0xFB) {
                return -1;
            }
            int n = f == 0xFC ? 2 : f == 0xFD ? 3 : 8;
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (long) (b[pos + i] & 0xFF) << (8 * i);
            }
            pos += n;
            return v;
        }

        /** A length-encoded string, null for SQL NULL. */
        String lenencString() {
            long n = lenenc();
            if (n < 0) {
                return null;
            }
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }
    }
}
