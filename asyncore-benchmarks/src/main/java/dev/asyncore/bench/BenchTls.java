package dev.asyncore.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.asyncore.TlsProvider;

/**
 * The TLS setting every TLS server and client of the benchmark shares: the development-only P-256 certificate in
 * {@code tls/} (PEM), TLS 1.3 with {@code TLS_AES_128_GCM_SHA256}; the JDK provider unless a server asks for OpenSSL.
 * Any thread.
 */
final class BenchTls {

    static final String PROTOCOL = "TLSv1.3";
    static final String CIPHER = "TLS_AES_128_GCM_SHA256";

    private BenchTls() {}

    /** The server context on the JDK provider: the development certificate and key. */
    static SSLContext serverContext() {
        return serverContext(TlsProvider.JDK);
    }

    /** The server context on the given provider: the development certificate and key. */
    static SSLContext serverContext(TlsProvider provider) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("key", privateKey(), new char[0], new Certificate[] {certificate("dev-server.crt")});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            return provider.newContext("TLS", kmf.getKeyManagers(), null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the benchmark's TLS server context", e);
        }
    }

    /** A client context trusting the development CA. */
    static SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate("dev-ca.crt"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the benchmark's TLS client context", e);
        }
    }

    /** The PEM text of a file in {@code tls/}. */
    static InputStream open(String name) {
        InputStream in = BenchTls.class.getResourceAsStream("/tls/" + name);
        if (in == null) {
            throw new IllegalStateException("no resource tls/" + name);
        }
        return in;
    }

    private static Certificate certificate(String name) throws Exception {
        try (InputStream in = open(name)) {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(in.readAllBytes()));
        }
    }

    private static PrivateKey privateKey() throws Exception {
        String pem;
        try (InputStream in = open("dev-server.key")) {
            pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        byte[] der = Base64.getDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    static IOException unchecked(Exception e) {
        return e instanceof IOException io ? io : new IOException(e);
    }
}
