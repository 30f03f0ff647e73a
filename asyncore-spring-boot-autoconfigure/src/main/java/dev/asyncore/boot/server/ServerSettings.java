package dev.asyncore.boot.server;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.asyncore.Offload;
import dev.asyncore.TlsOptions;
import dev.asyncore.handler.ConnectionListener;
import dev.asyncore.handler.DatagramDispatcherFactory;
import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.handler.SocketOptions;
import dev.asyncore.net.AddressRules;

/**
 * The settings of one named server, as one immutable value: bound once (from {@code asyncore.servers.<name>.*}, then by the
 * customizers, on an {@link AsyncoreServerFactory}) and applied once, when the {@link AsyncoreServer} binds.
 *
 * <p>Each group checks its own values when it is made, so a setting is validated once, wherever it comes from. Any thread.
 *
 * @param name the server's name, the key under {@code asyncore.servers}
 * @param address where to bind: an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
 * @param handlerFactory makes the dispatcher of each accepted channel (a UDP server's is never called)
 * @param listen how the listening socket is opened
 * @param limits what the server admits and what one connection may hold
 * @param proxyProtocol whether connections begin with a PROXY protocol header, and from whom
 * @param tls the TLS every accepted connection speaks, or null for plaintext
 * @param socketOptions the options of every accepted channel (a UDP server: of its socket, buffer sizes only)
 * @param offloading the offload the server's connections hand their blocking calls to
 * @param datagram what serves a UDP server, and its bounds; {@link Datagram#NONE} for a TCP server
 * @param connectionListeners told of every connection the server opens and closes
 * @param offloadListeners the listener the offload was built with, to which the server's meters add theirs
 */
