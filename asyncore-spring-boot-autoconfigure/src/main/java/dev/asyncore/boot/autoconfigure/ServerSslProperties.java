package dev.asyncore.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;

/** TLS of one server: {@code asyncore.servers.<name>.ssl.*}. */
public class ServerSslProperties {

    /** Name of the SSL bundle (a spring.ssl.bundle.* entry) whose certificate the server presents; unset for plaintext. */
    private String bundle;

    /** SSL bundles for the host names clients ask for with SNI, as Boot's server.ssl.server-name-bundles; others get bundle. */
    private List<ServerNameSslBundle> serverNameBundles = new ArrayList<>();

    /** Application protocols agreed with ALPN, in the server's order of preference (for example h2, http/1.1). */
    private List<String> applicationProtocols = new ArrayList<>();

    /** Whether the server asks clients for a certificate: none, want (served without one) or need (refused without). */
    private TlsOptions.ClientAuth clientAuth = TlsOptions.ClientAuth.NONE;

    /** How long a client may take to finish the TLS handshake before it is closed. */
    private Duration handshakeTimeout = TlsOptions.DEFAULT_HANDSHAKE_TIMEOUT;

    /** TLS implementation: auto (OpenSSL when Conscrypt is on the class path, else the JDK's), jdk or openssl. */
    private TlsProvider provider = TlsProvider.AUTO;

    public String getBundle() {
        return this.bundle;
    }

    public void setBundle(String bundle) {
        this.bundle = bundle;
    }

    public List<ServerNameSslBundle> getServerNameBundles() {
        return this.serverNameBundles;
    }

    public void setServerNameBundles(List<ServerNameSslBundle> serverNameBundles) {
        this.serverNameBundles = serverNameBundles;
    }

    public List<String> getApplicationProtocols() {
        return this.applicationProtocols;
    }

    public void setApplicationProtocols(List<String> applicationProtocols) {
        this.applicationProtocols = applicationProtocols;
    }

    public TlsOptions.ClientAuth getClientAuth() {
        return this.clientAuth;
    }

    public void setClientAuth(TlsOptions.ClientAuth clientAuth) {
        this.clientAuth = clientAuth;
    }

    public TlsProvider getProvider() {
        return this.provider;
    }

    public void setProvider(TlsProvider provider) {
        this.provider = provider;
    }

    public Duration getHandshakeTimeout() {
        return this.handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    /** A host name and the SSL bundle whose certificate clients that ask for it get: one entry of server-name-bundles. */
    public static class ServerNameSslBundle {

        /** Host name a client asks for with SNI, such as a.example, or *.example for any one label in its place. */
        private String serverName;

        /** Name of the SSL bundle (a spring.ssl.bundle.* entry) presented to clients that ask for that host name. */
        private String bundle;

        public String getServerName() {
            return this.serverName;
        }

        public void setServerName(String serverName) {
            this.serverName = serverName;
        }

        public String getBundle() {
            return this.bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }
}
