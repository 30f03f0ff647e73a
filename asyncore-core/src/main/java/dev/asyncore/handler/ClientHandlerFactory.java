package dev.asyncore.handler;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;

/**
 * Makes the dispatcher that serves one outbound connection of a {@link ClientConnector}, once its TCP connection is up.
 * Called on the loop thread; the counterpart of a server's {@link HandlerFactory}.
 */
@FunctionalInterface
public interface ClientHandlerFactory {

    /**
     * Makes a dispatcher for a connected channel; it must register itself in {@code map}, as
     * {@code new Dispatcher(channel, map)} does. Over TLS the connector starts TLS on it as soon as this returns, so its
     * constructor must not send (a buffering dispatcher may queue bytes: they leave once the handshake is done). If it
     * throws, the connection is closed and counted as a failed attempt.
     *
     * @param channel the connected channel
     * @param address the server's address
     * @param map the map of the connector's loop
     * @return the new dispatcher
     * @throws Exception anything; the connector closes the channel and tries again as its back-off says
     */
    Dispatcher create(SocketChannel channel, SocketAddress address, DispatcherMap map) throws Exception;
}