public record ServerSettings(
        String name,
        SocketAddress address,
        HandlerFactory handlerFactory,
        Listen listen,
        Limits limits,
        ProxyProtocol proxyProtocol,
        TlsOptions tls,
        SocketOptions socketOptions,
        Offloading offloading,
        Datagram datagram,
        List<ConnectionListener> connectionListeners,
        OffloadListeners offloadListeners) {

    /** Checks that every part is there and freezes the listeners. */
    public ServerSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Objects.requireNonNull(socketOptions, "socketOptions");
        Objects.requireNonNull(offloading, "offloading");
        Objects.requireNonNull(datagram, "datagram");
        connectionListeners = List.copyOf(connectionListeners);
        Objects.requireNonNull(offloadListeners, "offloadListeners");
    }

    /**
     * Returns the server's transport.
     *
     * @return {@code UDP} when a datagram handler or factory serves it, else {@code TCP}
     */
    public ServerProtocol protocol() {
        return this.datagram.isServed() ? ServerProtocol.UDP : ServerProtocol.TCP;
    }

    /**
     * How the listening socket is opened.
     *
     * @param backlog the maximum length of the queue of pending connections, at least 1
     * @param reuseAddress whether SO_REUSEADDR is set (TCP only)
     * @param spread whether connections are spread over every loop of the group, or kept on the first loop
     */
    public record Listen(int backlog, boolean reuseAddress, boolean spread) {

        /** The defaults: the core's backlog, the address reused, connections spread. */
        public static final Listen DEFAULTS = new Listen(ServerDispatcher.DEFAULT_BACKLOG, true, true);

        /** Checks the backlog. */
        public Listen {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
            }
        }

        Listen withBacklog(int value) {
            return new Listen(value, this.reuseAddress, this.spread);
        }

        Listen withReuseAddress(boolean value) {
            return new Listen(this.backlog, value, this.spread);
        }

        Listen withSpread(boolean value) {
            return new Listen(this.backlog, this.reuseAddress, value);
        }
    }

    /**
     * What the server admits, and what one accepted connection may hold.
     *
     * @param addressRules the rules that admit or refuse clients by address; {@link AddressRules#ALLOW_ALL} for none
     * @param maxConnections the limit of open accepted channels, 0 for none
     * @param maxConnectionsPerAddress the limit of open connections per client address, 0 for none
     * @param idleTimeout the time without traffic after which a channel is closed, or null for none
     * @param maxQueuedBytes the most bytes all accepted channels together may hold queued for output, 0 for none
     */
    public record Limits(
            AddressRules addressRules,
            int maxConnections,
            int maxConnectionsPerAddress,
            Duration idleTimeout,
            long maxQueuedBytes) {

        /** No limits: every client admitted, no caps, no idle timeout, no output budget. */
        public static final Limits NONE = new Limits(AddressRules.ALLOW_ALL, 0, 0, null, 0);

        /** Checks each limit. */
        public Limits {
            Objects.requireNonNull(addressRules, "addressRules");
            if (maxConnections < 0) {
                throw new IllegalArgumentException(
                        "maxConnections must be 0 (no limit) or more, was " + maxConnections);
            }
            if (maxConnectionsPerAddress < 0) {
                throw new IllegalArgumentException(
                        "maxConnectionsPerAddress must be 0 (no limit) or more, was " + maxConnectionsPerAddress);
            }
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
                throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
            }
            if (maxQueuedBytes < 0) {
                throw new IllegalArgumentException(
                        "maxQueuedBytes must be 0 (no budget) or more, was " + maxQueuedBytes);
            }
        }

        Limits withAddressRules(AddressRules value) {
            return new Limits(
                    value, this.maxConnections, this.maxConnectionsPerAddress, this.idleTimeout, this.maxQueuedBytes);
        }

        Limits withMaxConnections(int value) {
            return new Limits(
                    this.addressRules, value, this.maxConnectionsPerAddress, this.idleTimeout, this.maxQueuedBytes);
        }

        Limits withMaxConnectionsPerAddress(int value) {
            return new Limits(this.addressRules, this.maxConnections, value, this.idleTimeout, this.maxQueuedBytes);
        }

        Limits withIdleTimeout(Duration value) {
            return new Limits(
                    this.addressRules, this.maxConnections, this.maxConnectionsPerAddress, value, this.maxQueuedBytes);
        }

        Limits withMaxQueuedBytes(long value) {
            return new Limits(
                    this.addressRules, this.maxConnections, this.maxConnectionsPerAddress, this.idleTimeout, value);
        }
    }

    /**
     * Whether each connection begins with a PROXY protocol header from a load balancer, and which ones may send it.
     *
     * @param enabled whether the header is read before the handler is made
     * @param timeout how long a connection may take to send it, positive
     * @param trusted the proxies trusted to send it; {@link AddressRules#ALLOW_ALL} to trust any peer
     */
    public record ProxyProtocol(boolean enabled, Duration timeout, AddressRules trusted) {

        /** Off, with the core's header timeout and any peer trusted. */
        public static final ProxyProtocol OFF =
                new ProxyProtocol(false, ServerDispatcher.DEFAULT_PROXY_PROTOCOL_TIMEOUT, AddressRules.ALLOW_ALL);

        /** Checks the timeout and the trusted proxies. */
        public ProxyProtocol {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("proxyProtocolTimeout must be positive, was " + timeout);
            }
            Objects.requireNonNull(trusted, "trusted");
        }

        /**
         * Returns whether any peer may send the header, and so claim any client address.
         *
         * @return true if the header is read and no proxy is named
         */
        public boolean trustsAnyPeer() {
            return this.enabled && this.trusted.isEmpty();
        }

        ProxyProtocol withEnabled(boolean value) {
            return new ProxyProtocol(value, this.timeout, this.trusted);
        }

        ProxyProtocol withTimeout(Duration value) {
            return new ProxyProtocol(this.enabled, value, this.trusted);
        }

        ProxyProtocol withTrusted(AddressRules value) {
            return new ProxyProtocol(this.enabled, this.timeout, value);
        }
    }

    /**
     * The offload the server's connections hand their blocking calls to.
     *
     * @param offload the offload, or null for asyncore's default one
     * @param executor what runs its calls, as the endpoint names it (a bean name, or {@code asyncore}), or null
     */
    public record Offloading(Offload offload, String executor) {

        /** No offload of the server's own: asyncore's default one. */
        public static final Offloading DEFAULT = new Offloading(null, null);
    }

    /**
     * What serves a UDP server, and the bounds of its {@link DatagramServer}.
     *
     * @param handler answers each datagram (a {@link DatagramServer} serves it), or null
     * @param factory makes the dispatcher of the bound socket, or null
     * @param readBudget the datagrams read per read event, at least 1
     * @param queueDatagrams the most replies the output queue holds, at least 1
     * @param queueBytes the most bytes the output queue holds, at least 1
     * @param maxRatePerSource the datagrams a second one source address may have answered, 0 for no limit
     * @param burstPerSource the datagrams one source may send at once above its rate, at least 1 when a rate is set
     */
    public record Datagram(
            DatagramHandler handler,
            DatagramDispatcherFactory factory,
            int readBudget,
            int queueDatagrams,
            int queueBytes,
            int maxRatePerSource,
            int burstPerSource) {

        /** A TCP server's: nothing serves datagrams; the core's bounds. */
        public static final Datagram NONE = new Datagram(
                null,
                null,
                DatagramServer.DEFAULT_READ_BUDGET,
                DatagramServer.DEFAULT_QUEUE_DATAGRAMS,
                DatagramServer.DEFAULT_QUEUE_BYTES,
                0,
                0);

        /** Checks the bounds. */
        public Datagram {
            if (readBudget < 1) {
                throw new IllegalArgumentException("readBudget must be at least 1, was " + readBudget);
            }
            if (queueDatagrams < 1 || queueBytes < 1) {
                throw new IllegalArgumentException("queue limits must be at least 1, were " + queueDatagrams
                        + " datagrams and " + queueBytes + " bytes");
            }
            if (maxRatePerSource < 0 || burstPerSource < 0 || (maxRatePerSource > 0 && burstPerSource < 1)) {
                throw new IllegalArgumentException(
                        "the rate per source must be 0 or more and the burst at least 1, were " + maxRatePerSource
                                + " and " + burstPerSource);
            }
        }

        /**
         * Returns whether a handler or a factory serves the datagrams, which makes the server a UDP server.
         *
         * @return true for a UDP server
         */
        public boolean isServed() {
            return this.handler != null || this.factory != null;
        }

        Datagram served(DatagramHandler value) {
            return new Datagram(
                    Objects.requireNonNull(value, "handler"),
                    null,
                    this.readBudget,
                    this.queueDatagrams,
                    this.queueBytes,
                    this.maxRatePerSource,
                    this.burstPerSource);
        }

        Datagram served(DatagramDispatcherFactory value) {
            return new Datagram(
                    null,
                    Objects.requireNonNull(value, "factory"),
                    this.readBudget,
                    this.queueDatagrams,
                    this.queueBytes,
                    this.maxRatePerSource,
                    this.burstPerSource);
        }

        Datagram withReadBudget(int value) {
            return new Datagram(
                    this.handler,
                    this.factory,
                    value,
                    this.queueDatagrams,
                    this.queueBytes,
                    this.maxRatePerSource,
                    this.burstPerSource);
        }

        Datagram withQueueLimits(int datagrams, int bytes) {
            return new Datagram(
                    this.handler,
                    this.factory,
                    this.readBudget,
                    datagrams,
                    bytes,
                    this.maxRatePerSource,
                    this.burstPerSource);
        }

        Datagram withRateLimitPerSource(int perSecond, int burst) {
            return new Datagram(
                    this.handler,
                    this.factory,
                    this.readBudget,
                    this.queueDatagrams,
                    this.queueBytes,
                    perSecond,
                    burst);
        }
    }
}
