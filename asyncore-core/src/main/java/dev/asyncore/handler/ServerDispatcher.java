package dev.asyncore.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.asyncore.Accepted;
import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Errno;
import dev.asyncore.ExitNow;
import dev.asyncore.Offload;
import dev.asyncore.ServerStats;
import dev.asyncore.SocketAddresses;
import dev.asyncore.TlsOptions;
import dev.asyncore.TrackedInterest;
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
 * header is not yet counted in {@link ServerStats#connections()} nor held to the connection limit; the header timeout
 * bounds how long it can wait.
 */
@TrackedInterest
public class ServerDispatcher extends Dispatcher {

    /** The accept backlog servers use unless set otherwise. */
    public static final int DEFAULT_BACKLOG = 128;

    /** How long a connection may take to send its PROXY protocol header unless set otherwise: 5 seconds. */
    public static final Duration DEFAULT_PROXY_PROTOCOL_TIMEOUT = Duration.ofSeconds(5);

    static final long FIRST_BACKOFF_MILLIS = 10;
    static final long MAX_BACKOFF_MILLIS = 500;

    static {
        // The accept failure path runs when the process may have no descriptor left to open a class file with.
        Errno.isExhausted(new IOException("Too many open files"));
        ExitNow.class.getName();
        Accepted.class.getName();
        SocketAddresses.describe(null);
    }

    private final HandlerFactory factory;
    private final ServerStats stats = new ServerStats();
    private int maxConnections;
    private Duration idleTimeout;
    private SocketOptions socketOptions = SocketOptions.DEFAULTS;
    private boolean proxyProtocol;
    private Duration proxyProtocolTimeout = DEFAULT_PROXY_PROTOCOL_TIMEOUT;
    private AddressRules addressRules = AddressRules.ALLOW_ALL;
    private TlsOptions tls;
    private Offload handlerOffload;
    private final List<ConnectionListener> connectionListeners = new ArrayList<>();
    private long backoffMillis;
    private long resumeAt;
    private long episodeStart;
    private long episodeFailures;
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
        if (address instanceof InetSocketAddress inet
                && inet.getAddress() != null
                && inet.getAddress().isAnyLocalAddress()) {
            try {
                createSocket(StandardProtocolFamily.INET6);
                return;
            } catch (UnsupportedOperationException | IOException noIpv6) {
                // no IPv6 on this machine: all IPv4 interfaces
            }
        }
        createSocket(familyOf(address));
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
            acceptFailed(e);
            return;
        }
        if (pair != null) {
            if (episodeFailures > 0) {
                acceptRecovered();
            }
            try {
                if (proxyProtocol) {
                    new ProxyHeaderReader(this, pair.channel(), proxyProtocolTimeout);
                } else {
                    handleAccepted(pair.channel(), pair.address());
                }
            } catch (Exception | LinkageError e) {
                if (e instanceof ExitNow exit) {
                    throw exit;
                }
                connectionFailed(pair, e);
            }
        }
    }

    /**
     * One connection's setup failed (its options, its handler, a class that could not be loaded for want of descriptors):
     * that connection is closed and the listener goes on.
     */
    private void connectionFailed(Accepted pair, Throwable e) {
        try {
            pair.channel().close();
        } catch (IOException ignored) {
            // closing is all that is left to do with it
        }
        stats.connectionRejected();
        map().logSink()
                .log(
                        this,
                        "error",
                        "asyncore server " + describeLocal() + " closed a connection whose setup failed: " + e);
    }

    /**
     * Whether to accept now: false while backing off after a failed accept. Loop thread.
     *
     * @return false until the back-off has passed, else true
     */
    @Override
    public boolean readable() {
        if (resumeAt != 0) {
            if (System.nanoTime() - resumeAt < 0) {
                return false;
            }
            resumeAt = 0;
        }
        return true;
    }

    private void acceptFailed(IOException e) {
        stats.acceptFailed();
        long now = System.nanoTime();
        if (episodeFailures++ == 0) {
            episodeStart = now;
            backoffMillis = FIRST_BACKOFF_MILLIS;
            map().logSink()
                    .log(
                            this,
                            "warning",
                            "asyncore server " + describeLocal() + " cannot accept: " + e.getMessage()
                                    + "; it stops accepting for " + backoffMillis
                                    + " ms and retries, backing off up to "
                                    + MAX_BACKOFF_MILLIS + " ms");
        } else {
            backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        }
        resumeAt = now + Duration.ofMillis(backoffMillis).toNanos();
        if (resumeAt == 0) {
            resumeAt = 1;
        }
        AsyncLoop owner = map().owner();
        if (owner != null && owner.isRunning()) {
            owner.schedule(this::resume, Duration.ofMillis(backoffMillis));
        }
        interestChanged();
    }

    private void resume() {
        if (fileno() != null) {
            interestChanged();
        }
    }

    private void acceptRecovered() {
        long millis = Duration.ofNanos(System.nanoTime() - episodeStart).toMillis();
        map().logSink()
                .log(
                        this,
                        "info",
                        "asyncore server " + describeLocal() + " accepts again after " + episodeFailures
                                + " failed accepts in " + millis + " ms");
        episodeFailures = 0;
        backoffMillis = 0;
        stats.acceptResumed();
    }

    private String describeLocal() {
        SocketAddress local = localAddress();
        return SocketAddresses.describe(local != null ? local : addr());
    }

    /**
     * Serves an accepted connection: refuses it if an address rule denies the client or the connection limit is reached,
     * else makes its handler. Loop thread.
     *
     * @param sock the accepted channel
     * @param addr the client's address: with the PROXY protocol on, the one from the header, which then also becomes the
     *     handler's {@link Dispatcher#addr()}
     * @throws Exception anything; the loop passes it to {@link #handleError(Throwable)}
     */
    @Override
    public void handleAccepted(SocketChannel sock, SocketAddress addr) throws Exception {
        if (!addressRules.allows(addr)) {
            stats.connectionDenied();
            sock.close();
            return;
        }
        if (atConnectionLimit()) {
            stats.connectionRejected();
            reset(sock);
            return;
        }
        Dispatcher handler;
        try {
            socketOptions.applyTo(sock);
            handler = tls == null
                    ? factory.create(sock, addr, map())
                    : tls.acceptWith(sock, () -> factory.create(sock, addr, map()));
        } catch (Exception e) {
            stats.connectionRejected();
            sock.close();
            logInfo("handler for " + getClass().getSimpleName() + " failed, connection closed: " + e, "error");
            return;
        }
        if (handlerOffload != null) {
            handler.setOffload(handlerOffload);
        }
        stats.connectionOpened();
        if (!sock.isOpen() || handler.fileno() == null) {
            stats.connectionClosed();
            return;
        }
        if (proxyProtocol && handler.socket() == sock) {
            handler.setAddr(addr);
        }
        stats.attach(handler);
        if (idleTimeout != null) {
            handler.setIdleTimeout(idleTimeout);
        }
        if (!connectionListeners.isEmpty()) {
            tellOpened(handler);
        }
    }

    /**
     * Whether a new connection would pass the connection limit: by default this server's open connections against
     * {@link #maxConnections()}. A server spread over several loops counts them all. Loop thread.
     *
     * @return true to refuse the connection
     */
    protected boolean atConnectionLimit() {
        return maxConnections > 0 && stats.connections() >= maxConnections;
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
        if (!(address instanceof InetSocketAddress)) {
            return false;
        }
        try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
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
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void tellOpened(Dispatcher handler) {
        for (ConnectionListener l : connectionListeners) {
            try {
                l.connectionOpened(this, handler);
            } catch (RuntimeException e) {
                logInfo("connection listener " + l + " failed: " + e, "error");
            }
        }
        handler.setCloseListener((closed, cause) -> {
            for (ConnectionListener l : connectionListeners) {
                try {
                    l.connectionClosed(this, closed, cause);
                } catch (RuntimeException e) {
                    logInfo("connection listener " + l + " failed: " + e, "error");
                }
            }
        });
    }

    /** A listening channel closes without the "unhandled close event" warning. */
    @Override
    public void handleClose() {
        close();
    }

    /**
     * The address it listens on (with the real port when bound to port 0).
     *
     * @return the local address, or null if not listening
     */
    public SocketAddress localAddress() {
        try {
            return socket() instanceof NetworkChannel nc && nc.isOpen() ? nc.getLocalAddress() : null;
        } catch (IOException e) {
            return null;
        }
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

    private static void reset(SocketChannel sock) throws IOException {
        try {
            if (sock.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                sock.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } finally {
            sock.close();
        }
    }
}
