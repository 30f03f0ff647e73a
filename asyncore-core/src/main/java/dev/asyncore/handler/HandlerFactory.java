package dev.asyncore.handler;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;

/**
 * Makes the dispatcher that serves one accepted connection. Called on the loop thread by {@link ServerDispatcher}.
 */
@FunctionalInterface
public interface HandlerFactory {

    /**
     * Makes a dispatcher for an accepted connection; it must register itself in {@code map}, as
     * {@code new Dispatcher(channel, map)} does. If it throws, the connection is closed and counted as rejected.
     *
     * @param channel the accepted channel
     * @param address the client's address: the channel's peer, or, when the server reads the PROXY protocol, the address
     *     from the header
     * @param map the map of the server
     * @return the new dispatcher
     * @throws Exception anything; only this connection is affected
     */
    Dispatcher create(SocketChannel channel, SocketAddress address, DispatcherMap map) throws Exception;
}
