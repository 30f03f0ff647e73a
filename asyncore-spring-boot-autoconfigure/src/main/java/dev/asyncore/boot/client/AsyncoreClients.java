package dev.asyncore.boot.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ClientConnectorListener;
import dev.asyncore.handler.ClientState;
import dev.asyncore.handler.ClientStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The clients declared under {@code asyncore.clients}, by name, in declaration order: started together when the
 * application is ready and stopped together, gracefully, when it closes. Any thread.
 */
public class AsyncoreClients {

    private static final Log logger = LogFactory.getLog(AsyncoreClients.class);

    private final Map<String, AsyncoreClient> clients = new LinkedHashMap<>();
    private final Object stopped = new Object();

    /**
     * Holds the clients.
     *
     * @param clients the clients, not started
     */
    public AsyncoreClients(List<AsyncoreClient> clients) {
        ClientConnectorListener wake = new ClientConnectorListener() {
            @Override
            public void stateChanged(ClientConnector connector, ClientStatus status) {
                if (status.state() == ClientState.STOPPED) {
                    synchronized (AsyncoreClients.this.stopped) {
                        AsyncoreClients.this.stopped.notifyAll();
                    }
                }
            }
        };
        for (AsyncoreClient client : clients) {
            this.clients.put(client.name(), client);
            client.connector().addListener(wake);
        }
    }

    /** The clients by name, in declaration order. Any thread. */
    public Map<String, AsyncoreClient> all() {
        return Collections.unmodifiableMap(this.clients);
    }

    /** Starts connecting every client. Any thread; idempotent. */
    public void start() {
        this.clients.values().forEach((client) -> client.connector().start());
    }

    /**
     * Stops every client and waits until their connections have closed. Any thread but a loop's; idempotent.
     *
     * @param timeout how long to wait for the connections to close
     * @return true if every client stopped in time
     */
    public boolean stop(Duration timeout) {
        this.clients.values().forEach((client) -> client.connector().stop());
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.stopped) {
            while (!allStopped()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    logger.info("asyncore clients not closed within " + timeout + "; the loop closes them");
                    return false;
                }
                try {
                    this.stopped.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private boolean allStopped() {
        return this.clients.values().stream().allMatch((c) -> c.connector().state() == ClientState.STOPPED);
    }
}
