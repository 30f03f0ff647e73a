package dev.asyncore.boot.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * Turns Spring Boot SSL bundles ({@code spring.ssl.bundle.*}) into asyncore {@link TlsOptions} that follow the bundle's
 * reloads: a channel that starts TLS after a reload gets the new certificate, open channels keep theirs. The starter's
 * servers use it for {@code asyncore.servers.<name>.ssl.bundle}; a {@code @Component} client dispatcher can inject it and
 * call {@code startTlsClient(sslBundles.options("my-bundle"), "host.example")}. Any thread.
 */
public class AsyncoreSslBundles {

    private final SslBundles bundles;

    /**
     * Wraps Spring Boot's bundles.
     *
     * @param bundles the registry of SSL bundles
     */
    public AsyncoreSslBundles(SslBundles bundles) {
        this.bundles = bundles;
    }

    /**
     * Options on a bundle's current context on the {@link TlsProvider#AUTO auto} provider (OpenSSL when Conscrypt is on
     * the class path, else the JDK's), as {@link #options(String, TlsProvider)}. Any thread.
     *
     * @param bundleName the bundle's name
     * @return options that follow the bundle's reloads
     * @throws NoSuchSslBundleException if no bundle has that name
     */
    public TlsOptions options(String bundleName) {
        return options(bundleName, TlsProvider.AUTO);
    }

    /**
     * Options on a bundle's current context, made on the given provider from the bundle's key and trust managers, with
     * the bundle's protocols and ciphers if it names any, no client authentication and the default handshake timeout.
     * Each call registers one bundle update handler, which makes the new context on the same provider: call it once per
     * use (a server, a client's configuration) and keep the options, not once per connection. Any thread.
     *
     * @param bundleName the bundle's name
     * @param provider auto, jdk or openssl
     * @return options that follow the bundle's reloads
     * @throws NoSuchSslBundleException if no bundle has that name
     * @throws IllegalStateException if the provider is OpenSSL and Conscrypt is not available
     */
    public TlsOptions options(String bundleName, TlsProvider provider) {
        SslBundle bundle = this.bundles.getBundle(bundleName);
        TlsProvider resolved = provider.resolve();
        AtomicReference<SSLContext> current = new AtomicReference<>(context(bundle, resolved));
        this.bundles.addBundleUpdateHandler(bundleName, (updated) -> current.set(context(updated, resolved)));
        TlsOptions options = TlsOptions.of(current::get);
        SslOptions sslOptions = bundle.getOptions();
        if (sslOptions.getEnabledProtocols() != null) {
            options = options.withProtocols(sslOptions.getEnabledProtocols());
        }
        if (sslOptions.getCiphers() != null) {
            options = options.withCipherSuites(sslOptions.getCiphers());
        }
        return options;
    }

    /** The bundle's context: Boot's own on the JDK, else one of the provider's from the bundle's managers. */
    private static SSLContext context(SslBundle bundle, TlsProvider provider) {
        if (provider == TlsProvider.JDK) {
            return bundle.createSslContext();
        }
        SslManagerBundle managers = bundle.getManagers();
        return provider.newContext(bundle.getProtocol(), managers.getKeyManagers(), managers.getTrustManagers());
    }

    /**
     * The names of the bundles that exist. Any thread.
     *
     * @return the names
     */
    public List<String> bundleNames() {
        return this.bundles.getBundleNames();
    }
}
