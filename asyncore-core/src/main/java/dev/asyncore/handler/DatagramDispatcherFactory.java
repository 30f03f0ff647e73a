package dev.asyncore.handler;

import java.nio.channels.DatagramChannel;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;

/**
 * Makes the dispatcher that serves a bound UDP socket, for a container (the Spring Boot starter) that binds the socket
 * itself. Called once per socket, on the loop thread.
 */
@FunctionalInterface
public interface DatagramDispatcherFactory {

    /**
     * Makes the dispatcher.
     *
     * @param channel the bound datagram channel, unconnected
     * @param map the map the dispatcher must join (pass it to {@code Dispatcher(SelectableChannel, DispatcherMap)})
     * @return the dispatcher, registered in {@code map}
     * @throws Exception anything: the socket is closed and the failure reported
     */
    Dispatcher create(DatagramChannel channel, DispatcherMap map) throws Exception;
}
