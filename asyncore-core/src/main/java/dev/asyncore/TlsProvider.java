package dev.asyncore;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import dev.asyncore.internal.tls.OpenSsl;

/**
 * Which TLS implementation runs behind the {@code SSLEngine}: the JDK's own, or OpenSSL (BoringSSL) through Conscrypt.
 * Both serve the same transport, key material and options; OpenSSL spends less CPU per byte and per handshake. Any
 * thread.
 *
 * <p>Differs from Python: Python's {@code ssl} module is always OpenSSL; Java's default is the JDK's provider.
 */
public enum TlsProvider {

    /** OpenSSL when Conscrypt is on the class path and its native library loads here, else the JDK's. */
    AUTO,

    /** The JDK's provider (SunJSSE, unless the application installed another one ahead of it). */
    JDK,

    /**
     * OpenSSL (BoringSSL) through Conscrypt ({@code org.conscrypt:conscrypt-openjdk-uber}), which the application adds to
     * its class path.
     */
    OPENSSL;

    /**
     * Whether this choice can be used here: always, but for {@link #OPENSSL} without Conscrypt or its native library.
     * Any thread.
     *
     * @return true if {@link #resolve()} succeeds
     */
    public boolean isAvailable() {
        return this != OPENSSL || OpenSsl.isAvailable();
    }

    /**
     * The provider this choice stands for here: {@link #JDK} or {@link #OPENSSL}, never {@link #AUTO}. Any thread.
     *
     * @return the provider that runs
     * @throws IllegalStateException for {@link #OPENSSL} where it is not available; the message names the missing
     *     dependency or why its native library did not load
     */
    public TlsProvider resolve() {
        return switch (this) {
            case AUTO -> OpenSsl.isAvailable() ? OPENSSL : JDK;
            case JDK -> JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException(OpenSsl.unavailabilityReason());
                }
                yield OPENSSL;
            }
        };
    }

    /**
     * A new context of this provider, initialised with these managers (as a Spring Boot SSL bundle gives them). Any
     * thread.
     *
     * @param protocol the context's protocol, such as {@code TLS}
     * @param keys the key managers (a server's certificate, a client's own), or null for none
     * @param trust the trust managers that check the peer, or null for the platform's default
     * @return the context
     * @throws IllegalStateException if the provider is not available, or the context cannot be made from these managers
     */
    public SSLContext newContext(String protocol, KeyManager[] keys, TrustManager[] trust) {
        TlsProvider provider = resolve();
        try {
            if (provider == OPENSSL) {
                return OpenSsl.newContext(protocol, keys, trust);
            }
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot make a " + protocol + " context on " + provider + ": " + e.getMessage(), e);
        }
    }

    /**
     * The provider a context runs on: {@link #OPENSSL} for Conscrypt's, {@link #JDK} for any other. Any thread.
     *
     * @param context the context
     * @return JDK or OPENSSL
     */
    public static TlsProvider of(SSLContext context) {
        return OpenSsl.isOpenSsl(context) ? OPENSSL : JDK;
    }
}
