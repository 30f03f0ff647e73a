package dev.asyncore.boot.client;

import java.time.Duration;

import dev.asyncore.boot.context.AsyncoreGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Connects the clients once the loops run and the servers listen, and closes them gracefully before the servers drain: its
 * phase ({@link #PHASE}) is above the servers' graceful shutdown, so it starts after them and stops before them. Called by
 * the context on its start and stop threads.
 */
public class AsyncoreClientsLifecycle implements SmartLifecycle {

    /** Phase of the clients: after the servers' start, before their graceful shutdown, {@code Integer.MAX_VALUE - 512}. */
    public static final int PHASE = AsyncoreGracefulShutdownLifecycle.PHASE + 512;

    private final AsyncoreClients clients;
    private final Duration timeout;
    private volatile boolean running;

    /**
     * Creates the lifecycle.
     *
     * @param clients the clients
     * @param timeout how long their connections may take to close on shutdown ({@code asyncore.shutdown.timeout})
     */
    public AsyncoreClientsLifecycle(AsyncoreClients clients, Duration timeout) {
        this.clients = clients;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        this.clients.start();
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
        this.clients.stop(this.timeout);
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** A client bound to a port must not come back elsewhere: a cached test context is never paused. */
    @Override
    public boolean isPauseable() {
        return false;
    }
}
