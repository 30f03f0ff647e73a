package dev.asyncore.internal;

import java.nio.channels.SocketChannel;
import java.time.Duration;

import dev.asyncore.AsyncLoop;

/**
 * What a transport needs from the dispatcher that holds it: its loop, its server's figures, its log and its close. The
 * dispatcher side implements it (a transport never holds a {@code Dispatcher}); a transport calls it on the loop thread,
 * as the loop drives the transport.
 */
public interface TransportOwner {

    /**
     * The loop that runs the owner's map, or null when none does. Called by a transport, loop thread.
     *
     * @return the loop or null
     */
    AsyncLoop loop();

    /**
     * Runs {@code task} on the owner's loop after {@code timeout}. Called by a transport, loop thread.
     *
     * @param task what to run
     * @param timeout the delay
     * @return the timer, or null for a zero timeout or when no loop runs
     */
    AsyncLoop.Cancellable schedule(Runnable task, Duration timeout);

    /** Counts a completed TLS handshake in the owner's server figures, if any. Called by a transport, loop thread. */
    void handshakeCompleted();

    /**
     * Reports a failed connection in one line (rate-limited for failed handshakes, which are counted). Called by a
     * transport once, as its connection fails, loop thread.
     *
     * @param handshaking whether the failure came during a handshake
     * @param e the failure
     * @param channel the socket, to name its peer
     */
    void failed(boolean handshaking, Throwable e, SocketChannel channel);

    /** Closes the owner through its {@code handleClose()}, unless already closed. Called by a transport, loop thread. */
    void close();
}
