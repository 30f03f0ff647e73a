package dev.asyncore.boot.context;

import java.net.SocketAddress;
import java.util.concurrent.TimeoutException;

import org.springframework.context.ApplicationContext;

/** A connection of a named server closed, with why. Published on the loop thread. */
public class AsyncoreConnectionClosedEvent extends AsyncoreConnectionEvent {

    private static final long serialVersionUID = 1L;

    private final transient Throwable cause;

    /**
     * Creates the event.
     *
     * @param context the application context that runs the server
     * @param serverName the server's name under {@code asyncore.servers}
     * @param remoteAddress the client's address
     * @param cause null for an orderly close, the handler's exception, or a {@code TimeoutException} for an idle timeout
     */
    public AsyncoreConnectionClosedEvent(
            ApplicationContext context, String serverName, SocketAddress remoteAddress, Throwable cause) {
        super(context, serverName, remoteAddress);
        this.cause = cause;
    }

    /**
     * Returns why the connection closed. Any thread.
     *
     * @return null for an orderly close (by either side, or a graceful shutdown); the exception that closed it; a
     *     {@link TimeoutException} when the idle timeout closed it
     */
    public Throwable getCause() {
        return this.cause;
    }
}
