package dev.asyncore.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.asyncore.SocketAddresses;
import dev.asyncore.boot.client.AsyncoreClient;
import dev.asyncore.boot.client.AsyncoreClients;
import dev.asyncore.handler.ClientState;
import dev.asyncore.handler.ClientStatus;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of one client: UP while connected; UNKNOWN while its very first attempt is still under way (neither up nor down
 * yet, so that an application starting beside its upstream does not report DOWN for the moment a connect takes); DOWN
 * once an attempt failed, while it connects again or waits to, and once it stopped, with the address, the last error and
 * the next attempt. Members of the {@code asyncoreClients} health component, one per client
 * ({@code /actuator/health/asyncoreClients/<name>}). Called by Actuator on any thread; reads the connector's published
 * status only.
 */
public class AsyncoreClientHealthIndicator extends AbstractHealthIndicator {

    private final AsyncoreClient client;

    /**
     * Creates the indicator of one client.
     *
     * @param client the client
     */
    public AsyncoreClientHealthIndicator(AsyncoreClient client) {
        super("asyncore client health check failed");
        this.client = client;
    }

    /**
     * The {@code asyncoreClients} component: one indicator per client, by name. Any thread.
     *
     * @param clients the clients
     * @return the composite
     */
    public static CompositeHealthContributor composite(AsyncoreClients clients) {
        Map<String, AsyncoreClientHealthIndicator> members = new LinkedHashMap<>();
        clients.all().forEach((name, client) -> members.put(name, new AsyncoreClientHealthIndicator(client)));
        return CompositeHealthContributor.fromMap(members);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ClientStatus status = this.client.status();
        builder.withDetail("state", status.state().name());
        if (status.address() != null) {
            builder.withDetail("address", SocketAddresses.describe(status.address()));
        }
        if (status.connectedSince() != null) {
            builder.withDetail("connectedSince", status.connectedSince());
        }
        builder.withDetail("reconnects", status.reconnects());
        if (status.lastError() != null) {
            builder.withDetail("lastError", status.lastError().toString());
        }
        if (status.nextAttempt() != null) {
            builder.withDetail("nextAttempt", status.nextAttempt());
        }
        if (status.state() == ClientState.CONNECTED) {
            builder.up();
        } else if (isFirstAttempt(status)) {
            builder.unknown();
        } else {
            builder.down();
        }
    }

    /** The first attempt since the client started has not ended: nothing failed and nothing was connected yet. */
    private static boolean isFirstAttempt(ClientStatus status) {
        return status.state() == ClientState.CONNECTING && status.reconnects() == 0 && status.lastError() == null;
    }
}
