package dev.asyncore.handler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

import dev.asyncore.Accepted;
import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Errno;
import dev.asyncore.ExitNow;
import dev.asyncore.Offload;
import dev.asyncore.OutputBudget;
import dev.asyncore.ServerStats;
import dev.asyncore.SocketAddresses;
import dev.asyncore.TlsOptions;
import dev.asyncore.TrackedInterest;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ServerCounter;
import dev.asyncore.net.AddressRules;

/**
 * A listening dispatcher that hands each accepted connection to a {@link HandlerFactory}, with a connection limit, an idle
 * timeout, socket options, optionally the PROXY protocol and address rules, and keeps the server's figures in
 * {@link ServerStats}. Loop thread, as {@code Dispatcher}; the setters may be called on any thread before the loop runs,
 * and {@link #stats()} is readable from any thread.
 *
 * <p>A failed accept never closes the listener. When {@code accept} fails for want of descriptors, buffers or memory (too
 * many open files in the process or the system), the server stops asking to accept for a back-off that starts at
 * {@value #FIRST_BACKOFF_MILLIS} ms and doubles up to {@value #MAX_BACKOFF_MILLIS} ms, then accepts again; connections that
 * waited in the backlog are then served. The first success resets the back-off. Each episode logs one {@code warning} with
 * the reason when it begins and one {@code info} with the number of failed accepts when it ends; {@link ServerStats#acceptErrors()}
 * counts every failure and {@link ServerStats#acceptBackingOff()} tells whether an episode is under way. Under an
 * {@link AsyncLoop} the resume is a timer of the loop; under {@link dev.asyncore.Asyncore#loop()} the listener reports itself
 * not readable until the back-off has passed, which that loop sees on its first pass after it.
 *
 * <p>Differs from Python: {@code asyncore.dispatcher.handle_accept} lets the error reach {@code handle_error}, which closes
 * the listener; a plain {@link Dispatcher} still does.
 *
 * <pre>{@code
 * ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
 * server.open(new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.DEFAULT_BACKLOG);
 * }</pre>
 *
 * <p>Behind a load balancer, {@link #setProxyProtocol(boolean)} makes it read a PROXY protocol header (v1 or v2) from each
 * connection before the handler exists; the factory, {@code handleAccepted}'s {@code addr} and the handler's
 * {@link Dispatcher#addr()} then give the client's address, and the handler receives exactly the bytes after the header.
 * {@link #setAddressRules(AddressRules)} refuses clients by address (after the header when the protocol is on). Refused
 * connections are closed before any handler exists and counted in {@link ServerStats}. A connection still sending its
 * header is counted in {@link ServerStats#headersPending()}, not yet in {@link ServerStats#connections()}, and both count
 * against the connection limit, so that clients that never finish a header cannot hold more descriptors than the limit;
 * the header timeout bounds how long each can wait. {@link #setTrustedProxies(AddressRules)} names the balancers: a
 * connection from any other address is refused before a byte of it is read, since whoever sends the header chooses the
 * client address the server believes. {@link #setMaxConnectionsPerAddress(int)} bounds what one client address (the
 * header's, when the protocol is on) may hold. An {@link OutputBudget} set on {@link #stats()} bounds
 * the bytes all its connections hold queued for output together.
 */
@TrackedInterest
public class ServerDispatcher extends Dispatcher {

    /** The accept backlog servers use unless set otherwise. */
    public static final int DEFAULT_BACKLOG = 128;

    /** How long a connection may take to send its PROXY protocol header unless set otherwise: 5 seconds. */
    public static final Duration DEFAULT_PROXY_PROTOCOL_TIMEOUT = Duration.ofSeconds(5);

    static final long FIRST_BACKOFF_MILLIS = AcceptBackoff.FIRST_MILLIS;
    static final long MAX_BACKOFF_MILLIS = AcceptBackoff.MAX_MILLIS;

    static {
        // The accept failure path runs when the process may have no descriptor left to open a class file with.
        Errno.isExhausted(new IOException("Too many open files"));
        ExitNow.class.getName();
        Accepted.class.getName();
        SocketAddresses.describe(null);
    }

