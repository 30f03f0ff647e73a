package dev.asyncore.boot.context;

import java.net.SocketAddress;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;

/**
 * A connection of a named server opened or closed; published only for servers with
 * {@code asyncore.servers.<name>.connection-events=true}. Published on the loop thread: a listener that does slow work
 * should hand it to another thread ({@code @Async}), since the loop waits for it.
 */
public abstract class AsyncoreConnectionEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final String serverName;

    private final transient SocketAddress remoteAddress;

    /**
     * Creates the event.
     *
     * @param context the application context that runs the server
     * @param serverName the server's name under {@code asyncore.servers}
     * @param remoteAddress the client's address (from the PROXY header when that is on)
     */
    protected AsyncoreConnectionEvent(ApplicationContext context, String serverName, SocketAddress remoteAddress) {
        super(context);
        this.serverName = serverName;
        this.remoteAddress = remoteAddress;
    }

    /**
     * Returns the server's name. Any thread.
     *
     * @return the key under {@code asyncore.servers}
     */
    public String getServerName() {
        return this.serverName;
    }

    /**
     * Returns the client's address. Any thread.
     *
     * @return the address, or null if it was not known
     */
    public SocketAddress getRemoteAddress() {
        return this.remoteAddress;
    }
}
