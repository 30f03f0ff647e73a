package dev.asyncore.boot.actuate;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.BlockedLoop;
import dev.asyncore.DatagramStats;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Offload;
import dev.asyncore.TlsProvider;
import dev.asyncore.boot.client.AsyncoreClients;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.ServerProtocol;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The read-only {@code asyncore} Actuator endpoint: the loop's state, the channel counts by state (totals over the loops), each
 * loop's thread, passes and channel counts, and each server's address and connection counts (totals over the loops).
 * A UDP server shows its datagram counts. Shows counts and server state only, never peer addresses or payloads.
 *
 * <p>Not exposed over HTTP unless the user includes it ({@code management.endpoints.web.exposure.include=health,asyncore}).
 * Operations may be called from any thread: they read counters the core keeps for cross-thread reading and never stop or slow
 * the loop.
 */
@Endpoint(id = "asyncore")
public class AsyncoreEndpoint {

    private final AsyncLoop loop;

    private final AsyncoreServers servers;

    private final AsyncLoopGroup group;

    private volatile AsyncoreClients clients;

    /**
     * Creates the endpoint.
     *
     * @param loop the managed loop
     * @param servers the named servers, or null when none are managed
     */
    public AsyncoreEndpoint(AsyncLoop loop, AsyncoreServers servers) {
        this(loop, servers, null);
    }

    /**
     * Creates the endpoint of several loops.
     *
     * @param loop the managed loop (the group's first)
     * @param servers the named servers, or null when none are managed
     * @param group the managed loops, or null for {@code loop} alone
     */
    public AsyncoreEndpoint(AsyncLoop loop, AsyncoreServers servers, AsyncLoopGroup group) {
        this.loop = loop;
        this.servers = servers;
        this.group = group != null ? group : new AsyncLoopGroup(List.of(loop));
    }

    /**
     * Adds the clients to the description. Called once, as the endpoint is made.
     *
     * @param clients the clients under {@code asyncore.clients}, or null when none are managed
     */
    public void setClients(AsyncoreClients clients) {
        this.clients = clients;
    }

    /**
     * Describes the loop, its channels, every server and every client.
     *
     * @return the description
     */
    @ReadOperation
    public AsyncoreDescriptor asyncore() {
        LoopDescriptor loopDescriptor = describe(this.loop);
        List<LoopChannelsDescriptor> loops = new ArrayList<>(this.group.size());
        int total = 0;
        int listening = 0;
        int connected = 0;
        int connecting = 0;
        for (AsyncLoop each : this.group) {
            DispatcherMap map = each.map();
            ChannelsDescriptor counts =
                    new ChannelsDescriptor(map.total(), map.listening(), map.connected(), map.connecting());
            loops.add(new LoopChannelsDescriptor(describe(each), counts));
            total += counts.total();
            listening += counts.listening();
            connected += counts.connected();
            connecting += counts.connecting();
        }
        ChannelsDescriptor channels = new ChannelsDescriptor(total, listening, connected, connecting);
        Map<String, ServerDescriptor> described = new LinkedHashMap<>();
        if (this.servers != null) {
            this.servers.all().forEach((name, server) -> described.put(name, describe(server)));
        }
        return new AsyncoreDescriptor(loopDescriptor, channels, described, loops, ClientDescriptor.all(this.clients));
    }

    private static LoopDescriptor describe(AsyncLoop loop) {
        return new LoopDescriptor(
                loop.threadName(),
                loop.isRunning(),
                loop.usePoll() ? "poll" : "select",
                loop.passes(),
                loop.blockedCount(),
                BlockedDescriptor.of(loop.lastBlocked()));
    }

    /**
     * Describes one server.
     *
     * @param server the server's name under {@code asyncore.servers}
     * @return its description, or null (HTTP 404) when no server has that name
     */
    @ReadOperation
    public ServerDescriptor server(@Selector String server) {
        AsyncoreServer found = this.servers == null ? null : this.servers.get(server);
        return found == null ? null : describe(found);
    }

    private static ServerDescriptor describe(AsyncoreServer server) {
        SocketAddress address = server.getAddress();
        String host = null;
        Integer port = null;
        String path = null;
        if (address instanceof InetSocketAddress inet) {
            host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            port = server.getPort() >= 0 ? server.getPort() : inet.getPort();
        } else if (address instanceof UnixDomainSocketAddress unix) {
            path = unix.getPath().toString();
        }
        return new ServerDescriptor(
                host,
                port,
                path,
                server.isListening(),
                server.connections(),
                server.accepted(),
                server.rejected(),
                new RefusedDescriptor(
                        server.headerRefused(),
                        server.headerTimedOut(),
                        server.denied(),
                        server.untrustedProxy(),
                        server.rejectedPerAddress()),
                server.isProxyProtocol(),
                server.acceptErrors(),
                server.isAcceptBackingOff(),
                server.bytesReceived(),
                server.bytesSent(),
                server.getProtocol().name().toLowerCase(Locale.ROOT),
                DatagramsDescriptor.of(server.datagramStats()),
                TlsDescriptor.of(server),
                OutputDescriptor.of(server),
                OffloadDescriptor.of(server));
    }

