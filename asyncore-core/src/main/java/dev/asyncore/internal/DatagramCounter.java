package dev.asyncore.internal;

import java.util.function.LongSupplier;

import dev.asyncore.Dispatcher;

/**
 * Where a datagram transport counts what it carries: the write side of the read-only {@code DatagramStats}, which
 * implements it privately and hands it over through {@link ApiAccess#counter(dev.asyncore.DatagramStats)}. Called on
 * the loop thread that reads and writes the socket, or before that loop runs.
 */
public interface DatagramCounter {

    /**
     * Makes a datagram dispatcher count its traffic in these figures. Called by {@code DatagramServer} as it opens, and
     * for a factory's dispatcher a container serves; loop thread, or before the loop runs.
     *
     * @param dispatcher a dispatcher whose socket is a datagram socket
     * @throws IllegalStateException if it has no datagram socket
     */
    void attach(Dispatcher dispatcher);

    /**
     * Sets where the figures read the datagrams the system dropped before the socket read them. Called with
     * {@link #attach}; any thread.
     *
     * @param source the source; it answers -1 when it cannot tell
     */
    void receiveDroppedSource(LongSupplier source);

    /**
     * Counts a datagram received. Called by the datagram transport, loop thread.
     *
     * @param bytes its size
     */
    void received(int bytes);

    /**
     * Counts a datagram sent. Called by the datagram transport, loop thread.
     *
     * @param bytes its size
     */
    void sent(int bytes);

    /** Counts a datagram dropped because the output queue was full. Called by {@code DatagramServer}, loop thread. */
    void dropped();
}
