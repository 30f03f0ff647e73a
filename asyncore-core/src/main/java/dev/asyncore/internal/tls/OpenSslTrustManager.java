package dev.asyncore.internal.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A JDK trust manager as Conscrypt calls it. For TLS 1.3, BoringSSL names the key exchange {@code GENERIC}, which the
 * JDK's trust manager refuses ("Unknown authType: GENERIC"); the JDK's own engine passes {@code UNKNOWN} for TLS 1.3, and
 * this adapter does the same, so the certificate checks (chain, host name, key usage) are the JDK's on both providers.
 * Any thread, as the trust manager it wraps.
 */
final class OpenSslTrustManager extends X509ExtendedTrustManager {

    private static final String GENERIC = "GENERIC";
    private static final String UNKNOWN = "UNKNOWN";

    private final X509ExtendedTrustManager delegate;

    private OpenSslTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    /**
     * The trust managers for a Conscrypt context: each JDK one adapted; for none, the platform's default ones adapted.
     */
    static TrustManager[] adapt(TrustManager[] trust) throws GeneralSecurityException {
        TrustManager[] managers = trust != null ? trust.clone() : platformDefault();
        for (int i = 0; i < managers.length; i++) {
            if (managers[i] instanceof X509ExtendedTrustManager x509 && !(x509 instanceof OpenSslTrustManager)) {
                managers[i] = new OpenSslTrustManager(x509);
            }
        }
        return managers;
    }

    private static TrustManager[] platformDefault() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return factory.getTrustManagers();
    }

    private static String authType(String authType) {
        return GENERIC.equals(authType) ? UNKNOWN : authType;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType(authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType(authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType(authType), socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType(authType), socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType(authType), engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType(authType), engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
