package dev.asyncore.boot.actuate;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.ServerProtocol;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer metrics of the managed loop and its servers, tagged only by server name and channel state (never per channel or per
 * peer): {@code asyncore.channels} (gauge; tags {@code server}, {@code state}), {@code asyncore.connections.accepted},
 * {@code asyncore.connections.rejected} and {@code asyncore.accept.errors} (counters; tag {@code server}),
 * {@code asyncore.connections.refused} (counter; tags {@code server} and {@code reason}: {@code proxy-header},
 * {@code proxy-header-timeout}, {@code denied}, {@code untrusted-proxy} or {@code max-connections-per-address}),
 * {@code asyncore.bytes.received} and {@code asyncore.bytes.sent} (counters in bytes; tag {@code server}),
 * {@code asyncore.loop.passes} (counter; tag {@code loop}, the loop thread's name) and {@code asyncore.loop.channels}
 * (gauge of the channels each loop runs; tag {@code loop}); the offload and blocked-loop meters of
 * {@link AsyncoreOffloadMetrics} ({@code asyncore.offload.*} by server, {@code asyncore.loop.blocked} by loop). The
 * {@code loop} tag has one value per loop thread ({@code asyncore.loop.threads}), so it stays bounded; server figures are
 * totals over the loops.
 * A UDP server has its own meters: see {@link AsyncoreDatagramMetrics}.
 *
 * <p>Channels that belong to no named server (client dispatchers, hand-written servers) are counted under
 * {@code server=none}. {@link #bindTo} runs on the thread that creates the registry; the meters are read on any thread from
 * counters the core keeps for cross-thread reading.
 */
public class AsyncoreMetrics implements MeterBinder {

    /** The {@code server} tag value of channels that belong to no named server. */
    public static final String NO_SERVER = "none";

    private final AsyncLoop loop;

    private final AsyncoreServers servers;

    private final AsyncLoopGroup group;

    /**
     * Creates the binder.
     *
     * @param loop the managed loop
     * @param servers the named servers, or null when none are managed
     */
    public AsyncoreMetrics(AsyncLoop loop, AsyncoreServers servers) {
        this(loop, servers, null);
    }

    /**
     * Creates the binder of several loops.
     *
     * @param loop the managed loop (the group's first)
     * @param servers the named servers, or null when none are managed
     * @param group the managed loops, or null for {@code loop} alone
     */
    public AsyncoreMetrics(AsyncLoop loop, AsyncoreServers servers, AsyncLoopGroup group) {
        this.loop = loop;
        this.servers = servers;
        this.group = group != null ? group : new AsyncLoopGroup(List.of(loop));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (this.servers != null) {
            this.servers.all().values().forEach((server) -> {
                if (server.getProtocol() == ServerProtocol.UDP) {
                    AsyncoreDatagramMetrics.bind(registry, server);
                } else {
                    bindServer(registry, server);
                    AsyncoreOffloadMetrics.bind(registry, server);
                }
            });
        }
        channels(
                registry,
                NO_SERVER,
                "listening",
                this,
                (m) -> Math.max(0, m.sum(DispatcherMap::listening) - m.serverListening()));
        channels(
                registry,
                NO_SERVER,
                "connected",
                this,
                (m) -> Math.max(0, m.sum(DispatcherMap::connected) - m.serverConnections()));
        channels(registry, NO_SERVER, "connecting", this, (m) -> m.sum(DispatcherMap::connecting));
        for (AsyncLoop each : this.group) {
            FunctionCounter.builder("asyncore.loop.passes", each, AsyncLoop::passes)
                    .description("Select or poll passes of the asyncore loop")
                    .tag("loop", each.threadName())
                    .register(registry);
            Gauge.builder("asyncore.loop.channels", each.map(), DispatcherMap::total)
                    .description("Channels the asyncore loop runs")
                    .tag("loop", each.threadName())
                    .register(registry);
            AsyncoreOffloadMetrics.bindBlocked(registry, each);
        }
    }

    private int sum(ToIntFunction<DispatcherMap> count) {
        int total = 0;
        for (AsyncLoop each : this.group) {
            total += count.applyAsInt(each.map());
        }
        return total;
    }

    private static void bindServer(MeterRegistry registry, AsyncoreServer server) {
        String name = server.getName();
        channels(registry, name, "listening", server, (s) -> s.isListening() ? 1 : 0);
        channels(registry, name, "connected", server, AsyncoreServer::connections);
        counter(
                registry,
                "asyncore.connections.accepted",
                "Connections accepted by the server",
                null,
                name,
                server,
                AsyncoreServer::accepted);
        counter(
                registry,
                "asyncore.connections.rejected",
                "Connections closed at once because max-connections was reached",
                null,
                name,
                server,
                AsyncoreServer::rejected);
        refused(registry, name, "proxy-header", server, AsyncoreServer::headerRefused);
        refused(registry, name, "proxy-header-timeout", server, AsyncoreServer::headerTimedOut);
        refused(registry, name, "denied", server, AsyncoreServer::denied);
        refused(registry, name, "untrusted-proxy", server, AsyncoreServer::untrustedProxy);
        refused(registry, name, "max-connections-per-address", server, AsyncoreServer::rejectedPerAddress);
        counter(
                registry,
                "asyncore.accept.errors",
                "Accepts that failed (too many open files, no buffer space); the listener stayed open and retried",
                null,
                name,
                server,
                AsyncoreServer::acceptErrors);
        counter(
                registry,
                "asyncore.bytes.received",
                "Bytes read from the server's accepted channels",
                "bytes",
                name,
                server,
                AsyncoreServer::bytesReceived);
        counter(
                registry,
                "asyncore.bytes.sent",
                "Bytes written to the server's accepted channels",
                "bytes",
                name,
                server,
                AsyncoreServer::bytesSent);
        output(registry, name, server);
        if (server.isTls()) {
            handshakes(registry, name, "completed", server, AsyncoreServer::tlsHandshakesCompleted);
            handshakes(registry, name, "failed", server, AsyncoreServer::tlsHandshakesFailed);
        }
    }

    /** The output budget of the server's connections: bytes in use, the budget, and the slow consumers it closed. */
    private static void output(MeterRegistry registry, String name, AsyncoreServer server) {
        Gauge.builder("asyncore.output.queued", server, AsyncoreServer::queuedBytes)
                .description("Bytes the server's connections hold queued for output, counted once per connection")
                .baseUnit("bytes")
                .tag("server", name)
                .register(registry);
        Gauge.builder("asyncore.output.budget", server, AsyncoreServer::getMaxQueuedBytes)
                .description("The most bytes the server's connections may hold queued (max-queued-bytes), 0 for none")
                .baseUnit("bytes")
                .tag("server", name)
                .register(registry);
        counter(
                registry,
                "asyncore.output.slow-consumer-drops",
                "Connections closed as slow consumers because max-queued-bytes was reached",
                null,
                name,
                server,
                AsyncoreServer::slowConsumerDrops);
    }

    private static void handshakes(
            MeterRegistry registry,
            String server,
            String outcome,
            AsyncoreServer source,
            ToDoubleFunction<AsyncoreServer> value) {
        FunctionCounter.builder("asyncore.tls.handshakes", source, value)
                .description("TLS handshakes of the server's connections, by outcome: completed, or failed (refused, "
                        + "timed out, not TLS, renegotiation)")
                .tags(Tags.of("server", server, "outcome", outcome))
                .register(registry);
    }

    private static void refused(
            MeterRegistry registry,
            String server,
            String reason,
            AsyncoreServer source,
            ToDoubleFunction<AsyncoreServer> value) {
        FunctionCounter.builder("asyncore.connections.refused", source, value)
                .description("Connections closed before a handler existed: PROXY protocol header missing, invalid or "
                        + "late, or from an untrusted proxy; the client's address denied or at its connection limit")
                .tags(Tags.of("server", server, "reason", reason))
                .register(registry);
    }

    private static <T> void channels(
            MeterRegistry registry, String server, String state, T source, ToDoubleFunction<T> value) {
        Gauge.builder("asyncore.channels", source, value)
                .description("Open asyncore channels")
                .tags(Tags.of("server", server, "state", state))
                .register(registry);
    }

    private static <T> void counter(
            MeterRegistry registry,
            String name,
            String description,
            String unit,
            String server,
            T source,
            ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value)
                .description(description)
                .baseUnit(unit)
                .tag("server", server)
                .register(registry);
    }

    private int serverListening() {
        int listening = 0;
        if (this.servers != null) {
            for (AsyncoreServer server : this.servers.all().values()) {
                listening += server.getProtocol() == ServerProtocol.TCP ? server.listeningSockets() : 0;
            }
        }
        return listening;
    }

    private int serverConnections() {
        int connections = 0;
        if (this.servers != null) {
            for (AsyncoreServer server : this.servers.all().values()) {
                connections += server.connections();
            }
        }
        return connections;
    }
}
