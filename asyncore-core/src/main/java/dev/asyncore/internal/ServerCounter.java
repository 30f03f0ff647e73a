package dev.asyncore.internal;

import dev.asyncore.Dispatcher;

/**
 * Where a server's machinery counts connections, headers and accepts: the write side of the read-only
 * {@code ServerStats}, reached through {@link ApiAccess#counter(dev.asyncore.ServerStats)}. Called by the servers of
 * {@code dev.asyncore.handler} ({@code ServerDispatcher}, its PROXY header reader and accept back-off) on the loop thread
 * that runs the listener.
 */
public interface ServerCounter {

    /**
     * Makes a connection's dispatcher count its traffic (and its queued output, under an output budget) in these figures,
     * and run {@code release} once when it closes, after its close is counted (a server gives back what it held for the
     * connection, such as its place in a per-address count). Called by the servers and the client connector as a
     * connection opens; loop thread.
     *
     * @param dispatcher the connection's dispatcher
     * @param release run on close, on the loop thread; null for nothing
     */
    void attach(Dispatcher dispatcher, Runnable release);

    /** Counts a connection accepted and now open. Loop thread. */
    void connectionOpened();

    /** Counts an accepted connection that closed. Loop thread. */
    void connectionClosed();

    /** Counts a connection refused at once (over the connection limit, or its handler failed). Loop thread. */
    void connectionRejected();

    /** Counts a connection closed because its PROXY protocol header was missing or invalid. Loop thread. */
    void connectionHeaderRefused();

    /** Counts a connection closed because its PROXY protocol header did not arrive in time. Loop thread. */
    void connectionHeaderTimedOut();

    /** Counts a connection that began sending its PROXY protocol header. Loop thread. */
    void headerStarted();

    /** Counts a connection whose PROXY protocol header ended: read, refused, timed out or closed. Loop thread. */
    void headerEnded();

    /** Counts a connection refused before its PROXY protocol header because it came from no trusted proxy. Loop thread. */
    void connectionUntrustedProxy();

    /** Counts a connection refused because its client address had its most connections open. Loop thread. */
    void connectionRejectedPerAddress();

    /** Counts a connection closed because an address rule refused its client. Loop thread. */
    void connectionDenied();

    /**
     * Counts an accept that failed (too many open files, no buffer space, ...) and marks the server as backing off. Loop
     * thread.
     */
    void acceptFailed();

    /** Marks the server as accepting again after failed accepts. Loop thread. */
    void acceptResumed();
}
