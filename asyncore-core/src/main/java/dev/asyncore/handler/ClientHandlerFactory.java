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
     * {@code new Dispatcher(channel, map)} does. The connector then attaches its figures, the idle timeout and, over TLS,
     * the TLS transport, so a dispatcher that speaks first sends from a task it queues on the loop
     * ({@code loop().execute(...)} in its constructor), not from the constructor itself: then its greeting is counted
     * and encrypted. If it throws, the connection is closed and counted as a failed attempt.
     *
     * @param channel the connected channel
     * @param address the server's address
     * @param map the map of the connector's loop
     * @return the new dispatcher
     * @throws Exception anything; the connector closes the channel and tries again as its back-off says
     */
    Dispatcher create(SocketChannel channel, SocketAddress address, DispatcherMap map) throws Exception;
}
