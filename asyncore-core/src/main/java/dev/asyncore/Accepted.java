package dev.asyncore;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * What {@link Dispatcher#accept()} returns: the new connection and the address of its peer (Python's {@code (conn, addr)}).
 *
 * @param channel the accepted channel, still in blocking mode as Python's accepted socket is
 * @param address the peer's address
 */
public record Accepted(SocketChannel channel, SocketAddress address) {}
