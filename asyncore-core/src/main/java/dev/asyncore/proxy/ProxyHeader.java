package dev.asyncore.proxy;

import java.net.SocketAddress;

/**
 * A parsed PROXY protocol header. Immutable; any thread.
 *
 * @param version 1 (text) or 2 (binary)
 * @param command {@link Command#PROXY} for a relayed connection, {@link Command#LOCAL} for one the balancer opened itself
 * @param source the client's address: an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}; null for
 *     {@code LOCAL}, for v1 {@code UNKNOWN} and for v2 {@code AF_UNSPEC}, where the connection's own address is the one to use
 * @param destination the address the client connected to, null when {@code source} is
 */
public record ProxyHeader(int version, Command command, SocketAddress source, SocketAddress destination) {

    /** The command of a header. */
    public enum Command {
        /** The balancer relays a client's connection; the addresses are the client's and the one it connected to. */
        PROXY,
        /** The balancer opened the connection itself (a health check): use the connection's own addresses. */
        LOCAL
    }

    /**
     * The client's address if the header carries one, else the given one (the connection's peer, that is the balancer).
     *
     * @param peer the address of the connection's peer
     * @return the address to treat as the client's
     */
    public SocketAddress sourceOr(SocketAddress peer) {
        return source != null ? source : peer;
    }
}
