package dev.asyncore.boot.context;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;

/**
 * Published once a named server has bound, with the address it bound; its port lands in the environment as
 * {@code local.asyncore.servers.<name>.port}.
 *
 * <p>Published on the thread that starts the application context, before the loop thread starts.
 */
public class AsyncoreServerInitializedEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final String serverName;

    private final transient SocketAddress address;

    /**
     * Creates the event.
     *
     * @param context the application context that runs the server
     * @param serverName the server's name under {@code asyncore.servers}
     * @param address the bound address: an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
     */
    public AsyncoreServerInitializedEvent(ApplicationContext context, String serverName, SocketAddress address) {
        super(context);
        this.serverName = serverName;
        this.address = address;
    }

    /**
     * Returns the application context that runs the server.
     *
     * @return the context
     */
    public ApplicationContext getApplicationContext() {
        return (ApplicationContext) getSource();
    }

    /**
     * Returns the server's name.
     *
     * @return the key under {@code asyncore.servers}
     */
    public String getServerName() {
        return this.serverName;
    }

    /**
     * Returns the bound address.
     *
     * @return an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
     */
    public SocketAddress getAddress() {
        return this.address;
    }

    /**
     * Returns the bound TCP or UDP port.
     *
     * @return the port, or -1 for a UNIX-domain server
     */
    public int getPort() {
        return this.address instanceof InetSocketAddress inet ? inet.getPort() : -1;
    }
}
