package dev.asyncore.internal;

/**
 * Where a datagram transport and a server's source filter count what they carry and refuse: the write side of the
 * read-only {@code DatagramStats}. Called on the loop thread that reads and writes the socket.
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

    /** Counts an incoming datagram refused because a socket of this process sent it. Source filter, loop thread. */
    void droppedOwnSource();

    /** Counts an incoming datagram refused for its source (port 0, broadcast, multicast). Source filter, loop thread. */
    void droppedInvalidSource();

    /** Counts an incoming datagram refused because its source passed its rate. Source filter, loop thread. */
    void droppedRateLimited();
}
