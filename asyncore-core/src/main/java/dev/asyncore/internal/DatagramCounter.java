package dev.asyncore.internal;

/**
 * Where a datagram transport counts what it carries: the write side of the read-only {@code DatagramStats}, which
 * implements it privately and hands it over in {@code DatagramStats.attach} and through
 * {@link ApiAccess#counter(dev.asyncore.DatagramStats)}. Called on the loop thread that reads and
 * writes the socket.
 */
public interface DatagramCounter {

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
