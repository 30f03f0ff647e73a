package dev.asyncore.handler;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import dev.asyncore.AsyncLoop;
import dev.asyncore.TlsOptions;

/** Builds a {@link ClientConnector}. Any thread; not thread-safe itself. */
public final class ClientConnectorBuilder {

    /** How long a connect may take unless set otherwise: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    final String name;
    final AsyncLoop loop;
    final List<InetSocketAddress> addresses = new ArrayList<>();
    Supplier<List<InetSocketAddress>> addressSource;
    boolean roundRobin;
    ClientHandlerFactory factory;
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    ReconnectPolicy reconnect = ReconnectPolicy.of(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2);
    TlsOptions tls;
    String serverName;
    boolean nameFromAddress;
    Duration idleTimeout;

    ClientConnectorBuilder(String name, AsyncLoop loop) {
        this.name = Objects.requireNonNull(name, "name");
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /**
     * Adds an address to try, after those added before. An unresolved address is resolved at each attempt.
     *
     * @param address the server's address
     * @return this builder
     */
    public ClientConnectorBuilder address(InetSocketAddress address) {
        addresses.add(Objects.requireNonNull(address, "address"));
        return this;
    }

    /**
     * Adds an address by host and port, resolved at each attempt.
     *
     * @param host a host name or IP literal
     * @param port the port
     * @return this builder
     */
    public ClientConnectorBuilder address(String host, int port) {
        return address(InetSocketAddress.createUnresolved(host, port));
    }

    /**
     * Reads the addresses at each {@link ClientConnector#start()} instead of fixing them now, for settings known only once
     * other parts of the application have started (a port a server of the same application bound). Replaces the
     * addresses added with {@link #address}. Called on the loop thread.
     *
     * @param source gives the addresses to try, in order, at least one; an exception it throws is logged and the last
     *     addresses are kept
     * @return this builder
     */
    public ClientConnectorBuilder addresses(Supplier<List<InetSocketAddress>> source) {
        this.addressSource = Objects.requireNonNull(source, "source");
        return this;
    }

    /**
     * Whether each round goes on from the address after the last one tried instead of starting at the first.
     *
     * @param roundRobin true for round robin, false (the default) for in order
     * @return this builder
     */
    public ClientConnectorBuilder roundRobin(boolean roundRobin) {
        this.roundRobin = roundRobin;
        return this;
    }

    /**
     * Sets what makes the dispatcher of each connection. Required.
     *
     * @param factory the factory
     * @return this builder
     */
    public ClientConnectorBuilder handler(ClientHandlerFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /**
     * Sets how long one connect may take before it is abandoned and counted as a timeout.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public ClientConnectorBuilder connectTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the connect timeout must be positive, was " + timeout);
        }
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * Sets the back-off; {@link ReconnectPolicy#NONE} never reconnects.
     *
     * @param policy the policy
     * @return this builder
     */
    public ClientConnectorBuilder reconnect(ReconnectPolicy policy) {
        this.reconnect = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Speaks TLS on each connection.
     *
     * @param options the context and handshake timeout
     * @param serverName the host name sent as SNI and verified against the server's certificate; null turns both off
     *     (tests only)
     * @return this builder
     */
    public ClientConnectorBuilder tls(TlsOptions options, String serverName) {
        this.tls = Objects.requireNonNull(options, "options");
        this.serverName = serverName;
        this.nameFromAddress = false;
        return this;
    }

    /**
     * Speaks TLS on each connection, checking the server's certificate against the host name of the address connected to
     * (as configured, before resolution), which is also sent as SNI: with several addresses, each host presents its own
     * name.
     *
     * @param options the context and handshake timeout
     * @return this builder
     */
    public ClientConnectorBuilder tls(TlsOptions options) {
        this.tls = Objects.requireNonNull(options, "options");
        this.serverName = null;
        this.nameFromAddress = true;
        return this;
    }

    /**
     * Closes a connection after this long without a read or write event (it is then reconnected).
     *
     * @param timeout the timeout; null or zero for none
     * @return this builder
     */
    public ClientConnectorBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /**
     * Builds the connector, stopped.
     *
     * @return the connector
     * @throws IllegalStateException without an address or a handler
     */
    public ClientConnector build() {
        if (addressSource != null) {
            addresses.clear();
            addresses.addAll(addressSource.get());
        }
        if (addresses.isEmpty()) {
            throw new IllegalStateException("client '" + name + "' has no address to connect to");
        }
        if (factory == null) {
            throw new IllegalStateException("client '" + name + "' has no handler factory");
        }
        return new ClientConnector(this);
    }
}
