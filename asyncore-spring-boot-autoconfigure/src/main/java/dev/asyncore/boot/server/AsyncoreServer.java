package dev.asyncore.boot.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.function.ToLongFunction;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DatagramStats;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Offload;
import dev.asyncore.ServerStats;
import dev.asyncore.SocketAddresses;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.handler.DatagramDispatcherFactory;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.GroupServer;
import dev.asyncore.handler.ServerDispatcher;

/**
 * One named listening server on the managed loop: binds on {@link #start}, closes on {@link #stop}, and reports its address and
 * counters.
 *
 * <p>{@link #start} and {@link #stop} run on the loop thread, or on any thread before the loop owns the map. The getters may be
 * called from any thread; they read counters the core keeps for cross-thread reading and never stop or slow the loop.
 */
public final class AsyncoreServer {

    private final ServerSettings settings;

    private volatile GroupServer groupServer;

    private volatile ServerDispatcher dispatcher;

    private volatile Dispatcher datagramDispatcher;

    private volatile DatagramStats datagramStats;

    private volatile SocketAddress boundAddress;

    private volatile Channel listeningChannel;

    AsyncoreServer(ServerSettings settings) {
        this.settings = settings;
    }

    /**
     * Binds and starts listening, registering the listening dispatcher in {@code map}. Call once.
     *
     * @param map the managed map
     * @throws AsyncoreServerBindException when the socket cannot be created, bound or put to listen
     */
    public void start(DispatcherMap map) {
        if (this.dispatcher != null || this.datagramDispatcher != null) {
            throw new IllegalStateException("asyncore server '" + this.settings.name() + "' was already started");
        }
        if (getProtocol() == ServerProtocol.UDP) {
            startDatagram(map);
            return;
        }
        ServerSettings.Listen listen = this.settings.listen();
        ServerDispatcher server = new ServerDispatcher(map, this.settings.handlerFactory());
        try {
            ServerSettingsApplier.apply(this.settings, server, 1);
            server.open(this.settings.address(), listen.backlog(), listen.reuseAddress());
        } catch (IOException | RuntimeException ex) {
            server.close();
            throw new AsyncoreServerBindException(this.settings.name(), this.settings.address(), ex);
        }
        this.boundAddress = server.localAddress();
        this.listeningChannel = server.socket();
        this.dispatcher = server;
    }

    /**
     * Binds and starts listening on the loops of a group: spread over all of them ({@link GroupServer}) when the group has
     * several loops and {@code spread} is on, else on the first loop alone, as {@link #start(DispatcherMap)}. Each loop's
     * part runs on that loop, or at once before the loops start. Call once, from a thread outside the group.
     *
     * @param group the managed loops
     * @throws AsyncoreServerBindException when the socket cannot be created, bound or put to listen
     */
    public void start(AsyncLoopGroup group) {
        if (group.size() == 1 || !this.settings.listen().spread() || getProtocol() == ServerProtocol.UDP) {
            AsyncLoop first = group.loop(0);
            AsyncoreServers.callAndWait(first, () -> {
                start(first.map());
                return null;
            });
            return;
        }
        startSpread(group);
    }

    private void startSpread(AsyncLoopGroup group) {
        if (this.groupServer != null) {
            throw new IllegalStateException("asyncore server '" + this.settings.name() + "' was already started");
        }
        int shares = group.size();
        ServerSettings.Listen listen = this.settings.listen();
        GroupServer server = new GroupServer(group, this.settings.handlerFactory())
                .configure((part) -> ServerSettingsApplier.apply(this.settings, part, shares));
        try {
            server.open(this.settings.address(), listen.backlog(), listen.reuseAddress());
        } catch (IOException | RuntimeException ex) {
            throw new AsyncoreServerBindException(this.settings.name(), this.settings.address(), ex);
        }
        this.boundAddress = server.localAddress();
        this.groupServer = server;
        this.dispatcher = server.listeners().get(0);
    }

