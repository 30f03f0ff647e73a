package dev.asyncore.docs;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS clients of the guide's tests: a JDK context that trusts the given development CAs and no others. */
final class GuideTls {

    private GuideTls() {}

    /** A client context trusting the CA certificates {@code cas} (PEM files in {@code dir}). */
    static SSLContext trusting(Path dir, String... cas) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        for (String ca : cas) {
            try (InputStream in = Files.newInputStream(dir.resolve(ca))) {
                trust.setCertificateEntry(ca, (X509Certificate)
                        CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
