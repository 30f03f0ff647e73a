package dev.asyncore.boot.actuate;

import java.util.Locale;

import dev.asyncore.boot.client.AsyncoreClient;
import dev.asyncore.boot.client.AsyncoreClients;
import dev.asyncore.handler.ConnectOutcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the clients, tagged by {@code client}: {@code asyncore.client.connects} (attempts, also tagged by
 * {@code outcome}: success, refused, timeout, error), {@code asyncore.client.reconnects}, the gauge
 * {@code asyncore.client.connected} (1 or 0) and {@code asyncore.client.bytes.received}/{@code .sent}. Every meter reads
 * figures the connectors keep for cross-thread reading; nothing is counted on the loop for the registry.
 */
public class AsyncoreClientMetrics implements MeterBinder {

    private final AsyncoreClients clients;

    /**
     * Creates the binder.
     *
     * @param clients the clients
     */
    public AsyncoreClientMetrics(AsyncoreClients clients) {
        this.clients = clients;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.clients.all().forEach((name, client) -> bind(registry, name, client));
    }

    private static void bind(MeterRegistry registry, String name, AsyncoreClient client) {
        for (ConnectOutcome outcome : ConnectOutcome.values()) {
            FunctionCounter.builder("asyncore.client.connects", client, (c) -> c.attempts(outcome))
                    .description("Connect attempts of the client, by outcome")
                    .tags("client", name, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        FunctionCounter.builder(
                        "asyncore.client.reconnects", client, (c) -> c.status().reconnects())
                .description("Attempts scheduled after a failure or a dropped connection")
                .tag("client", name)
                .register(registry);
        Gauge.builder("asyncore.client.connected", client, (c) -> c.isConnected() ? 1 : 0)
                .description("Whether the client's connection is up (1) or not (0)")
                .tag("client", name)
                .register(registry);
        FunctionCounter.builder(
                        "asyncore.client.bytes.received",
                        client,
                        (c) -> c.connector().bytesReceived())
                .description("Bytes the client read")
                .baseUnit("bytes")
                .tag("client", name)
                .register(registry);
        FunctionCounter.builder(
                        "asyncore.client.bytes.sent",
                        client,
                        (c) -> c.connector().bytesSent())
                .description("Bytes the client sent")
                .baseUnit("bytes")
                .tag("client", name)
                .register(registry);
    }
}