    /** Binds the UDP socket and makes its dispatcher: a {@link DatagramServer}, or the factory's dispatcher. */
    private void startDatagram(DispatcherMap map) {
        Dispatcher made = null;
        try {
            ServerSettings.Datagram datagram = this.settings.datagram();
            if (datagram.handler() != null) {
                DatagramServer server = new DatagramServer(map, datagram.handler());
                made = server;
                ServerSettingsApplier.apply(this.settings, server);
                server.open(this.settings.address());
                this.datagramStats = server.stats();
            } else {
                DatagramDispatcherFactory.Served served = datagram.factory()
                        .serve(
                                map,
                                this.settings.address(),
                                this.settings.socketOptions().receiveBufferSize(),
                                this.settings.socketOptions().sendBufferSize());
                made = served.dispatcher();
                this.datagramStats = served.stats();
            }
            this.boundAddress = ((DatagramChannel) made.socket()).getLocalAddress();
        } catch (Exception ex) {
            if (made != null) {
                made.close();
            }
            throw new AsyncoreServerBindException(this.settings.name(), this.settings.address(), ex);
        }
        this.listeningChannel = made.socket();
        this.datagramDispatcher = made;
    }

    /**
     * Closes the listening socket (a UDP server's socket); accepted channels stay open. Loop thread only (for a server
     * spread over several loops, any thread: each loop closes its own). Idempotent.
     */
    public void stop() {
        GroupServer spreadServer = this.groupServer;
        if (spreadServer != null) {
            spreadServer.close();
            return;
        }
        ServerDispatcher server = this.dispatcher;
        if (server != null) {
            server.close();
        }
        Dispatcher datagram = this.datagramDispatcher;
        if (datagram != null) {
            datagram.close();
        }
    }

    /**
     * Returns the server's transport.
     *
     * @return {@code TCP} or {@code UDP}
     */
    public ServerProtocol getProtocol() {
        return this.settings.protocol();
    }

    /**
     * Returns a UDP server's datagram figures.
     *
     * @return the figures, or null for a TCP server or before {@link #start}
     */
    public DatagramStats datagramStats() {
        return this.datagramStats;
    }

    /**
     * Returns a UDP server's dispatcher on its bound socket.
     *
     * @return the dispatcher, or null for a TCP server or before {@link #start}
     */
    public Dispatcher datagramDispatcher() {
        return this.datagramDispatcher;
    }

    /**
     * Returns the number of listening sockets open now: one, or one per loop for a server spread with
     * {@code SO_REUSEPORT}.
     *
     * @return the count, 0 when not listening
     */
    public int listeningSockets() {
        if (!isListening()) {
            return 0;
        }
        GroupServer spreadServer = this.groupServer;
        return spreadServer != null && spreadServer.spread() == GroupServer.Spread.REUSE_PORT
                ? spreadServer.listeners().size()
                : 1;
    }

    /**
     * Returns whether the server spreads its connections over several loops.
     *
     * @return true once started over several loops
     */
    public boolean isSpread() {
        return this.groupServer != null;
    }

    /**
     * Returns the figures of each part of the server: one for a server on one loop, one per loop (and the acceptor's with
     * hand-off) for a spread server. The server's figures are their totals.
     *
     * @return the figures, empty before {@link #start}
     */
    public List<ServerStats> stats() {
        GroupServer spreadServer = this.groupServer;
        if (spreadServer != null) {
            return spreadServer.stats();
        }
        ServerDispatcher server = this.dispatcher;
        return server == null ? List.of() : List.of(server.stats());
    }

    private long total(ToLongFunction<ServerStats> figure) {
        long total = 0;
        for (ServerStats stats : stats()) {
            total += figure.applyAsLong(stats);
        }
        return total;
    }

    /**
     * Returns the settings the server was made with.
     *
     * @return the settings
     */
    public ServerSettings settings() {
        return this.settings;
    }

    /**
     * Returns the server's name, the key under {@code asyncore.servers}.
     *
     * @return the name
     */
    public String getName() {
        return this.settings.name();
    }

