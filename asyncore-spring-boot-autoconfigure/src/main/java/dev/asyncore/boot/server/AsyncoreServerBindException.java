package dev.asyncore.boot.server;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

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
                "asyncore server '" + serverName + "' could not bind " + describe(address) + ": " + cause.getMessage(),
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

    /**
     * Formats an address as people write it: {@code 127.0.0.1:7007}, {@code [::1]:7007}, {@code *:7007} or a socket path.
     *
     * @param address the address, may be null
     * @return its text
     */
    public static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        if (address instanceof java.net.InetSocketAddress inet) {
            String host = inet.getAddress() == null
                    ? inet.getHostString()
                    : inet.getAddress().isAnyLocalAddress()
                            ? "*"
                            : inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
