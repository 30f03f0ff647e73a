package dev.asyncore.boot.server;

import java.net.SocketAddress;

import dev.asyncore.SocketAddresses;

/**
 * Thrown when a named server cannot bind or listen; carries the server's name and address so that startup failures name them.
 *
 * <p>Raised on the thread that starts the server (the context-refresh thread or the loop thread).
 */
public class AsyncoreServerBindException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String serverName;

    private final transient SocketAddress address;

    /**
     * Creates the exception for server {@code serverName} that failed to bind {@code address}.
     *
     * @param serverName the server's name under {@code asyncore.servers}
     * @param address the address it tried to bind
     * @param cause the underlying failure, often a {@code java.net.BindException}
     */
    public AsyncoreServerBindException(String serverName, SocketAddress address, Throwable cause) {
        super(
                "asyncore server '" + serverName + "' could not bind " + SocketAddresses.describe(address) + ": "
                        + cause.getMessage(),
                cause);
        this.serverName = serverName;
        this.address = address;
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
     * Returns the address the server tried to bind.
     *
     * @return an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}
     */
    public SocketAddress getAddress() {
        return this.address;
    }
}