    /**
     * The endpoint's whole answer.
     *
     * @param loop the first loop's state
     * @param channels channel counts, totals over the loops
     * @param servers each server by name
     * @param loops each loop with its own channel counts, in index order ({@code asyncore.loop.threads} of them)
     * @param clients each client by name
     */
    public record AsyncoreDescriptor(
            LoopDescriptor loop,
            ChannelsDescriptor channels,
            Map<String, ServerDescriptor> servers,
            List<LoopChannelsDescriptor> loops,
            Map<String, ClientDescriptor> clients)
            implements OperationResponseBody {}

    /**
     * One loop of the group and the channels it runs.
     *
     * @param loop the loop's thread, state and passes
     * @param channels the counts of its own map
     */
    public record LoopChannelsDescriptor(LoopDescriptor loop, ChannelsDescriptor channels) {}

    /**
     * The loop's state.
     *
     * @param threadName name of the loop thread
     * @param running whether the loop thread runs
     * @param dispatch {@code select} or {@code poll}
     * @param passes select/poll passes since the loop started
     * @param blocked episodes of one handler call holding the loop past {@code asyncore.loop.blocked-warning}
     * @param lastBlocked the last such episode, or null
     */
    public record LoopDescriptor(
            String threadName,
            boolean running,
            String dispatch,
            long passes,
            long blocked,
            BlockedDescriptor lastBlocked) {}

    /**
     * The last time a handler call held a loop past {@code asyncore.loop.blocked-warning}; the WARN of that episode has
     * the stack.
     *
     * @param handler the class of the handler (or task) that held the loop
     * @param durationMillis how long it held it
     * @param at when the episode began
     */
    public record BlockedDescriptor(String handler, long durationMillis, Instant at) {

        static BlockedDescriptor of(BlockedLoop blocked) {
            return blocked == null
                    ? null
                    : new BlockedDescriptor(
                            blocked.handler(), blocked.duration().toMillis(), blocked.at());
        }
    }

    /**
     * A server's offloaded calls; the same figures as the {@code asyncore.offload.*} metrics.
     *
     * @param executor what runs the calls: {@code applicationTaskExecutor}, another bean name, or {@code asyncore}
     * @param inFlight calls running on the executor now
     * @param waiting calls waiting for a place among the server's max-in-flight
     * @param completed calls that returned since start
     * @param failed calls that threw since start
     * @param rejected calls refused because the limits were reached
     * @param dropped results dropped because their connection had closed
     */
    public record OffloadDescriptor(
            String executor, long inFlight, long waiting, long completed, long failed, long rejected, long dropped) {

        static OffloadDescriptor of(AsyncoreServer server) {
            Offload offload = server.offload();
            return offload == null
                    ? null
                    : new OffloadDescriptor(
                            server.offloadExecutor(),
                            offload.inFlight(),
                            offload.waiting(),
                            offload.completed(),
                            offload.failed(),
                            offload.rejected(),
                            offload.dropped());
        }
    }

    /**
     * Channel counts of the managed map.
     *
     * @param total all channels
     * @param listening listening channels
     * @param connected connected channels
     * @param connecting channels still connecting
     */
    public record ChannelsDescriptor(int total, int listening, int connected, int connecting) {}

    /**
     * One server's state and counts.
     *
     * @param address bound IP address (TCP), else null
     * @param port bound port (TCP), else null
     * @param path socket path (UNIX domain), else null
     * @param listening whether it accepts connections
     * @param connections accepted channels open now
     * @param accepted connections accepted since start
     * @param rejected connections closed at once because {@code max-connections} was reached
     * @param refused connections closed before a handler existed, by reason
     * @param proxyProtocol whether each connection must begin with a PROXY protocol header
     * @param acceptErrors accepts that failed (too many open files, no buffer space); the listener stayed open
     * @param acceptBackingOff whether accepting is backing off after a failed accept
     * @param bytesReceived bytes read from its accepted channels
     * @param bytesSent bytes written to its accepted channels
     * @param protocol {@code tcp} or {@code udp}
     * @param datagrams a UDP server's datagram counts, else null
     * @param tls whether its connections speak TLS, and its handshakes
     * @param output the output budget of a TCP server's connections, else null
     * @param offload its offloaded calls (a TCP server), else null
     */
    public record ServerDescriptor(
            String address,
            Integer port,
            String path,
            boolean listening,
            int connections,
            long accepted,
            long rejected,
            RefusedDescriptor refused,
            boolean proxyProtocol,
            long acceptErrors,
            boolean acceptBackingOff,
            long bytesReceived,
            long bytesSent,
            String protocol,
            DatagramsDescriptor datagrams,
            TlsDescriptor tls,
            OutputDescriptor output,
            OffloadDescriptor offload)
            implements OperationResponseBody {}

