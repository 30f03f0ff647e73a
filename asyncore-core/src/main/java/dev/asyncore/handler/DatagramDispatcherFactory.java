package dev.asyncore.handler;

import java.net.BindException;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;

import dev.asyncore.DatagramStats;
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

    /**
     * Binds a non-blocking UDP socket as {@link DatagramServer#open} binds (a wildcard through one dual-stack IPv6 socket
     * where the machine has IPv6, no {@code SO_REUSEADDR}), makes this factory's dispatcher on it, and counts its traffic
     * in new figures, with the system's receive drops of the socket where the system tells them. Nothing stays open on
     * failure. Loop thread of {@code map}, or before its loop runs.
     *
     * @param map the map the dispatcher joins
     * @param address where to receive; port 0 picks a free port
     * @param receiveBufferSize {@code SO_RCVBUF}, or 0 for the system's default
     * @param sendBufferSize {@code SO_SNDBUF}, or 0 for the system's default
     * @return the dispatcher and its figures
     * @throws Exception what binding ({@link BindException} when the address is in use) or {@link #create} threw
     */
    default Served serve(DispatcherMap map, SocketAddress address, int receiveBufferSize, int sendBufferSize)
            throws Exception {
        return DatagramSockets.serve(this, map, address, receiveBufferSize, sendBufferSize);
    }

    /**
     * A dispatcher a factory made on a socket {@link #serve} bound, and the figures that count its traffic.
     *
     * @param dispatcher the dispatcher, a member of the map
     * @param stats its figures, readable on any thread
     */
    record Served(Dispatcher dispatcher, DatagramStats stats) {}
}