    /**
     * Returns the bound address once started, else the configured one.
     *
     * @return an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
     */
    public SocketAddress getAddress() {
        SocketAddress bound = this.boundAddress;
        return bound != null ? bound : this.settings.address();
    }

    /**
     * Returns the bound TCP or UDP port.
     *
     * @return the port, or -1 for a UNIX-domain server or before it is bound
     */
    public int getPort() {
        return this.boundAddress instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }

    /**
     * Returns whether the server is bound and its listening socket (a UDP server's socket) is still open.
     *
     * @return true while it accepts connections (receives datagrams)
     */
    public boolean isListening() {
        GroupServer spreadServer = this.groupServer;
        if (spreadServer != null) {
            return spreadServer.localAddress() != null;
        }
        Channel channel = this.listeningChannel;
        return channel != null && channel.isOpen();
    }

    /**
     * Returns the number of accepted channels open now.
     *
     * @return the count
     */
    public int connections() {
        return (int) total(ServerStats::connections);
    }

    /**
     * Returns the number of connections accepted since the server started.
     *
     * @return the total
     */
    public long accepted() {
        return total(ServerStats::accepted);
    }

    /**
     * Returns the number of connections closed at once because {@code max-connections} was reached.
     *
     * @return the total
     */
    public long rejected() {
        return total(ServerStats::rejected);
    }

    /**
     * Returns the number of connections closed because their PROXY protocol header was missing or invalid.
     *
     * @return the total
     */
    public long headerRefused() {
        return total(ServerStats::headerRefused);
    }

    /**
     * Returns the number of connections closed because their PROXY protocol header did not arrive within
     * {@code proxy-protocol-timeout}.
     *
     * @return the total
     */
    public long headerTimedOut() {
        return total(ServerStats::headerTimedOut);
    }

    /**
     * Returns the number of connections closed because an {@code allow} or {@code deny} rule refused the client.
     *
     * @return the total
     */
    public long denied() {
        return total(ServerStats::denied);
    }

    /**
     * Returns the number of connections refused before their PROXY protocol header because they came from no address in
     * {@code proxy-protocol-trusted}.
     *
     * @return the total
     */
    public long untrustedProxy() {
        return total(ServerStats::untrustedProxy);
    }

    /**
     * Returns the number of connections closed at once because their client address had
     * {@code max-connections-per-address} open.
     *
     * @return the total
     */
    public long rejectedPerAddress() {
        return total(ServerStats::rejectedPerAddress);
    }

    /**
     * Returns whether any peer may send a PROXY protocol header (no {@code proxy-protocol-trusted} entries), and so claim
     * any client address.
     *
     * @return true if the PROXY protocol is on and no proxy is named
     */
    public boolean isProxyProtocolTrustingAnyPeer() {
        return this.settings.proxyProtocol().trustsAnyPeer();
    }

    /**
     * Returns whether each connection must begin with a PROXY protocol header.
     *
     * @return true if {@code proxy-protocol} is on
     */
    public boolean isProxyProtocol() {
        return this.settings.proxyProtocol().enabled();
    }

    /**
     * Returns whether accepted connections speak TLS.
     *
     * @return true if {@code ssl.bundle} (or a customizer) set TLS options
     */
    public boolean isTls() {
        return this.settings.tls() != null;
    }

    /**
     * Returns the host names that get a certificate of their own ({@code ssl.server-name-bundles}). Any thread.
     *
     * @return the names, lower case; empty without TLS or with one certificate
     */
    public List<String> tlsServerNames() {
        return this.settings.tls() == null ? List.of() : this.settings.tls().serverNames();
    }

    /**
     * Returns the application protocols agreed with ALPN, in the server's order of preference. Any thread.
     *
     * @return the names; empty without ALPN
     */
    public List<String> tlsApplicationProtocols() {
        return this.settings.tls() == null ? List.of() : this.settings.tls().applicationProtocols();
    }

