package dev.asyncore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
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
 * <p>A server may present another certificate for each host name a client asks for with SNI
 * ({@link #withServerName}), as Spring Boot's {@code server.ssl.server-name-bundles} and Netty's {@code SniHandler} do,
 * and agree an application protocol with ALPN ({@link #withApplicationProtocols}).
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
    /** Options by host name (lower case; {@code *.} for one label), for servers that pick a certificate by SNI. */
    private final Map<String, TlsOptions> serverNames;

    private final String[] applicationProtocols;
    /** The same as a list, made once: what a server's hello stage checks each client's offer against; null for none. */
    private final List<String> servedProtocols;
    /** Makes a server engine for the name a client asked for: one function per options, none per connection. */
    private final Function<String, SSLEngine> serverEngines = this::serverEngine;

    private TlsOptions(
            Supplier<SSLContext> context,
            ClientAuth clientAuth,
            Duration handshakeTimeout,
            String[] protocols,
            String[] cipherSuites) {
        this(context, clientAuth, handshakeTimeout, protocols, cipherSuites, Map.of(), null);
    }

    private TlsOptions(
            Supplier<SSLContext> context,
            ClientAuth clientAuth,
            Duration handshakeTimeout,
            String[] protocols,
            String[] cipherSuites,
            Map<String, TlsOptions> serverNames,
            String[] applicationProtocols) {
        this.context = context;
        this.clientAuth = clientAuth;
        this.handshakeTimeout = handshakeTimeout;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.serverNames = serverNames;
        this.applicationProtocols = applicationProtocols;
        this.servedProtocols = applicationProtocols == null ? null : List.of(applicationProtocols);
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
                context,
                Objects.requireNonNull(clientAuth, "clientAuth"),
                handshakeTimeout,
                protocols,
                cipherSuites,
                serverNames,
                applicationProtocols);
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
        return new TlsOptions(context, clientAuth, timeout, protocols, cipherSuites, serverNames, applicationProtocols);
    }

    /**
     * A copy that enables only these protocols (such as {@code TLSv1.3}). Any thread.
     *
     * @param protocols the protocol names; none for the context's defaults
     * @return the copy
     */
    public TlsOptions withProtocols(String... protocols) {
        return new TlsOptions(
                context,
                clientAuth,
                handshakeTimeout,
                emptyToNull(protocols),
                cipherSuites,
                serverNames,
                applicationProtocols);
    }

    /**
     * A copy that enables only these cipher suites. Any thread.
     *
     * @param cipherSuites the suite names; none for the context's defaults
     * @return the copy
     */
    public TlsOptions withCipherSuites(String... cipherSuites) {
        return new TlsOptions(
                context,
                clientAuth,
                handshakeTimeout,
                protocols,
                emptyToNull(cipherSuites),
                serverNames,
                applicationProtocols);
    }

    /**
     * A copy that presents another certificate to clients that ask for {@code hostName} with SNI (servers only): a
     * connection whose ClientHello names it gets an engine from {@code options}' context, protocols and cipher suites;
     * client authentication, the handshake timeout and the application protocols stay these options'. A client that
     * asks for a name not mapped, or for none, gets these options' own context. Names match without regard to case and
     * exactly, except that {@code *.example.com} matches one label in its place ({@code a.example.com}, not
     * {@code example.com} nor {@code a.b.example.com}), as Netty's {@code DomainWildcardMappingBuilder}; an exact name
     * wins over a wildcard. Any thread.
     *
     * <p>With at least one name mapped, the server reads the client's first records itself until its ClientHello is
     * whole (at most 16 KiB; anything else fails the connection as a failed handshake) before it makes the engine, so
     * that the choice needs nothing of the TLS provider.
     *
     * @param hostName a host name such as {@code a.example.com}, or {@code *.example.com}
     * @param options the context (with its protocols and cipher suites) for that name
     * @return the copy
     * @throws IllegalArgumentException if the name is malformed or mapped already, or {@code options} map names too
     */
    public TlsOptions withServerName(String hostName, TlsOptions options) {
        String name = checkedServerName(hostName);
        Objects.requireNonNull(options, "options");
        if (!options.serverNames.isEmpty()) {
            throw new IllegalArgumentException("the options for server name '" + name + "' map server names too");
        }
        if (serverNames.containsKey(name)) {
            throw new IllegalArgumentException("server name '" + name + "' is mapped already");
        }
        Map<String, TlsOptions> names = new LinkedHashMap<>(serverNames);
        names.put(name, options);
        return new TlsOptions(
                context,
                clientAuth,
                handshakeTimeout,
                protocols,
                cipherSuites,
                Collections.unmodifiableMap(names),
                applicationProtocols);
    }

    /**
     * A copy that presents the certificate of {@code context} to clients that ask for {@code hostName} with SNI, as
     * {@link #withServerName(String, TlsOptions)}. Any thread.
     *
     * @param hostName a host name, or {@code *.} and a domain
     * @param context the context for that name
     * @return the copy
     */
    public TlsOptions withServerName(String hostName, SSLContext context) {
        return withServerName(hostName, of(context));
    }

    /**
     * A copy that agrees an application protocol with ALPN (RFC 7301), through the standard
     * {@link SSLParameters#setApplicationProtocols}: a client offers these; a server takes the first of these, in this
     * order, that the client offers. A client that offers none of them fails the handshake with the
     * {@code no_application_protocol} alert (120), counted and logged as any failed handshake; a client that offers no
     * protocol at all is served without one. The handler reads the outcome from {@link TlsStatus#applicationProtocol()}.
     * Any thread.
     *
     * @param protocols the protocol names, such as {@code h2} and {@code http/1.1}; none for no ALPN
     * @return the copy
     * @throws IllegalArgumentException if a name is empty or longer than 255 bytes
     */
    public TlsOptions withApplicationProtocols(String... protocols) {
        for (String p : protocols) {
            if (p == null || p.isEmpty() || p.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException(
                        "an application protocol name has 1 to 255 bytes, was " + (p == null ? null : "'" + p + "'"));
            }
        }
        return new TlsOptions(
                context,
                clientAuth,
                handshakeTimeout,
                this.protocols,
                cipherSuites,
                serverNames,
                emptyToNull(protocols));
    }

    /**
     * The host names mapped to certificates of their own, in the order they were added (lower case). Any thread.
     *
     * @return the names; empty when there is one certificate
     */
    public List<String> serverNames() {
        return List.copyOf(serverNames.keySet());
    }

    /**
     * The application protocols offered (clients) or accepted in order of preference (servers). Any thread.
     *
     * @return the names; empty without ALPN
     */
    public List<String> applicationProtocols() {
        return servedProtocols == null ? List.of() : servedProtocols;
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
     * constructor can send anything. Servers reach it through {@code ChannelAccess.acceptTls}. Loop thread.
     *
     * @param channel the accepted channel
     * @param factory makes the dispatcher; it must take {@code channel}
     * @param <D> the dispatcher type
     * @return what the factory returned
     * @throws Exception what the factory throws
     */
    <D extends Dispatcher> D acceptWith(SocketChannel channel, Callable<D> factory) throws Exception {
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

    /**
     * A TLS transport over {@code stream} for {@code owner}, with a new engine from these options; a server that maps
     * host names makes its engine once the client's hello names one. Loop thread.
     */
    Transport transport(StreamTransport stream, Dispatcher owner, boolean client, String serverName) {
        if (!client && (!serverNames.isEmpty() || applicationProtocols != null)) {
            return new TlsTransport(stream, new TlsOwner(owner), serverEngines, servedProtocols, handshakeTimeout);
        }
        SSLEngine engine = newEngine(this, client, serverName, serverName, peerPort(stream));
        return new TlsTransport(stream, new TlsOwner(owner), engine, handshakeTimeout);
    }

    /** A server engine for the name a client asked for (null: none), from the options mapped to it, else these. */
    private SSLEngine serverEngine(String name) {
        return newEngine(forServerName(name), false, null, null, -1);
    }

    /** The options mapped to a lower-case host name: an exact name, else a {@code *.} wildcard for its first label. */
    TlsOptions forServerName(String name) {
        if (name == null || serverNames.isEmpty()) {
            return this;
        }
        TlsOptions exact = serverNames.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        TlsOptions wildcard = dot > 0 ? serverNames.get("*" + name.substring(dot)) : null;
        return wildcard != null ? wildcard : this;
    }

    private static String checkedServerName(String hostName) {
        String name = hostName == null ? "" : hostName.strip().toLowerCase(Locale.ROOT);
        String exact = name.startsWith("*.") ? name.substring(2) : name;
        boolean valid = !exact.isEmpty()
                && !exact.startsWith(".")
                && !exact.endsWith(".")
                && !exact.contains("..")
                && exact.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.');
        if (!valid) {
            throw new IllegalArgumentException("'" + hostName + "' is not a host name, nor *. and a domain");
        }
        return name;
    }

    private static int peerPort(StreamTransport stream) {
        try {
            SocketAddress a = stream.remoteAddress();
            return a instanceof InetSocketAddress inet ? inet.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * A new engine in client or server mode on the context, protocols and cipher suites of {@code keys} (these options,
     * or those mapped to a server name), configured from these options otherwise. Loop thread.
     */
    SSLEngine newEngine(TlsOptions keys, boolean clientMode, String serverName, String peerHost, int peerPort) {
        SSLContext ctx = Objects.requireNonNull(keys.context.get(), "the TLS context supplier gave null");
        SSLEngine engine = peerHost == null ? ctx.createSSLEngine() : ctx.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(clientMode);
        SSLParameters params = engine.getSSLParameters();
        if (keys.protocols != null) {
            params.setProtocols(keys.protocols.clone());
        }
        if (keys.cipherSuites != null) {
            OpenSsl.setCipherSuites(engine, params, keys.cipherSuites.clone());
        }
        if (applicationProtocols != null) {
            params.setApplicationProtocols(applicationProtocols.clone());
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
        return "TlsOptions[clientAuth=" + clientAuth + ", handshakeTimeout=" + handshakeTimeout
                + (serverNames.isEmpty() ? "" : ", serverNames=" + serverNames.keySet())
                + (applicationProtocols == null ? "" : ", applicationProtocols=" + applicationProtocols()) + "]";
    }

    private record Pending(SocketChannel channel, TlsOptions options) {}
}
