package dev.asyncore.boot.actuate;

import java.util.function.ToDoubleFunction;

import dev.asyncore.DatagramStats;
import dev.asyncore.boot.server.AsyncoreServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The meters of a UDP server, tagged by server name: {@code asyncore.channels} (gauge; {@code state=bound}, 1 while its
 * socket is open), {@code asyncore.datagrams.received} and {@code asyncore.datagrams.sent} (counters),
 * {@code asyncore.datagrams.dropped} (counter; tag {@code reason}: {@code queue-full} for replies the output queue had no
 * room for, {@code receive-buffer} for incoming datagrams the system dropped at the socket, where it tells,
 * {@code own-source}, {@code invalid-source} and {@code rate-limited} for incoming datagrams left unanswered), and
 * {@code asyncore.bytes.received}/{@code asyncore.bytes.sent} as for TCP. Bound on the thread that creates the registry;
 * read on any thread.
 */
final class AsyncoreDatagramMetrics {

    private AsyncoreDatagramMetrics() {}

    static void bind(MeterRegistry registry, AsyncoreServer server) {
        String name = server.getName();
        Gauge.builder("asyncore.channels", server, (s) -> s.isListening() ? 1 : 0)
                .description("Open asyncore channels")
                .tags(Tags.of("server", name, "state", "bound"))
                .register(registry);
        counter(
                registry,
                "asyncore.datagrams.received",
                "Datagrams received by the UDP server",
                null,
                server,
                null,
                DatagramStats::datagramsReceived);
        counter(
                registry,
                "asyncore.datagrams.sent",
                "Datagrams sent by the UDP server",
                null,
                server,
                null,
                DatagramStats::datagramsSent);
        counter(
                registry,
                "asyncore.datagrams.dropped",
                "Datagrams dropped: replies the output queue had no room for, or incoming datagrams the system "
                        + "dropped at the socket's full receive buffer",
                null,
                server,
                "queue-full",
                DatagramStats::datagramsDropped);
        counter(
                registry,
                "asyncore.datagrams.dropped",
                "Datagrams dropped: replies the output queue had no room for, or incoming datagrams the system "
                        + "dropped at the socket's full receive buffer",
                null,
                server,
                "receive-buffer",
                (s) -> Math.max(0, s.receiveDropped()));
        dropped(registry, server, "own-source", DatagramStats::datagramsDroppedOwnSource);
        dropped(registry, server, "invalid-source", DatagramStats::datagramsDroppedInvalidSource);
        dropped(registry, server, "rate-limited", DatagramStats::datagramsDroppedRateLimited);
        counter(
                registry,
                "asyncore.bytes.received",
                "Bytes read from the server's accepted channels",
                "bytes",
                server,
                null,
                DatagramStats::bytesReceived);
        counter(
                registry,
                "asyncore.bytes.sent",
                "Bytes written to the server's accepted channels",
                "bytes",
                server,
                null,
                DatagramStats::bytesSent);
    }

    private static void dropped(
            MeterRegistry registry, AsyncoreServer server, String reason, ToDoubleFunction<DatagramStats> value) {
        counter(
                registry,
                "asyncore.datagrams.dropped",
                "Datagrams dropped: replies the output queue had no room for, or incoming datagrams the system "
                        + "dropped at the socket's full receive buffer",
                null,
                server,
                reason,
                value);
    }

    private static void counter(
            MeterRegistry registry,
            String meter,
            String description,
            String unit,
            AsyncoreServer server,
            String reason,
            ToDoubleFunction<DatagramStats> value) {
        Tags tags = Tags.of("server", server.getName());
        if (reason != null) {
            tags = tags.and("reason", reason);
        }
        FunctionCounter.builder(meter, server, (s) -> {
                    DatagramStats stats = s.datagramStats();
                    return stats == null ? 0 : value.applyAsDouble(stats);
                })
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }
}
