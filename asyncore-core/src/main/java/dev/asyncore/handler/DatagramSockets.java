package dev.asyncore.handler;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;

import dev.asyncore.DatagramStats;
import dev.asyncore.Dispatcher;

/** Opens and watches bound UDP sockets for dispatchers made by a {@link DatagramDispatcherFactory}. Any thread. */
public final class DatagramSockets {

    private DatagramSockets() {}

    /**
     * Opens a non-blocking datagram channel bound to an address, as {@link DatagramServer#open} binds: a wildcard through
     * one dual-stack IPv6 socket where the machine has IPv6, and no {@code SO_REUSEADDR}. Nothing stays open on failure.
     *
     * @param address where to receive; port 0 picks a free port
     * @param receiveBufferSize {@code SO_RCVBUF}, or 0 for the system's default
     * @param sendBufferSize {@code SO_SNDBUF}, or 0 for the system's default
     * @return the bound channel
     * @throws IOException if it cannot be bound ({@link BindException} when in use)
     */
    public static DatagramChannel open(SocketAddress address, int receiveBufferSize, int sendBufferSize)
            throws IOException {
        DatagramChannel channel = ServerSockets.open(address, DatagramChannel::open);
        try {
            channel.configureBlocking(false);
            ServerSockets.setBufferSizes(channel, receiveBufferSize, sendBufferSize);
            channel.bind(address);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /**
     * Counts a datagram dispatcher's traffic in new figures, with the system's receive drops of its socket where the
     * system tells them. Loop thread, or before the loop runs.
     *
     * @param dispatcher a dispatcher on a bound datagram socket
     * @return the figures
     * @throws IOException if the socket is closed
     */
    public static DatagramStats watch(Dispatcher dispatcher) throws IOException {
        DatagramStats stats = new DatagramStats();
        stats.attach(dispatcher);
        stats.setReceiveDroppedSource(ReceiveDrops.of(((DatagramChannel) dispatcher.socket()).getLocalAddress()));
        return stats;
    }
}
