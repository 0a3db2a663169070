package io.mysqlha.adapter;

import io.mysqlha.ocf.OcfException;
import io.mysqlha.model.TlsSettings;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * An {@link SSLContext} made from the PEM files the servers themselves use (ssl-ca, ssl-cert, ssl-key), so
 * that an operator converts nothing into Java key stores. Bad files fail with OCF_ERR_CONFIGURED naming the
 * file and its parameter.
 */
public final class PemTls {
    private PemTls() {}

    /** Checks the files and builds the context; throws {@link OcfException} (ERR_CONFIGURED) naming what is wrong. */
    public static SSLContext context(TlsSettings tls) {
        try {
            List<X509Certificate> cas = certificates(tls.ca(), "tls_ca");
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : cas) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManager[] kms = null;
            if (tls.cert() != null || tls.key() != null) {
                if (tls.cert() == null || tls.key() == null) {
                    throw OcfException.configured("tls_cert and tls_key go together: set both or neither");
                }
                List<X509Certificate> chain = certificates(tls.cert(), "tls_cert");
                try {
                    chain.get(0).checkValidity();
                } catch (java.security.cert.CertificateExpiredException e) {
                    throw OcfException.configured("tls_cert " + tls.cert() + " expired on "
                            + chain.get(0).getNotAfter().toInstant() + " (parameter 'tls_cert')");
                } catch (java.security.cert.CertificateNotYetValidException e) {
                    throw OcfException.configured("tls_cert " + tls.cert() + " is not valid before "
                            + chain.get(0).getNotBefore().toInstant() + " (parameter 'tls_cert')");
                }
                PrivateKey key = privateKey(tls.key());
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                char[] pw = new char[0];
                try {
                    ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
                } catch (GeneralSecurityException e) {
                    throw OcfException.configured("tls_key " + tls.key() + " does not belong to tls_cert " + tls.cert());
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pw);
                kms = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kms, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw OcfException.configured("TLS set-up failed: " + e.getMessage());
        }
    }

    /** Readable regular file, or ERR_CONFIGURED naming it and its parameter. */
    static byte[] read(Path f, String param) {
        if (f == null) {
            throw OcfException.configured(param + " is empty: TLS needs it (parameter '" + param + "')");
        }
        if (!Files.isRegularFile(f)) {
            throw OcfException.configured(param + " " + f + " does not exist (parameter '" + param + "')");
        }
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw OcfException.configured(param + " " + f + " is unreadable: " + e.getMessage() + " (parameter '"
                    + param + "')");
        }
    }

    static List<X509Certificate> certificates(Path f, String param) {
        byte[] pem = read(f, param);
        try (InputStream in = new ByteArrayInputStream(pem)) {
            Collection<? extends Certificate> cs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : cs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw OcfException.configured(param + " " + f + " holds no certificate (parameter '" + param + "')");
            }
            return out;
        } catch (GeneralSecurityException | IOException e) {
            throw OcfException.configured(param + " " + f + " is not a PEM certificate file (parameter '" + param + "')");
        }
    }

    /** PKCS#8 ("PRIVATE KEY") or PKCS#1 RSA ("RSA PRIVATE KEY"); an encrypted key cannot be used unattended. */
    static PrivateKey privateKey(Path f) {
        String text = new String(read(f, "tls_key"), StandardCharsets.US_ASCII);
        String bad = "tls_key " + f + " ";
        if (text.contains("ENCRYPTED")) {
            throw OcfException.configured(bad + "is encrypted: the agents need an unencrypted key, mode 0600 (parameter 'tls_key')");
        }
        try {
            byte[] der;
            if (text.contains("-----BEGIN PRIVATE KEY-----")) {
                der = base64(text, "PRIVATE KEY");
            } else if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                der = pkcs1ToPkcs8(base64(text, "RSA PRIVATE KEY"));
            } else {
                throw OcfException.configured(bad + "holds no PEM private key (PKCS#8 or RSA) (parameter 'tls_key')");
            }
            GeneralSecurityException last = null;
            for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException e) {
                    last = e;
                }
            }
            throw last;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw OcfException.configured(bad + "is not a usable private key (parameter 'tls_key')");
        }
    }

    private static byte[] base64(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        int s = pem.indexOf(begin) + begin.length();
        int e = pem.indexOf("-----END " + label + "-----", s);
        return Base64.getMimeDecoder().decode(pem.substring(s, e));
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] octet = der(0x04, pkcs1);
        byte[] body = concat(new byte[] {0x02, 0x01, 0x00}, algId, octet);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] len;
        if (n < 0x80) {
            len = new byte[] {(byte) n};
        } else if (n < 0x100) {
            len = new byte[] {(byte) 0x81, (byte) n};
        } else if (n < 0x10000) {
            len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        } else {
            len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        }
        return concat(new byte[] {(byte) tag}, len, content);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
