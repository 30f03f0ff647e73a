package dev.asyncore.boot.server;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Offload;
import dev.asyncore.OutputBudget;
import dev.asyncore.TlsOptions;
import dev.asyncore.handler.ConnectionListener;
import dev.asyncore.handler.DatagramDispatcherFactory;
import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.handler.SocketOptions;
import dev.asyncore.net.AddressRules;

/**
 * The builder of one named server's {@link ServerSettings}, from which {@link #getServer()} makes the {@link AsyncoreServer}
 * that binds.
 *
 * <p>Filled from {@code asyncore.servers.<name>.*} and then handed to every {@link AsyncoreServerCustomizer}. Each setter
 * replaces one group of the settings, which checks the value; {@link #getSettings()} freezes them. Not thread-safe: use it only
 * on the thread that refreshes the application context.
 */
public class AsyncoreServerFactory {

    private final String name;

    private SocketAddress address;

    private HandlerFactory handlerFactory;

    private ServerSettings.Listen listen = ServerSettings.Listen.DEFAULTS;

    private ServerSettings.Limits limits = ServerSettings.Limits.NONE;

    private ServerSettings.ProxyProtocol proxyProtocol = ServerSettings.ProxyProtocol.OFF;

    private TlsOptions tls;

    private SocketOptions socketOptions = SocketOptions.DEFAULTS;

    private ServerSettings.Offloading offloading = ServerSettings.Offloading.DEFAULT;

    private ServerSettings.Datagram datagram = ServerSettings.Datagram.NONE;

    private final List<ConnectionListener> connectionListeners = new ArrayList<>();

    private final OffloadListeners offloadListeners = new OffloadListeners();

    /**
     * Creates the settings of the server called {@code name}.
     *
     * @param name the server's name, the key under {@code asyncore.servers}
     * @param address where to bind: an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
     * @param handlerFactory makes the dispatcher of each accepted channel
     */
    public AsyncoreServerFactory(String name, SocketAddress address, HandlerFactory handlerFactory) {
        this.name = Objects.requireNonNull(name, "name");
        this.address = Objects.requireNonNull(address, "address");
        this.handlerFactory = Objects.requireNonNull(handlerFactory, "handlerFactory");
    }

    /**
     * Creates the settings of the UDP server called {@code name}, served by a {@link DatagramServer} with this handler.
     *
     * @param name the server's name, the key under {@code asyncore.servers}
     * @param address where to bind: an {@code InetSocketAddress}
     * @param handler answers each datagram
     */
    public AsyncoreServerFactory(String name, SocketAddress address, DatagramHandler handler) {
        this(name, address, AsyncoreServerFactory::noConnections);
        this.datagram = this.datagram.served(handler);
    }

    /**
     * Creates the settings of the UDP server called {@code name}, served by the dispatcher a factory makes on the bound
     * socket.
     *
     * @param name the server's name, the key under {@code asyncore.servers}
     * @param address where to bind: an {@code InetSocketAddress}
     * @param factory makes the dispatcher of the bound datagram channel
     */
    public AsyncoreServerFactory(String name, SocketAddress address, DatagramDispatcherFactory factory) {
        this(name, address, AsyncoreServerFactory::noConnections);
        this.datagram = this.datagram.served(factory);
    }

    /** The handler factory of a UDP server, which accepts nothing: it is never called. */
    private static Dispatcher noConnections(SocketChannel channel, SocketAddress peer, DispatcherMap map) {
        throw new IllegalStateException("a UDP server accepts no connections");
    }

    /**
     * Returns the server's transport.
     *
     * @return {@code TCP}, or {@code UDP} for a server made with a datagram handler or factory
     */
    public ServerProtocol getProtocol() {
        return this.datagram.isServed() ? ServerProtocol.UDP : ServerProtocol.TCP;
    }

    /**
     * Returns the handler of a UDP server served by a {@link DatagramServer}.
     *
     * @return the handler, or null
     */
    public DatagramHandler getDatagramHandler() {
        return this.datagram.handler();
    }

    /**
     * Returns what makes the dispatcher of a UDP server's bound socket.
     *
     * @return the factory, or null
     */
    public DatagramDispatcherFactory getDatagramDispatcherFactory() {
        return this.datagram.factory();
    }

