package dev.asyncore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import dev.asyncore.internal.tls.OpenSsl;
import dev.asyncore.internal.tls.TlsTransport;
import dev.asyncore.internal.transport.StreamTransport;
import dev.asyncore.internal.transport.Transport;

/**
 * How a channel speaks TLS: where its {@link SSLContext} comes from, client authentication, the handshake timeout, and
 * optionally the protocols and cipher suites. Immutable; any thread. Pass it to {@link Dispatcher#startTlsServer} or
 * {@link Dispatcher#startTlsClient}, or to a listening server ({@code ServerDispatcher.setTls}).
 *
 * <p>The context is read through a supplier each time a channel starts TLS, so a supplier that follows a reloaded
 * certificate gives new connections the new one while open connections keep theirs. The context's provider decides the
 * TLS implementation ({@link TlsProvider}): {@link #of(TlsProvider, KeyManager[], TrustManager[])} makes one on the
 * provider asked for; a context of the application's own keeps its provider, which {@link #provider()} reports.
 *
 * <p>Differs from Python: asyncore has no TLS; its users wrap sockets with {@code ssl.wrap_socket(...,
 * do_handshake_on_connect=False)} and handle {@code SSLWantReadError} in each handler. Here the handler reads and writes
 * plaintext with its usual {@code recv}/{@code send}.
 */
public final class TlsOptions {

    /** How long a peer may take to finish the handshake unless set otherwise: 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Whether a server asks its clients for a certificate. */
    public enum ClientAuth {
        /** No certificate is asked for. */
        NONE,
        /** A certificate is asked for; a client without one is served. */
        WANT,
        /** A certificate is required; a client without one fails the handshake. */
        NEED
    }

    private static final ThreadLocal<Pending> PENDING = new ThreadLocal<>();

    private final Supplier<SSLContext> context;
    private final ClientAuth clientAuth;
    private final Duration handshakeTimeout;
    private final String[] protocols;
    private final String[] cipherSuites;

    private TlsOptions(
            Supplier<SSLContext> context,
            ClientAuth clientAuth,
            Duration handshakeTimeout,
            String[] protocols,
            String[] cipherSuites) {
        this.context = context;
        this.clientAuth = clientAuth;
        this.handshakeTimeout = handshakeTimeout;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
    }

    /**
     * Options on a fixed context, no client authentication, the default handshake timeout. Any thread.
     *
     * @param context the context
     * @return the options
     */
    public static TlsOptions of(SSLContext context) {
        Objects.requireNonNull(context, "context");
        return of(() -> context);
    }

    /**
     * Options on a context read each time a channel starts TLS (a reloadable certificate). Any thread.
     *
     * @param context gives the current context; called on the loop thread
     * @return the options
     */
    public static TlsOptions of(Supplier<SSLContext> context) {
        return new TlsOptions(
                Objects.requireNonNull(context, "context"), ClientAuth.NONE, DEFAULT_HANDSHAKE_TIMEOUT, null, null);
    }

    /**
     * Options on a new context of the given provider, made from key and trust managers (as an SSL bundle or a
     * {@code KeyManagerFactory} gives them), no client authentication, the default handshake timeout. Any thread.
     *
     * @param provider {@link TlsProvider#AUTO}, {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}
     * @param keys the key managers (a server's certificate, a client's own), or null for none
     * @param trust the trust managers that check the peer, or null for the platform's default
     * @return the options
     * @throws IllegalStateException if the provider is not available here (OpenSSL without Conscrypt)
     */
    public static TlsOptions of(TlsProvider provider, KeyManager[] keys, TrustManager[] trust) {
        return of(provider.newContext("TLS", keys, trust));
    }

    /**
     * A copy with another client authentication (servers only). Any thread.
     *
     * @param clientAuth none, want or need
     * @return the copy
     */
    public TlsOptions withClientAuth(ClientAuth clientAuth) {
        return new TlsOptions(
                context, Objects.requireNonNull(clientAuth, "clientAuth"), handshakeTimeout, protocols, cipherSuites);
    }

