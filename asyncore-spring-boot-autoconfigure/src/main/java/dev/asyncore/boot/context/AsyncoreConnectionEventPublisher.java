package dev.asyncore.boot.context;

import dev.asyncore.Dispatcher;
import dev.asyncore.handler.ConnectionListener;
import dev.asyncore.handler.ServerDispatcher;
import org.springframework.context.ApplicationContext;

/**
 * Publishes an {@link AsyncoreConnectionOpenedEvent} and an {@link AsyncoreConnectionClosedEvent} for each connection of one
 * named server. Called on the loop thread; added by the auto-configuration for servers with
 * {@code asyncore.servers.<name>.connection-events=true}.
 */
public final class AsyncoreConnectionEventPublisher implements ConnectionListener {

    private final ApplicationContext context;

    private final String serverName;

    /**
     * Creates the publisher. Any thread.
     *
     * @param context the context to publish in
     * @param serverName the server's name under {@code asyncore.servers}
     */
    public AsyncoreConnectionEventPublisher(ApplicationContext context, String serverName) {
        this.context = context;
        this.serverName = serverName;
    }

    @Override
    public void connectionOpened(ServerDispatcher server, Dispatcher handler) {
        this.context.publishEvent(new AsyncoreConnectionOpenedEvent(this.context, this.serverName, handler.addr()));
    }

    @Override
    public void connectionClosed(ServerDispatcher server, Dispatcher handler, Throwable cause) {
        this.context.publishEvent(
                new AsyncoreConnectionClosedEvent(this.context, this.serverName, handler.addr(), cause));
    }

    @Override
    public String toString() {
        return "AsyncoreConnectionEventPublisher[" + this.serverName + "]";
    }
}
