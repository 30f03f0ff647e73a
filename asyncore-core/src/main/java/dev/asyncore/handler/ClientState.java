package dev.asyncore.handler;

/** Where a {@link ClientConnector} stands. */
public enum ClientState {
    /** An attempt to connect is in flight. */
    CONNECTING,
    /** The connection is up and its dispatcher runs. */
    CONNECTED,
    /** Every address failed or the connection dropped; the next attempt waits for the back-off. */
    WAITING,
    /** Not started, stopped, or given up (reconnecting is off). */
    STOPPED
}