    /**
     * Returns the datagrams a UDP server reads per read event.
     *
     * @return the budget
     */
    public int getReadBudget() {
        return this.datagram.readBudget();
    }

    /**
     * Sets the datagrams a UDP server's {@link DatagramServer} reads per read event.
     *
     * @param readBudget at least 1
     */
    public void setReadBudget(int readBudget) {
        this.datagram = this.datagram.withReadBudget(readBudget);
    }

    /**
     * Returns the output queue bound of a UDP server, in datagrams.
     *
     * @return the bound
     */
    public int getQueueDatagrams() {
        return this.datagram.queueDatagrams();
    }

    /**
     * Returns the output queue bound of a UDP server, in bytes.
     *
     * @return the bound
     */
    public int getQueueBytes() {
        return this.datagram.queueBytes();
    }

    /**
     * Sets the output queue bounds of a UDP server's {@link DatagramServer}.
     *
     * @param datagrams the most replies it holds, at least 1
     * @param bytes the most bytes it holds, at least 1
     */
    public void setQueueLimits(int datagrams, int bytes) {
        this.datagram = this.datagram.withQueueLimits(datagrams, bytes);
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
     * Returns where the server binds.
     *
     * @return an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
     */
    public SocketAddress getAddress() {
        return this.address;
    }

    /**
     * Sets where the server binds.
     *
     * @param address an {@code InetSocketAddress} (port 0 picks a free port) or a {@code UnixDomainSocketAddress}
     */
    public void setAddress(SocketAddress address) {
        this.address = Objects.requireNonNull(address, "address");
    }

    /**
     * Returns whether the server listens on a UNIX-domain socket.
     *
     * @return true for a {@code UnixDomainSocketAddress}
     */
    public boolean isUnixDomain() {
        return this.address instanceof UnixDomainSocketAddress;
    }

    /**
     * Returns the listen backlog.
     *
     * @return the maximum length of the queue of pending connections
     */
    public int getBacklog() {
        return this.listen.backlog();
    }

    /**
     * Sets the listen backlog.
     *
     * @param backlog the maximum length of the queue of pending connections, at least 1
     */
    public void setBacklog(int backlog) {
        this.listen = this.listen.withBacklog(backlog);
    }

    /**
     * Returns whether SO_REUSEADDR is set on the listening socket (TCP only).
     *
     * @return whether the address is reused
     */
    public boolean isReuseAddress() {
        return this.listen.reuseAddress();
    }

    /**
     * Sets whether SO_REUSEADDR is set on the listening socket (TCP only).
     *
     * @param reuseAddress whether to reuse the address
     */
    public void setReuseAddress(boolean reuseAddress) {
        this.listen = this.listen.withReuseAddress(reuseAddress);
    }

    /**
     * Returns whether connections are spread over every loop of the group ({@code asyncore.loop.threads}).
     *
     * @return true to spread, false to keep them on the first loop
     */
    public boolean isSpread() {
        return this.listen.spread();
    }

    /**
     * Sets whether connections are spread over every loop of the group, or kept on the first loop.
     *
     * @param spread true to spread
     */
    public void setSpread(boolean spread) {
        this.listen = this.listen.withSpread(spread);
    }

    /**
     * Returns what makes the dispatcher of each accepted channel.
     *
     * @return the handler factory
     */
    public HandlerFactory getHandlerFactory() {
        return this.handlerFactory;
    }

    /**
     * Sets what makes the dispatcher of each accepted channel, for example a wrapper around the current one.
     *
     * @param handlerFactory the handler factory; called on the loop thread
     */
    public void setHandlerFactory(HandlerFactory handlerFactory) {
        this.handlerFactory = Objects.requireNonNull(handlerFactory, "handlerFactory");
    }

    /**
     * Returns the limit of open accepted channels.
     *
     * @return the limit, 0 for none
     */
    public int getMaxConnections() {
        return this.limits.maxConnections();
    }

    /**
     * Sets the limit of open accepted channels; past it a new connection is closed at once and counted as rejected.
     *
     * @param maxConnections the limit, 0 for none
     */
    public void setMaxConnections(int maxConnections) {
        this.limits = this.limits.withMaxConnections(maxConnections);
    }

    /**
     * Returns the time without traffic after which an accepted channel is closed.
     *
     * @return the idle timeout, or null for none
     */
    public Duration getIdleTimeout() {
        return this.limits.idleTimeout();
    }

    /**
     * Sets the time without traffic after which an accepted channel is closed.
     *
     * @param idleTimeout a positive duration, or null for none
     */
    public void setIdleTimeout(Duration idleTimeout) {
        this.limits = this.limits.withIdleTimeout(idleTimeout);
    }

    /**
     * Returns the most bytes all accepted channels together may hold queued for output (see
     * {@link OutputBudget}).
     *
     * @return the budget in bytes, 0 for none
     */
    public long getMaxQueuedBytes() {
        return this.limits.maxQueuedBytes();
    }

    /**
     * Sets the most bytes all accepted channels together may hold queued for output; past it the channels holding the most
     * are closed as slow consumers. A server spread over several loops gives each loop an equal share.
     *
     * @param maxQueuedBytes the budget in bytes, 0 for none
     */
    public void setMaxQueuedBytes(long maxQueuedBytes) {
        this.limits = this.limits.withMaxQueuedBytes(maxQueuedBytes);
    }

    /**
     * Returns the socket options applied to every accepted channel.
     *
     * @return the options
     */
    public SocketOptions getSocketOptions() {
        return this.socketOptions;
    }

    /**
     * Sets the socket options applied to every accepted channel before its handler is made (UNIX-domain channels get only
     * the buffer sizes).
     *
     * @param socketOptions the options
     */
    public void setSocketOptions(SocketOptions socketOptions) {
        this.socketOptions = Objects.requireNonNull(socketOptions, "socketOptions");
    }

    /**
     * Returns whether each connection must begin with a PROXY protocol header.
     *
     * @return true if the header is read before the handler is made
     */
    public boolean isProxyProtocol() {
        return this.proxyProtocol.enabled();
    }

    /**
     * Sets whether each connection must begin with a PROXY protocol header (v1 or v2) from a load balancer: the handler is
     * made once the header has arrived, with the client's address; a connection without a valid header is closed.
     *
     * @param proxyProtocol whether to read the header
     */
    public void setProxyProtocol(boolean proxyProtocol) {
        this.proxyProtocol = this.proxyProtocol.withEnabled(proxyProtocol);
    }

    /**
     * Returns how long a connection may take to send its PROXY protocol header.
     *
     * @return the timeout
     */
    public Duration getProxyProtocolTimeout() {
        return this.proxyProtocol.timeout();
    }

    /**
     * Sets how long a connection may take to send its PROXY protocol header before it is closed.
     *
     * @param proxyProtocolTimeout a positive duration
     */
    public void setProxyProtocolTimeout(Duration proxyProtocolTimeout) {
        this.proxyProtocol = this.proxyProtocol.withTimeout(proxyProtocolTimeout);
    }

    /**
     * Returns the rules that admit or refuse clients by address.
     *
     * @return the rules
     */
    public AddressRules getAddressRules() {
        return this.limits.addressRules();
    }

    /**
     * Sets the rules that admit or refuse clients by address (the address from the PROXY protocol header when that is on).
     *
     * @param addressRules the rules; {@link AddressRules#ALLOW_ALL} for none
     */
    public void setAddressRules(AddressRules addressRules) {
        this.limits = this.limits.withAddressRules(addressRules);
    }

    /**
     * Returns the TLS every accepted connection speaks.
     *
     * @return the options, or null for plaintext
     */
    public TlsOptions getTls() {
        return this.tls;
    }

    /**
     * Makes every accepted connection speak TLS (the handler reads and writes plaintext), or plaintext again.
     *
     * @param tls the options, for example from {@link AsyncoreSslBundles#options(String)}; null for plaintext
     */
    public void setTls(TlsOptions tls) {
        this.tls = tls;
    }

    /**
     * Returns the offload the server's connections hand their blocking calls to.
     *
     * @return the offload, or null for asyncore's default one
     */
    public Offload getOffload() {
        return this.offloading.offload();
    }

    /**
     * Sets the offload the server's connections hand their blocking calls to ({@code Dispatcher.executeBlocking},
     * {@code AsyncChat.pushBlocking}): its limits and figures are this server's. Build it with
     * {@link #getOffloadListeners()} as its listener for the {@code asyncore.offload.calls} timer to see its calls.
     *
     * @param offload the offload, or null for asyncore's default one
     * @param executor what runs its calls, as the endpoint names it (a bean name, or {@code asyncore})
     */
    public void setOffload(Offload offload, String executor) {
        this.offloading = new ServerSettings.Offloading(offload, executor);
    }

    /**
     * Returns the name of what runs the offloaded calls, as {@link #setOffload} was given it.
     *
     * @return a bean name, {@code asyncore}, or null
     */
    public String getOffloadExecutor() {
        return this.offloading.executor();
    }

    /**
     * Returns the listener to build this server's offload with: it passes events on to the listeners the server's
     * meters add later.
     *
     * @return the server's offload listeners
     */
    public OffloadListeners getOffloadListeners() {
        return this.offloadListeners;
    }

    /**
     * Adds a listener told of every connection the server opens and closes (on the loop thread).
     *
     * @param listener the listener
     */
    public void addConnectionListener(ConnectionListener listener) {
        this.connectionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Returns the connection listeners added so far.
     *
     * @return an unmodifiable copy
     */
    public List<ConnectionListener> getConnectionListeners() {
        return List.copyOf(this.connectionListeners);
    }

    /**
     * Returns the proxies trusted to send a PROXY protocol header.
     *
     * @return the rules; empty when any peer may send one
     */
    public AddressRules getProxyProtocolTrusted() {
        return this.proxyProtocol.trusted();
    }

    /**
     * Sets the proxies (load balancers) trusted to send a PROXY protocol header; a connection from any other address is
     * refused before its header is read.
     *
     * @param trusted the proxies' addresses as allow entries; {@link AddressRules#ALLOW_ALL} to trust any peer
     */
    public void setProxyProtocolTrusted(AddressRules trusted) {
        this.proxyProtocol = this.proxyProtocol.withTrusted(trusted);
    }

    /**
     * Returns the limit of open connections per client address.
     *
     * @return the limit, 0 for none
     */
    public int getMaxConnectionsPerAddress() {
        return this.limits.maxConnectionsPerAddress();
    }

    /**
     * Sets the limit of open connections per client address (the PROXY protocol header's when that is on); past it a new
     * connection of that address is closed at once and counted.
     *
     * @param maxConnectionsPerAddress the limit, 0 for none
     */
    public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
        this.limits = this.limits.withMaxConnectionsPerAddress(maxConnectionsPerAddress);
    }

    /**
     * Returns the datagrams a second one source address of a UDP server may have answered.
     *
     * @return the rate, 0 for no limit
     */
    public int getUdpMaxRatePerSource() {
        return this.datagram.maxRatePerSource();
    }

    /**
     * Returns the datagrams one source address may send at once above its rate.
     *
     * @return the burst
     */
    public int getUdpBurstPerSource() {
        return this.datagram.burstPerSource();
    }

    /**
     * Limits the datagrams a UDP server answers per source address; past it they are dropped and counted.
     *
     * @param perSecond datagrams a second, 0 for no limit
     * @param burst datagrams at once above the rate, at least 1 when a rate is set
     */
    public void setUdpRateLimitPerSource(int perSecond, int burst) {
        this.datagram = this.datagram.withRateLimitPerSource(perSecond, burst);
    }

    /**
     * Returns the settings as they stand now, frozen: later calls of the setters do not change them.
     *
     * @return the settings
     */
    public ServerSettings getSettings() {
        return new ServerSettings(
                this.name,
                this.address,
                this.handlerFactory,
                this.listen,
                this.limits,
                this.proxyProtocol,
                this.tls,
                this.socketOptions,
                this.offloading,
                this.datagram,
                this.connectionListeners,
                this.offloadListeners);
    }

    /**
     * Makes the server these settings describe; it is not bound until {@link AsyncoreServer#start}.
     *
     * @return a new, unbound server
     */
    public AsyncoreServer getServer() {
        return new AsyncoreServer(getSettings());
    }
}
