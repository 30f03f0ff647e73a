package dev.asyncore.internal.tls;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import org.conscrypt.Conscrypt;

/**
 * TLS on OpenSSL: Conscrypt (BoringSSL behind the JDK's {@code SSLEngine} interface) when it is on the class path and
 * its native library loads on this platform. Any thread.
 *
 * <p>Conscrypt is an optional dependency: its classes are touched only once {@link #isAvailable()} found them, so this
 * class loads without it. The native library is loaded once, on the thread that first asks (the one that builds a
 * context, never the loop: loading reads a file).
 */
public final class OpenSsl {

    /** What the application adds for TLS on OpenSSL. */
    public static final String DEPENDENCY = "org.conscrypt:conscrypt-openjdk-uber";

    private static final String CONSCRYPT = "org.conscrypt.Conscrypt";

    private OpenSsl() {}

    /** True if Conscrypt is on the class path and its native library loaded. Any thread. */
    public static boolean isAvailable() {
        return Availability.UNAVAILABILITY == null;
    }

    /**
     * Why TLS on OpenSSL cannot be used here, in one sentence naming the fix; null if it can. Any thread.
     *
     * @return the reason, or null
     */
    public static String unavailabilityReason() {
        Throwable unavailability = Availability.UNAVAILABILITY;
        if (unavailability == null) {
            return null;
        }
        if (unavailability instanceof ClassNotFoundException) {
            return "TLS on OpenSSL needs Conscrypt on the class path: add " + DEPENDENCY;
        }
        return "Conscrypt is on the class path but its native library does not load on this platform ("
                + System.getProperty("os.name") + ", " + System.getProperty("os.arch") + "): " + unavailability;
    }

    /**
     * The shared Conscrypt provider, not installed in {@link java.security.Security}. Any thread.
     *
     * @return the provider
     * @throws IllegalStateException if it is not available ({@link #unavailabilityReason()})
     */
    public static Provider provider() {
        if (Availability.UNAVAILABILITY != null) {
            throw new IllegalStateException(unavailabilityReason(), Availability.UNAVAILABILITY);
        }
        return Holder.PROVIDER;
    }

    /**
     * A new Conscrypt context with these managers; the JDK's trust managers are adapted to the way Conscrypt calls them
     * ({@link OpenSslTrustManager}). Any thread.
     *
     * @param protocol the context's protocol, such as {@code TLS}
     * @param keys the key managers, or null for none
     * @param trust the trust managers, or null for the platform's default
     * @return the context
     * @throws GeneralSecurityException if Conscrypt has no such protocol or refuses the managers
     * @throws IllegalStateException if Conscrypt is not available
     */
    public static SSLContext newContext(String protocol, KeyManager[] keys, TrustManager[] trust)
            throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance(protocol, provider());
        context.init(keys, OpenSslTrustManager.adapt(trust), null);
        return context;
    }

    /**
     * Enables only these cipher suites on an engine's parameters. BoringSSL cannot restrict the TLS 1.3 suites (it always
     * offers its three) and picks a server's certificate by the TLS 1.2 suites enabled, so on OpenSSL a list of TLS 1.3
     * suites only is read as it works on the JDK: TLS 1.3 alone, with BoringSSL's suites. Loop thread, as the engine.
     *
     * @param engine the engine the parameters are for
     * @param params its parameters, set on it afterwards
     * @param suites the suite names
     */
    public static void setCipherSuites(SSLEngine engine, SSLParameters params, String[] suites) {
        if (isOpenSsl(engine)
                && Arrays.stream(suites).allMatch(OpenSsl::isTls13Suite)
                && Arrays.asList(params.getProtocols()).contains("TLSv1.3")) {
            params.setProtocols(new String[] {"TLSv1.3"});
        } else {
            params.setCipherSuites(suites);
        }
    }

    private static boolean isTls13Suite(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
    }

    /** True if the context is Conscrypt's. Any thread. */
    public static boolean isOpenSsl(SSLContext context) {
        return isConscrypt(context.getProvider().getClass());
    }

    /** True if the engine is Conscrypt's. Any thread. */
    public static boolean isOpenSsl(SSLEngine engine) {
        return isConscrypt(engine.getClass());
    }

    private static boolean isConscrypt(Class<?> type) {
        return type.getName().startsWith("org.conscrypt.");
    }

    private static Throwable check() {
        try {
            Class.forName(CONSCRYPT, false, OpenSsl.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return absent instanceof ClassNotFoundException ? absent : new ClassNotFoundException(CONSCRYPT, absent);
        }
        try {
            Conscrypt.checkAvailability();
            return null;
        } catch (LinkageError | RuntimeException e) {
            return e;
        }
    }

    /**
     * Whether Conscrypt loads, found on first use of {@link #isAvailable()} (or the provider): its own class, so that the
     * class checks ({@link #isOpenSsl(SSLEngine)}), which a loop runs for every engine, never load a native library there.
     */
    private static final class Availability {
        private static final Throwable UNAVAILABILITY = check();
    }

    /** The provider, made on first use once Conscrypt is known to load. */
    private static final class Holder {
        private static final Provider PROVIDER = Conscrypt.newProvider();
    }
}