    private final HandlerFactory factory;
    private final ServerStats stats = new ServerStats();
    private final ServerCounter counter = ApiAccess.counter(stats);
    private int maxConnections;
    private Duration idleTimeout;
    private SocketOptions socketOptions = SocketOptions.DEFAULTS;
    private boolean proxyProtocol;
    private Duration proxyProtocolTimeout = DEFAULT_PROXY_PROTOCOL_TIMEOUT;
    private AddressRules addressRules = AddressRules.ALLOW_ALL;
    private AddressRules trustedProxies = AddressRules.ALLOW_ALL;
    private int maxConnectionsPerAddress;
    private ConnectionsPerAddress perAddress = new ConnectionsPerAddress();
    private TlsOptions tls;
    private Offload handlerOffload;
    private final ConnectionListeners connectionListeners = new ConnectionListeners(this);
    private final AcceptBackoff backoff = new AcceptBackoff(this);
    private boolean reusePort;

    /**
     * Creates a server with no socket yet: call {@link #open(SocketAddress, int)}, or {@code createSocket}, {@code bind}
     * and {@code listen} yourself.
     *
     * @param map the map; null means the default map
     * @param factory makes the handler of each accepted connection
     */
    public ServerDispatcher(DispatcherMap map, HandlerFactory factory) {
        super(map);
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Creates the socket of the address's family, sets {@code SO_REUSEADDR} (TCP), binds and listens: {@link
     * #open(SocketAddress, int, boolean)} with reuse on.
     *
     * @param address where to listen: an {@link InetSocketAddress} (port 0 picks a free port) or a
     *     {@link UnixDomainSocketAddress}
     * @param backlog the accept backlog ({@link #DEFAULT_BACKLOG} is the usual value)
     * @throws IOException if the address cannot be bound ({@link java.net.BindException} when in use)
     */
    public void open(SocketAddress address, int backlog) throws IOException {
        open(address, backlog, true);
    }

    /**
     * Creates the socket of the address's family, binds and listens; closes it again if that fails. A wildcard address
     * ({@code 0.0.0.0} or {@code ::}) listens on every interface, IPv6 and IPv4 alike, through one dual-stack IPv6 channel
     * where the machine has IPv6 (as Spring Boot's web servers do), else through an IPv4 channel. Loop thread, or before
     * the loop runs.
     *
     * <p>Differs from Python: {@code socket.create_server} needs {@code dualstack_ipv6=True} for that; a wildcard here is
     * "all interfaces" whatever its family.
     *
     * @param address where to listen: an {@link InetSocketAddress} (port 0 picks a free port) or a
     *     {@link UnixDomainSocketAddress}
     * @param backlog the accept backlog
     * @param reuseAddress whether to set {@code SO_REUSEADDR} (ignored for UNIX-domain sockets)
     * @throws IOException if the address cannot be bound ({@link java.net.BindException} when in use)
     */
    public void open(SocketAddress address, int backlog, boolean reuseAddress) throws IOException {
        createListeningSocket(address);
        if (reuseAddress && !(address instanceof UnixDomainSocketAddress)) {
            setReuseAddr();
        }
        try {
            if (reusePort) {
                ((NetworkChannel) socket()).setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            bind(address);
            listen(backlog);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void createListeningSocket(SocketAddress address) throws IOException {
        ServerSockets.open(address, family -> {
            createSocket(family);
            return this;
        });
    }

    /**
     * Accepts a pending connection and hands it to {@link #handleAccepted(SocketChannel, SocketAddress)}. With the PROXY
     * protocol on, the header is read first (by a short-lived dispatcher in the same map), so that {@code handleAccepted}
     * is called once the header has arrived, with the client's address. An accept that fails for want of resources starts
     * or continues a back-off instead of reaching {@code handleError}. Loop thread.
     *
     * <p>Differs from Python: {@code handle_accepted} follows {@code accept()} at once; with the PROXY protocol it may come
     * on a later pass. A failed accept closes the listener in Python (through {@code handle_error}).
     *
     * @throws Exception an accept failure that is not exhaustion (the listener closed, for example); an exception from
     *     {@code handleAccepted} closes that connection only
     */
    @Override
    public void handleAccept() throws Exception {
        Accepted pair;
        try {
            pair = accept();
        } catch (IOException e) {
            if (!Errno.isExhausted(e)) {
                throw e;
            }
            backoff.failed(e);
            return;
        }
        if (pair != null) {
            backoff.succeeded();
            try {
                if (proxyProtocol) {
                    readHeader(pair);
                } else {
                    handleAccepted(pair.channel(), pair.address());
                }
            } catch (Exception | LinkageError e) {
                if (e instanceof ExitNow exit) {
                    throw exit;
                }
                setupFailed(pair.channel(), e);
            }
        }
    }

    /** Reads a connection's PROXY header, unless no trusted proxy sent it or the connection limit is reached. */
    private void readHeader(Accepted pair) throws IOException {
        if (!trustedProxies.allows(pair.address())) {
            counter.connectionUntrustedProxy();
            pair.channel().close();
            return;
        }
        if (atConnectionLimit()) {
            counter.connectionRejected();
            ServerSockets.reset(pair.channel());
            return;
        }
        new ProxyHeaderReader(this, pair.channel(), proxyProtocolTimeout);
    }

    /**
     * One connection's setup failed (its options, its handler, a class that could not be loaded for want of descriptors):
     * that connection is closed, counted as rejected and logged, and the listener goes on. Loop thread.
     */
    void setupFailed(SocketChannel sock, Throwable e) {
        ServerSockets.closeQuietly(sock);
        counter.connectionRejected();
        String server = SocketAddresses.describe(logAddress());
        map().logSink()
                .log(this, "error", "asyncore server " + server + " closed a connection whose setup failed: " + e);
    }

    /** The address that names this server in its log lines: where it listens, else what it was bound to. */
    SocketAddress logAddress() {
        SocketAddress local = localAddress();
        return local != null ? local : addr();
    }

    /**
     * Whether to accept now: false while backing off after a failed accept. Loop thread.
     *
     * @return false until the back-off has passed, else true
     */
    @Override
    public boolean readable() {
        return backoff.mayAccept();
    }

    /**
     * Serves an accepted connection: refuses it if an address rule denies the client, the connection limit is reached or
     * the client's address has its most connections open, else makes its handler. Loop thread.
     *
     * @param sock the accepted channel
     * @param addr the client's address: with the PROXY protocol on, the one from the header, which then also becomes the
     *     handler's {@link Dispatcher#addr()}
     * @throws Exception anything; the loop passes it to {@link #handleError(Throwable)}
     */
    @Override
    public void handleAccepted(SocketChannel sock, SocketAddress addr) throws Exception {
        if (!addressRules.allows(addr)) {
            counter.connectionDenied();
            sock.close();
            return;
        }
        if (atConnectionLimit()) {
            counter.connectionRejected();
            ServerSockets.reset(sock);
            return;
        }
        InetAddress key = maxConnectionsPerAddress > 0 ? ConnectionsPerAddress.keyOf(addr) : null;
        if (key != null && !perAddress.tryAcquire(key, maxConnectionsPerAddress)) {
            counter.connectionRejectedPerAddress();
            ServerSockets.reset(sock);
            return;
        }
        Runnable release = key == null ? null : () -> perAddress.release(key);
        Dispatcher handler;
        try {
            socketOptions.applyTo(sock);
            handler = tls == null
                    ? factory.create(sock, addr, map())
                    : ApiAccess.channels().acceptTls(tls, sock, () -> factory.create(sock, addr, map()));
        } catch (Exception e) {
            perAddress.release(key);
            counter.connectionRejected();
            sock.close();
            logInfo("handler for " + getClass().getSimpleName() + " failed, connection closed: " + e, "error");
            return;
        }
        if (handlerOffload != null) {
            handler.setOffload(handlerOffload);
        }
        counter.connectionOpened();
        if (!sock.isOpen() || handler.fileno() == null) {
            counter.connectionClosed();
            perAddress.release(key);
            return;
        }
        if (proxyProtocol && handler.socket() == sock) {
            handler.setAddr(addr);
        }
        counter.attach(handler, release);
        if (idleTimeout != null) {
            handler.setIdleTimeout(idleTimeout);
        }
        connectionListeners.opened(handler);
    }

    /**
     * Whether a new connection would pass the connection limit: by default this server's open connections against
     * {@link #maxConnections()}. A server spread over several loops counts them all. Loop thread.
     *
     * @return true to refuse the connection
     */
    protected boolean atConnectionLimit() {
        return maxConnections > 0 && connectionsInUse() >= maxConnections;
    }

    /** What the connection limit counts: open connections and pending PROXY headers (of every loop, when spread). */
    int connectionsInUse() {
        return inUse(stats);
    }

    /** The connections one set of figures holds against the limit: open ones and pending PROXY headers. Any thread. */
    static int inUse(ServerStats figures) {
        return figures.connections() + figures.headersPending();
    }

    /**
     * Sets {@code SO_REUSEPORT} on the listening socket made by {@link #open(SocketAddress, int, boolean)}, so that
     * several listeners (one per loop) share the address and the kernel balances connections over them. Call before
     * {@code open}; see {@link #supportsReusePort(SocketAddress)}. Loop thread, or before the loop runs.
     *
     * <p>Differs from Python: {@code socket.create_server(reuse_port=True)} is the counterpart; asyncore has none.
     *
     * @param reusePort whether to set the option
     */
    public void setReusePort(boolean reusePort) {
        this.reusePort = reusePort;
    }

    /**
     * Whether a TCP listening socket for this address can take {@code SO_REUSEPORT} on this platform. Any thread.
     *
     * @param address the address to listen on
     * @return false for UNIX-domain addresses and where the JDK does not support the option
     */
    public static boolean supportsReusePort(SocketAddress address) {
        return ServerSockets.supportsReusePort(address);
    }

    /**
     * Adds a listener told of every connection this server opens and closes. Loop thread, or any one thread before the
     * loop runs.
     *
     * <p>Differs from Python: asyncore has no connection events.
     *
     * @param listener the listener
     */
    public void addConnectionListener(ConnectionListener listener) {
        connectionListeners.add(listener);
    }

    /** A listening channel closes without the "unhandled close event" warning. */
    @Override
    public void handleClose() {
        close();
    }

    /**
     * The address it is bound to, with the real port when bound to port 0: the same contract as
     * {@link DatagramServer#localAddress()} and {@link GroupServer#localAddress()}. Any thread.
     *
     * @return the local address, or null before it is bound and once it is closed
     */
    public SocketAddress localAddress() {
        return ServerSockets.boundAddress(socket());
    }

    /**
     * The server's figures. Any thread.
     *
     * @return the figures
     */
    public ServerStats stats() {
        return stats;
    }

    /**
     * Limits the open connections: past it a new connection is closed at once (reset) and counted as rejected.
     *
     * @param maxConnections the limit; 0 for none
     */
    public void setMaxConnections(int maxConnections) {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must be 0 (no limit) or more, was " + maxConnections);
        }
        this.maxConnections = maxConnections;
    }

    /**
     * The connection limit.
     *
     * @return the limit, 0 for none
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Closes each accepted connection after this long without traffic (enforced by an {@code AsyncLoop}).
     *
     * @param idleTimeout the timeout, or null for none
     */
    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout == null || idleTimeout.isZero() ? null : idleTimeout;
    }

    /**
     * Sets the options applied to each accepted connection.
     *
     * @param socketOptions the options
     */
    public void setSocketOptions(SocketOptions socketOptions) {
        this.socketOptions = Objects.requireNonNull(socketOptions, "socketOptions");
    }

    /**
     * The options applied to each accepted connection.
     *
     * @return the options
     */
    public SocketOptions socketOptions() {
        return socketOptions;
    }

    /**
     * Makes each accepted connection send a PROXY protocol header (v1 or v2) before anything else; the handler is made once
     * it has arrived, with the client's address. A connection without a valid header is closed and counted. Call before
     * the server accepts connections.
     *
     * @param proxyProtocol whether to read the header
     */
    public void setProxyProtocol(boolean proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
    }

    /**
     * Whether each connection must begin with a PROXY protocol header.
     *
     * @return true if the header is read
     */
    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    /**
     * Sets how long a connection may take to send its PROXY protocol header; past it, it is closed and counted. Enforced
     * when an {@code AsyncLoop} runs the map.
     *
     * @param timeout a positive duration
     */
    public void setProxyProtocolTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the PROXY protocol header timeout must be positive, was " + timeout);
        }
        this.proxyProtocolTimeout = timeout;
    }

    /**
     * How long a connection may take to send its PROXY protocol header.
     *
     * @return the timeout
     */
    public Duration proxyProtocolTimeout() {
        return proxyProtocolTimeout;
    }

    /**
     * Sets the rules that admit or refuse clients by address, applied to the client's address (the one in the PROXY
     * protocol header when that is on) before the handler exists.
     *
     * @param addressRules the rules; {@link AddressRules#ALLOW_ALL} for none
     */
    public void setAddressRules(AddressRules addressRules) {
        this.addressRules = Objects.requireNonNull(addressRules, "addressRules");
    }

    /**
     * The rules that admit or refuse clients by address.
     *
     * @return the rules
     */
    public AddressRules addressRules() {
        return addressRules;
    }

    /**
     * Sets the addresses of the proxies (load balancers) trusted to send a PROXY protocol header: a connection from any
     * other address is refused and counted ({@link ServerStats#untrustedProxy()}) before a byte of it is read. With no
     * entries (the default) every peer may send a header, and so claim any client address. On a UNIX-domain listener the
     * entry {@value AddressRules#UNIX} trusts its peers. Call before the server accepts connections.
     *
     * <p>Differs from Python: asyncore has no PROXY protocol.
     *
     * @param trustedProxies the allow entries of the proxies' addresses; {@link AddressRules#ALLOW_ALL} to trust any
     */
    public void setTrustedProxies(AddressRules trustedProxies) {
        this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    /**
     * The addresses trusted to send a PROXY protocol header.
     *
     * @return the rules; empty when any peer is trusted
     */
    public AddressRules trustedProxies() {
        return trustedProxies;
    }

    /**
     * Limits the connections one client IP address may have open (the address from the PROXY protocol header when that
     * is on); past it a new connection of that address is reset and counted ({@link ServerStats#rejectedPerAddress()}).
     * UNIX-domain clients are not counted. Call before the server accepts connections.
     *
     * <p>Differs from Python: asyncore has no connection limits.
     *
     * @param max the limit; 0 for none
     * @throws IllegalArgumentException if negative
     */
    public void setMaxConnectionsPerAddress(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must be 0 (no limit) or more, was " + max);
        }
        this.maxConnectionsPerAddress = max;
    }

    /**
     * The limit of open connections per client address.
     *
     * @return the limit, 0 for none
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** Makes this server count connections per address in a map shared with the other loops' parts of one server. */
    void shareConnectionsPerAddress(ConnectionsPerAddress shared) {
        this.perAddress = shared;
    }

    /** The count of open connections per client address. Loop thread, or tests. */
    ConnectionsPerAddress connectionsPerAddress() {
        return perAddress;
    }

    /**
     * Makes every connection accepted from now on speak TLS in server mode: the handler is made on a TLS transport and
     * reads and writes plaintext only. Handshakes completed and failed are counted in {@link ServerStats}; a peer that
     * fails the handshake is closed without reaching the handler's {@code recv}. The options' context supplier is read for
     * each connection, so a reloaded certificate serves new connections while open ones keep theirs. Loop thread, or
     * before the loop runs.
     *
     * <p>Differs from Python: asyncore has no TLS.
     *
     * @param tls the options; null for plaintext
     */
    public void setTls(TlsOptions tls) {
        this.tls = tls;
    }

    /**
     * The TLS options of accepted connections.
     *
     * @return the options, or null for plaintext
     */
    public TlsOptions tls() {
        return tls;
    }

    /**
     * Sets the offload of this server and of every connection it accepts from now on: each handler gets it as it is made,
     * before its first event, so that its {@link Dispatcher#executeBlocking blocking calls} run there. Loop thread, or
     * before the loop runs.
     *
     * <p>Differs from Python: asyncore has no blocking calls off the loop.
     *
     * @param offload the offload; null for {@link Offload#defaultOffload()}
     */
    @Override
    public void setOffload(Offload offload) {
        super.setOffload(offload);
        this.handlerOffload = offload;
    }
}
