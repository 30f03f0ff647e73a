package dev.asyncore;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** Formats socket addresses for logs, reports and {@code toString}, one way across the library. Any thread. */
public final class SocketAddresses {

    private SocketAddresses() {}

    /**
     * Formats an address as people write it: {@code 127.0.0.1:7007}, {@code [::1]:7007}, {@code *:7007} for all
     * interfaces, an unresolved host as given ({@code localhost:7007}), or a UNIX socket's path.
     *
     * @param address the address, may be null
     * @return its text ({@code "null"} for null)
     */
    public static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        if (address instanceof InetSocketAddress inet) {
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
