package dev.asyncore.boot.context;

import java.net.SocketAddress;

import org.springframework.context.ApplicationContext;

/** A named server accepted a connection and made its handler. Published on the loop thread. */
public class AsyncoreConnectionOpenedEvent extends AsyncoreConnectionEvent {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the event.
     *
     * @param context the application context that runs the server
     * @param serverName the server's name under {@code asyncore.servers}
     * @param remoteAddress the client's address
     */
    public AsyncoreConnectionOpenedEvent(ApplicationContext context, String serverName, SocketAddress remoteAddress) {
        super(context, serverName, remoteAddress);
    }
}
