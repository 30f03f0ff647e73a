package dev.asyncore.handler;

import java.net.SocketAddress;
import java.time.Instant;

/**
 * What a {@link ClientConnector} shows of itself at one moment: a value published by the loop thread at each change, read
 * from any thread ({@link ClientConnector#status()}).
 *
 * @param state where the connector stands
 * @param address the address connected to or being tried; the last one tried while waiting; null before the first attempt
 * @param connectedSince when the current connection came up, or null when not connected
 * @param reconnects how many times the connector scheduled a new attempt after a failure or a drop
 * @param lastError why the last attempt failed or the last connection closed, or null
 * @param nextAttempt when the next attempt is due while waiting, else null
 */
public record ClientStatus(
        ClientState state,
        SocketAddress address,
        Instant connectedSince,
        long reconnects,
        Throwable lastError,
        Instant nextAttempt) {

    /** The status of a connector never started. */
    static final ClientStatus INITIAL = new ClientStatus(ClientState.STOPPED, null, null, 0, null, null);
}