    /**
     * A copy with another handshake timeout: a peer that has not finished the handshake by then is closed and counted as
     * a failed handshake. Enforced when an {@link AsyncLoop} runs the map. Any thread.
     *
     * @param timeout a positive duration, or zero for none
     * @return the copy
     */
    public TlsOptions withHandshakeTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("the TLS handshake timeout must be zero or positive, was " + timeout);
        }
        return new TlsOptions(context, clientAuth, timeout, protocols, cipherSuites);
    }

    /**
     * A copy that enables only these protocols (such as {@code TLSv1.3}). Any thread.
     *
     * @param protocols the protocol names; none for the context's defaults
     * @return the copy
     */
    public TlsOptions withProtocols(String... protocols) {
        return new TlsOptions(context, clientAuth, handshakeTimeout, emptyToNull(protocols), cipherSuites);
    }

    /**
     * A copy that enables only these cipher suites. Any thread.
     *
     * @param cipherSuites the suite names; none for the context's defaults
     * @return the copy
     */
    public TlsOptions withCipherSuites(String... cipherSuites) {
        return new TlsOptions(context, clientAuth, handshakeTimeout, protocols, emptyToNull(cipherSuites));
    }

    /** The client authentication servers ask for. Any thread. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The handshake timeout; zero for none. Any thread. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * The provider the current context runs on, {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}. Any thread; it
     * reads the context supplier.
     *
     * @return the provider new connections use
     */
    public TlsProvider provider() {
        return TlsProvider.of(Objects.requireNonNull(context.get(), "the TLS context supplier gave null"));
    }

    /**
     * Runs a handler factory for an accepted channel so that the dispatcher it makes on that channel speaks TLS in server
     * mode from its first byte: the TLS transport is put in place as the dispatcher takes the channel, before its
     * constructor can send anything. Loop thread.
     *
     * @param channel the accepted channel
     * @param factory makes the dispatcher; it must take {@code channel}
     * @param <D> the dispatcher type
     * @return what the factory returned
     * @throws Exception what the factory throws
     */
    public <D extends Dispatcher> D acceptWith(SocketChannel channel, Callable<D> factory) throws Exception {
        Pending previous = PENDING.get();
        PENDING.set(new Pending(channel, this));
        try {
            return factory.call();
        } finally {
            PENDING.set(previous);
        }
    }

    /** The TLS transport for a channel a dispatcher takes inside {@link #acceptWith}, else the plain one. */
    static Transport adoptPending(Transport plain, Dispatcher owner) {
        Pending p = PENDING.get();
        if (p == null || !(plain instanceof StreamTransport stream) || stream.channel() != p.channel) {
            return plain;
        }
        PENDING.remove();
        return p.options.transport(stream, owner, false, null);
    }

    /** A TLS transport over {@code stream} for {@code owner}, with a new engine from these options. Loop thread. */
    Transport transport(StreamTransport stream, Dispatcher owner, boolean client, String serverName) {
        SSLEngine engine = newEngine(client, serverName, serverName, peerPort(stream));
        return new TlsTransport(stream, new TlsOwner(owner), engine, handshakeTimeout);
    }

    private static int peerPort(StreamTransport stream) {
        try {
            SocketAddress a = stream.remoteAddress();
            return a instanceof InetSocketAddress inet ? inet.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** A new engine in client or server mode, configured from these options. Loop thread. */
    SSLEngine newEngine(boolean clientMode, String serverName, String peerHost, int peerPort) {
        SSLContext ctx = Objects.requireNonNull(context.get(), "the TLS context supplier gave null");
        SSLEngine engine = peerHost == null ? ctx.createSSLEngine() : ctx.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(clientMode);
        SSLParameters params = engine.getSSLParameters();
        if (protocols != null) {
            params.setProtocols(protocols.clone());
        }
        if (cipherSuites != null) {
            OpenSsl.setCipherSuites(engine, params, cipherSuites.clone());
        }
        if (clientMode) {
            if (serverName != null) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (!isIpLiteral(serverName)) {
                    params.setServerNames(List.of(new SNIHostName(serverName)));
                }
            }
        } else if (clientAuth == ClientAuth.NEED) {
            params.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.WANT) {
            params.setWantClientAuth(true);
        }
        engine.setSSLParameters(params);
        return engine;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static String[] emptyToNull(String[] values) {
        return values == null || values.length == 0 ? null : values.clone();
    }

    @Override
    public String toString() {
        return "TlsOptions[clientAuth=" + clientAuth + ", handshakeTimeout=" + handshakeTimeout + "]";
    }

    private record Pending(SocketChannel channel, TlsOptions options) {}
}
