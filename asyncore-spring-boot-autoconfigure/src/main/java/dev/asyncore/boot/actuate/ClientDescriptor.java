package dev.asyncore.boot.actuate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.asyncore.SocketAddresses;
import dev.asyncore.boot.client.AsyncoreClient;
import dev.asyncore.boot.client.AsyncoreClients;
import dev.asyncore.handler.ClientStatus;

/**
 * One client in the {@code asyncore} endpoint.
 *
 * @param state CONNECTING, CONNECTED, WAITING or STOPPED
 * @param hosts the configured addresses, in order
 * @param address the address in use (or last tried), or null before the first attempt
 * @param connectedSince when the current connection came up, or null
 * @param reconnects attempts scheduled after a failure or a drop
 * @param lastError why the last attempt failed or the last connection closed, or null
 * @param nextAttempt when the next attempt is due while waiting, or null
 * @param bytesReceived bytes read over every connection
 * @param bytesSent bytes sent over every connection
 */
public record ClientDescriptor(
        String state,
        List<String> hosts,
        String address,
        Instant connectedSince,
        long reconnects,
        String lastError,
        Instant nextAttempt,
        long bytesReceived,
        long bytesSent) {

    /** Every client by name, or none. Any thread. */
    static Map<String, ClientDescriptor> all(AsyncoreClients clients) {
        Map<String, ClientDescriptor> described = new LinkedHashMap<>();
        if (clients != null) {
            clients.all().forEach((name, client) -> described.put(name, of(client)));
        }
        return described;
    }

    static ClientDescriptor of(AsyncoreClient client) {
        ClientStatus s = client.status();
        return new ClientDescriptor(
                s.state().name(),
                client.connector().addresses().stream()
                        .map(SocketAddresses::describe)
                        .toList(),
                s.address() == null ? null : SocketAddresses.describe(s.address()),
                s.connectedSince(),
                s.reconnects(),
                s.lastError() == null ? null : s.lastError().toString(),
                s.nextAttempt(),
                client.connector().bytesReceived(),
                client.connector().bytesSent());
    }
}
