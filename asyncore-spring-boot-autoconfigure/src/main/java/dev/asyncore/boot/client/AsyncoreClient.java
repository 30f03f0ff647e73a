package dev.asyncore.boot.client;

import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ClientConnectorListener;
import dev.asyncore.handler.ClientState;
import dev.asyncore.handler.ClientStatus;
import dev.asyncore.handler.ConnectOutcome;

/**
 * One client declared under {@code asyncore.clients.<name>}: its connector, whether its health joins readiness, and its
 * attempts counted by outcome. Any thread.
 */
public final class AsyncoreClient {

    private final ClientConnector connector;
    private final boolean readiness;
    private final Map<ConnectOutcome, LongAdder> attempts = new EnumMap<>(ConnectOutcome.class);

    /**
     * Wraps a connector and starts counting its attempts. Any thread, before the connector starts.
     *
     * @param connector the connector
     * @param readiness whether the application is ready only while it is connected
     */
    public AsyncoreClient(ClientConnector connector, boolean readiness) {
        this.connector = connector;
        this.readiness = readiness;
        for (ConnectOutcome outcome : ConnectOutcome.values()) {
            this.attempts.put(outcome, new LongAdder());
        }
        connector.addListener(new ClientConnectorListener() {
            @Override
            public void connectAttempted(
                    ClientConnector c, SocketAddress address, ConnectOutcome outcome, Throwable failure) {
                AsyncoreClient.this.attempts.get(outcome).increment();
            }
        });
    }

    /** The client's name. Any thread. */
    public String name() {
        return this.connector.name();
    }

    /** The connector. Any thread. */
    public ClientConnector connector() {
        return this.connector;
    }

    /** The connector's status now. Any thread. */
    public ClientStatus status() {
        return this.connector.status();
    }

    /** Whether the connection is up. Any thread. */
    public boolean isConnected() {
        return this.connector.state() == ClientState.CONNECTED;
    }

    /** Whether the application is ready only while this client is connected. Any thread. */
    public boolean isReadiness() {
        return this.readiness;
    }

    /**
     * How many connect attempts ended so. Any thread.
     *
     * @param outcome the outcome
     * @return the count so far
     */
    public long attempts(ConnectOutcome outcome) {
        return this.attempts.get(outcome).sum();
    }
}