    /**
     * Returns the TLS implementation new connections use.
     *
     * @return {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}; null without TLS
     */
    public TlsProvider tlsProvider() {
        TlsOptions tls = this.settings.tls();
        return tls == null ? null : tls.provider();
    }

    /**
     * Returns the number of TLS handshakes that finished since the server started.
     *
     * @return the total
     */
    public long tlsHandshakesCompleted() {
        return total(ServerStats::handshakesCompleted);
    }

    /**
     * Returns the number of TLS handshakes that failed since the server started (refused, timed out, not TLS).
     *
     * @return the total
     */
    public long tlsHandshakesFailed() {
        return total(ServerStats::handshakesFailed);
    }

    /**
     * Returns the number of accepts that failed since the server started (too many open files, no buffer space); the
     * listener stays open and retries after a back-off.
     *
     * @return the total
     */
    public long acceptErrors() {
        return total(ServerStats::acceptErrors);
    }

    /**
     * Returns whether the server is backing off: an accept failed and none has succeeded since.
     *
     * @return true while accepting is backing off
     */
    public boolean isAcceptBackingOff() {
        return stats().stream().anyMatch(ServerStats::acceptBackingOff);
    }

    /**
     * Returns the bytes received from this server's accepted channels (a UDP server: in datagrams) since it started.
     *
     * @return the total
     */
    public long bytesReceived() {
        DatagramStats datagrams = this.datagramStats;
        return datagrams != null ? datagrams.bytesReceived() : total(ServerStats::bytesReceived);
    }

    /**
     * Returns the bytes sent on this server's accepted channels (a UDP server: in datagrams) since it started.
     *
     * @return the total
     */
    public long bytesSent() {
        DatagramStats datagrams = this.datagramStats;
        return datagrams != null ? datagrams.bytesSent() : total(ServerStats::bytesSent);
    }

    /**
     * Returns the most bytes the server's accepted channels may hold queued for output together ({@code max-queued-bytes}).
     *
     * @return the budget in bytes, 0 for none (a UDP server)
     */
    public long getMaxQueuedBytes() {
        return getProtocol() == ServerProtocol.UDP ? 0 : this.settings.limits().maxQueuedBytes();
    }

    /**
     * Returns the bytes the server's accepted channels hold queued for output now, counted once per channel holding them.
     *
     * @return the total
     */
    public long queuedBytes() {
        return total(ServerStats::queuedBytes);
    }

    /**
     * Returns the number of connections closed as slow consumers because {@code max-queued-bytes} was reached.
     *
     * @return the total
     */
    public long slowConsumerDrops() {
        return total(ServerStats::slowConsumerDrops);
    }

    /**
     * Returns the offload that this server's connections hand their blocking calls to; its figures are this server's.
     *
     * @return the offload, or null when none was set (a UDP server, or a customizer removed it)
     */
    public Offload offload() {
        return this.settings.offloading().offload();
    }

    /**
     * Returns what runs this server's offloaded calls.
     *
     * @return {@code applicationTaskExecutor}, another bean name, {@code asyncore} for asyncore's own executor, or null
     */
    public String offloadExecutor() {
        return this.settings.offloading().executor();
    }

    /**
     * Adds a listener told of every call of this server's offload (when the offload was built with the factory's
     * {@link AsyncoreServerFactory#getOffloadListeners() listeners}). Any thread.
     *
     * @param listener the listener; called on loop and executor threads
     */
    public void addOffloadListener(Offload.Listener listener) {
        this.settings.offloadListeners().add(listener);
    }

    /**
     * Returns the listening dispatcher (for a server spread over several loops, the first loop's).
     *
     * @return the dispatcher, or null before {@link #start}
     */
    public ServerDispatcher dispatcher() {
        return this.dispatcher;
    }

    @Override
    public String toString() {
        return "asyncore server '" + this.settings.name() + "' on " + SocketAddresses.describe(getAddress());
    }
}
