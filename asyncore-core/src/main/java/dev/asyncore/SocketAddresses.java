package dev.asyncore;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
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

    /**
     * The protocol family an address belongs to: {@code UNIX} for a UNIX socket's path, {@code INET6} for an IPv6
     * address, else {@code INET}.
     *
     * @param address the address
     * @return its family
     */
    public static ProtocolFamily familyOf(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        if (address instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet6Address) {
            return StandardProtocolFamily.INET6;
        }
        return StandardProtocolFamily.INET;
    }

    /** Formats an address as Python's {@code repr} in a dispatcher's {@code toString}: {@code host:port}, {@code 'path'}. */
    static String repr(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return "'" + unix.getPath() + "'";
        }
        return String.valueOf(address);
    }
}
