package dev.asyncore.boot.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.time.Duration;
import java.util.List;

import dev.asyncore.DispatcherMap;
import dev.asyncore.SocketAddresses;
import dev.asyncore.TlsOptions;
import dev.asyncore.handler.ConnectionListener;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.handler.SocketOptions;
import dev.asyncore.net.AddressRules;

/**
 * One named listening server on the managed loop: binds on {@link #start}, closes on {@link #stop}, and reports its address and
 * counters.
 *
 * <p>{@link #start} and {@link #stop} run on the loop thread, or on any thread before the loop owns the map. The getters may be
 * called from any thread; they read counters the core keeps for cross-thread reading and never stop or slow the loop.
 */
public final class AsyncoreServer {

    private final String name;

    private final SocketAddress configuredAddress;

    private final int backlog;

    private final boolean reuseAddress;

    private final int maxConnections;

    private final Duration idleTimeout;

    private final SocketOptions socketOptions;

    private final HandlerFactory handlerFactory;

    private final boolean proxyProtocol;

    private final Duration proxyProtocolTimeout;

    private final AddressRules addressRules;

    private final List<ConnectionListener> connectionListeners;

    private final TlsOptions tls;

    private volatile ServerDispatcher dispatcher;

    private volatile SocketAddress boundAddress;

    private volatile Channel listeningChannel;

    AsyncoreServer(AsyncoreServerFactory factory) {
        this.name = factory.getName();
        this.configuredAddress = factory.getAddress();
        this.backlog = factory.getBacklog();
        this.reuseAddress = factory.isReuseAddress();
        this.maxConnections = factory.getMaxConnections();
        this.idleTimeout = factory.getIdleTimeout();
        this.socketOptions = factory.getSocketOptions();
        this.handlerFactory = factory.getHandlerFactory();
        this.proxyProtocol = factory.isProxyProtocol();
        this.proxyProtocolTimeout = factory.getProxyProtocolTimeout();
        this.addressRules = factory.getAddressRules();
        this.connectionListeners = factory.getConnectionListeners();
        this.tls = factory.getTls();
    }

    /**
     * Binds and starts listening, registering the listening dispatcher in {@code map}. Call once.
     *
     * @param map the managed map
     * @throws AsyncoreServerBindException when the socket cannot be created, bound or put to listen
     */
    public void start(DispatcherMap map) {
        if (this.dispatcher != null) {
            throw new IllegalStateException("asyncore server '" + this.name + "' was already started");
        }
        ServerDispatcher server = new ServerDispatcher(map, this.handlerFactory);
        try {
            server.setSocketOptions(this.socketOptions);
            if (this.maxConnections > 0) {
                server.setMaxConnections(this.maxConnections);
            }
            server.setIdleTimeout(this.idleTimeout);
            server.setProxyProtocol(this.proxyProtocol);
            server.setProxyProtocolTimeout(this.proxyProtocolTimeout);
            server.setAddressRules(this.addressRules);
            server.setTls(this.tls);
            this.connectionListeners.forEach(server::addConnectionListener);
            server.open(this.configuredAddress, this.backlog, this.reuseAddress);
        } catch (IOException | RuntimeException ex) {
            server.close();
            throw new AsyncoreServerBindException(this.name, this.configuredAddress, ex);
        }
        this.boundAddress = server.localAddress();
        this.listeningChannel = server.socket();
        this.dispatcher = server;
    }

    /** Closes the listening socket; accepted channels stay open. Loop thread only. Idempotent. */
    public void stop() {
        ServerDispatcher server = this.dispatcher;
        if (server != null) {
            server.close();
        }
    }

    /**
     * Returns the server's name, the key under {@code asyncore.servers}.
     *
     * @return the name
     */
    public String getName() {
        return this.name;
    }

    /**
     * Returns the bound address once started, else the configured one.
     *
     * @return an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
     */
    public SocketAddress getAddress() {
        SocketAddress bound = this.boundAddress;
        return bound != null ? bound : this.configuredAddress;
    }

    /**
     * Returns the bound TCP port.
     *
     * @return the port, or -1 for a UNIX-domain server or before it is bound
     */
    public int getPort() {
        return this.boundAddress instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }

    /**
     * Returns whether the server is bound and its listening socket is still open.
     *
     * @return true while it accepts connections
     */
    public boolean isListening() {
        Channel channel = this.listeningChannel;
        return channel != null && channel.isOpen();
    }

    /**
     * Returns the number of accepted channels open now.
     *
     * @return the count
     */
    public int connections() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().connections();
    }

    /**
     * Returns the number of connections accepted since the server started.
     *
     * @return the total
     */
    public long accepted() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().accepted();
    }

    /**
     * Returns the number of connections closed at once because {@code max-connections} was reached.
     *
     * @return the total
     */
    public long rejected() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().rejected();
    }

    /**
     * Returns the number of connections closed because their PROXY protocol header was missing or invalid.
     *
     * @return the total
     */
    public long headerRefused() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().headerRefused();
    }

    /**
     * Returns the number of connections closed because their PROXY protocol header did not arrive within
     * {@code proxy-protocol-timeout}.
     *
     * @return the total
     */
    public long headerTimedOut() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().headerTimedOut();
    }

    /**
     * Returns the number of connections closed because an {@code allow} or {@code deny} rule refused the client.
     *
     * @return the total
     */
    public long denied() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().denied();
    }

    /**
     * Returns whether each connection must begin with a PROXY protocol header.
     *
     * @return true if {@code proxy-protocol} is on
     */
    public boolean isProxyProtocol() {
        return this.proxyProtocol;
    }

    /**
     * Returns whether accepted connections speak TLS.
     *
     * @return true if {@code ssl.bundle} (or a customizer) set TLS options
     */
    public boolean isTls() {
        return this.tls != null;
    }

    /**
     * Returns the number of TLS handshakes that finished since the server started.
     *
     * @return the total
     */
    public long tlsHandshakesCompleted() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().handshakesCompleted();
    }

    /**
     * Returns the number of TLS handshakes that failed since the server started (refused, timed out, not TLS).
     *
     * @return the total
     */
    public long tlsHandshakesFailed() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().handshakesFailed();
    }

    /**
     * Returns the number of accepts that failed since the server started (too many open files, no buffer space); the
     * listener stays open and retries after a back-off.
     *
     * @return the total
     */
    public long acceptErrors() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().acceptErrors();
    }

    /**
     * Returns whether the server is backing off: an accept failed and none has succeeded since.
     *
     * @return true while accepting is backing off
     */
    public boolean isAcceptBackingOff() {
        ServerDispatcher server = this.dispatcher;
        return server != null && server.stats().acceptBackingOff();
    }

    /**
     * Returns the bytes received from this server's accepted channels since it started.
     *
     * @return the total
     */
    public long bytesReceived() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().bytesReceived();
    }

    /**
     * Returns the bytes sent on this server's accepted channels since it started.
     *
     * @return the total
     */
    public long bytesSent() {
        ServerDispatcher server = this.dispatcher;
        return server == null ? 0 : server.stats().bytesSent();
    }

    /**
     * Returns the listening dispatcher.
     *
     * @return the dispatcher, or null before {@link #start}
     */
    public ServerDispatcher dispatcher() {
        return this.dispatcher;
    }

    @Override
    public String toString() {
        return "asyncore server '" + this.name + "' on " + SocketAddresses.describe(getAddress());
    }
}
