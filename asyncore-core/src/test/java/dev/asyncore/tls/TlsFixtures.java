package dev.asyncore.tls;

import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.asyncore.TlsProvider;
import dev.asyncore.internal.tls.OpenSsl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The development-only certificates of the TLS tests (a CA, a server certificate for localhost and 127.0.0.1, a second
 * server certificate, a client certificate; and a second CA for {@code a.example} and {@code b.example}; PEM, valid for
 * 100 years) and the contexts built from them on either provider. Each TLS test class runs once per provider
 * ({@link #providers()}); on OpenSSL it is skipped with a message where Conscrypt's native library does not load.
 */
final class TlsFixtures {

    static final String CA = "dev-ca.crt";
    static final String SERVER_CERT = "dev-server.crt";
    static final String SERVER_KEY = "dev-server.key";
    static final String SERVER2_CERT = "dev-server2.crt";
    static final String SERVER2_KEY = "dev-server2.key";
    static final String CLIENT_CERT = "dev-client.crt";
    static final String CLIENT_KEY = "dev-client.key";
    /** A second development CA, for the certificates of {@code a.example} and {@code b.example} (SNI tests). */
    static final String SNI_CA = "dev-sni-ca.crt";

    static final String A_CERT = "dev-a.crt";
    static final String A_KEY = "dev-a.key";
    static final String B_CERT = "dev-b.crt";
    static final String B_KEY = "dev-b.key";

    private TlsFixtures() {}

    /** The file of a fixture, for tools that read PEM files (openssl, Python). */
    static Path file(String name) {
        try {
            return Path.of(TlsFixtures.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The providers every TLS test class runs on. */
    static Stream<TlsProvider> providers() {
        return Stream.of(TlsProvider.JDK, TlsProvider.OPENSSL);
    }

    /** Skips the test, with the reason, where the provider cannot run here. */
    static void assumeAvailable(TlsProvider provider) {
        assumeTrue(provider.isAvailable(), () -> "skipped on " + provider + ": " + OpenSsl.unavailabilityReason());
    }

    /** A JDK server context: the server certificate, trusting the development CA for client certificates. */
    static SSLContext serverContext() {
        return serverContext(TlsProvider.JDK);
    }

    /** A server context on the provider: the server certificate, trusting the development CA. */
    static SSLContext serverContext(TlsProvider provider) {
        return context(provider, SERVER_CERT, SERVER_KEY);
    }

    /** A JDK context with the given certificate and key, trusting the development CA. */
    static SSLContext context(String cert, String key) {
        return context(TlsProvider.JDK, cert, key);
    }

    /** A context on the provider with the given certificate and key, trusting the development CA. */
    static SSLContext context(TlsProvider provider, String cert, String key) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("key", privateKey(key), new char[0], new Certificate[] {certificate(cert)});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            return provider.newContext(
                    "TLS", kmf.getKeyManagers(), trustManagers().getTrustManagers());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDK client context trusting the development CA, without a certificate of its own. */
    static SSLContext clientContext() {
        return clientContext(TlsProvider.JDK);
    }

    /** A JDK client context trusting these CAs, without a certificate of its own. */
    static SSLContext clientContext(String... cas) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagers(cas).getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context on the provider trusting the development CA, without a certificate of its own. */
    static SSLContext clientContext(TlsProvider provider) {
        try {
            return provider.newContext("TLS", null, trustManagers().getTrustManagers());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TrustManagerFactory trustManagers(String... cas) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (String ca : cas.length == 0 ? new String[] {CA} : cas) {
            trust.setCertificateEntry(ca, certificate(ca));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    private static Certificate certificate(String name) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file(name))));
    }

    private static PrivateKey privateKey(String name) throws Exception {
        String pem = Files.readString(file(name), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }
}