    /**
     * The output budget of a TCP server's connections; the same figures as the {@code asyncore.output.*} metrics.
     *
     * @param queuedBytes bytes its connections hold queued for output now, counted once per connection holding them
     * @param maxQueuedBytes the budget ({@code max-queued-bytes}), 0 for none
     * @param slowConsumerDrops connections closed as slow consumers because the budget was reached
     */
    public record OutputDescriptor(long queuedBytes, long maxQueuedBytes, long slowConsumerDrops) {

        static OutputDescriptor of(AsyncoreServer server) {
            return server.getProtocol() == ServerProtocol.UDP
                    ? null
                    : new OutputDescriptor(
                            server.queuedBytes(), server.getMaxQueuedBytes(), server.slowConsumerDrops());
        }
    }

    /**
     * A UDP server's datagram counts; the same figures as the {@code asyncore.datagrams.*} metrics.
     *
     * @param received datagrams received
     * @param sent datagrams sent
     * @param dropped replies dropped because the output queue was full (or the system refused them)
     * @param receiveDropped incoming datagrams the system dropped at the socket's full receive buffer; -1 where the
     *     system does not tell
     * @param droppedOwnSource incoming datagrams left unanswered because a UDP socket of this process sent them
     * @param droppedInvalidSource incoming datagrams left unanswered because they came from port 0, a broadcast or a
     *     multicast address
     * @param droppedRateLimited incoming datagrams left unanswered because their source passed
     *     {@code udp.max-rate-per-source}
     */
    public record DatagramsDescriptor(
            long received,
            long sent,
            long dropped,
            long receiveDropped,
            long droppedOwnSource,
            long droppedInvalidSource,
            long droppedRateLimited) {

        static DatagramsDescriptor of(DatagramStats stats) {
            return stats == null
                    ? null
                    : new DatagramsDescriptor(
                            stats.datagramsReceived(),
                            stats.datagramsSent(),
                            stats.datagramsDropped(),
                            stats.receiveDropped(),
                            stats.datagramsDroppedOwnSource(),
                            stats.datagramsDroppedInvalidSource(),
                            stats.datagramsDroppedRateLimited());
        }
    }

    /**
     * A server's TLS; the same figures as the {@code asyncore.tls.handshakes} metric.
     *
     * @param enabled whether accepted connections speak TLS ({@code ssl.bundle} is set)
     * @param handshakesCompleted TLS handshakes that finished since start
     * @param handshakesFailed TLS handshakes that failed since start: refused, timed out, not TLS, renegotiation, no
     *     common application protocol
     * @param provider the TLS implementation new connections use ({@code ssl.provider} resolved): {@code jdk} or
     *     {@code openssl}; null without TLS
     * @param serverNames the host names with a certificate of their own ({@code ssl.server-name-bundles}); the others
     *     get the default bundle's
     * @param applicationProtocols the protocols agreed with ALPN, in the server's order of preference
     */
    public record TlsDescriptor(
            boolean enabled,
            long handshakesCompleted,
            long handshakesFailed,
            String provider,
            List<String> serverNames,
            List<String> applicationProtocols) {

        static TlsDescriptor of(AsyncoreServer server) {
            TlsProvider provider = server.tlsProvider();
            return new TlsDescriptor(
                    server.isTls(),
                    server.tlsHandshakesCompleted(),
                    server.tlsHandshakesFailed(),
                    provider == null ? null : provider.name().toLowerCase(Locale.ROOT),
                    server.tlsServerNames(),
                    server.tlsApplicationProtocols());
        }
    }

    /**
     * Connections a server closed before any handler existed, by reason; the same figures as the
     * {@code asyncore.connections.refused} metric.
     *
     * @param proxyHeader the PROXY protocol header was missing or invalid
     * @param proxyHeaderTimeout the PROXY protocol header did not arrive within {@code proxy-protocol-timeout}
     * @param denied an {@code allow} or {@code deny} rule refused the client's address
     * @param untrustedProxy the peer is not in {@code proxy-protocol-trusted}; refused before its header was read
     * @param maxConnectionsPerAddress the client's address had {@code max-connections-per-address} open
     */
    public record RefusedDescriptor(
            long proxyHeader,
            long proxyHeaderTimeout,
            long denied,
            long untrustedProxy,
            long maxConnectionsPerAddress) {}
}
