package dev.asyncore.handler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;

import dev.asyncore.DatagramStats;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.DatagramCounter;

/**
 * Binds a UDP socket for a {@link DatagramDispatcherFactory}, makes its dispatcher and counts its traffic: the work of
 * {@link DatagramDispatcherFactory#serve}. Loop thread of the map, or before its loop runs.
 */
final class DatagramSockets {

    private DatagramSockets() {}

    /** Binds, makes the factory's dispatcher and its figures; nothing stays open on failure. */
    static DatagramDispatcherFactory.Served serve(
            DatagramDispatcherFactory factory,
            DispatcherMap map,
            SocketAddress address,
            int receiveBufferSize,
            int sendBufferSize)
            throws Exception {
        DatagramChannel channel = open(address, receiveBufferSize, sendBufferSize);
        Dispatcher made = null;
        try {
            made = factory.create(channel, map);
            return new DatagramDispatcherFactory.Served(made, watch(made));
        } catch (Exception | Error e) {
            if (made != null) {
                made.close();
            }
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Opens a non-blocking datagram channel bound to an address, as {@link DatagramServer#open} binds: a wildcard through
     * one dual-stack IPv6 socket where the machine has IPv6, and no {@code SO_REUSEADDR}. Nothing stays open on failure.
     */
    private static DatagramChannel open(SocketAddress address, int receiveBufferSize, int sendBufferSize)
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

    /** Counts a datagram dispatcher's traffic in new figures, with the system's receive drops where it tells them. */
    private static DatagramStats watch(Dispatcher dispatcher) throws IOException {
        DatagramStats stats = new DatagramStats();
        DatagramCounter counter = ApiAccess.counter(stats);
        counter.attach(dispatcher);
        counter.receiveDroppedSource(ReceiveDrops.of(((DatagramChannel) dispatcher.socket()).getLocalAddress()));
        return stats;
    }
}
