package dev.asyncore.handler;

import java.net.SocketAddress;
import java.time.Duration;

import dev.asyncore.Dispatcher;

/**
 * Told of a {@link ClientConnector}'s attempts and changes, for metrics or logs. Called on the loop thread; it should be
 * quick. An exception it throws is logged and changes nothing.
 */
public interface ClientConnectorListener {

    /**
     * One connect attempt ended.
     *
     * @param connector the connector
     * @param address the address tried
     * @param outcome how it ended
     * @param failure why it failed, or null on success
     */
    default void connectAttempted(
            ClientConnector connector, SocketAddress address, ConnectOutcome outcome, Throwable failure) {}

    /**
     * The connection is up and its dispatcher made.
     *
     * @param connector the connector
     * @param handler the connection's dispatcher
     */
    default void connected(ClientConnector connector, Dispatcher handler) {}

    /**
     * The connection closed.
     *
     * @param connector the connector
     * @param handler the closed dispatcher
     * @param cause null for an orderly close, else what closed it
     */
    default void disconnected(ClientConnector connector, Dispatcher handler, Throwable cause) {}

    /**
     * A new attempt is scheduled after a failure or a drop.
     *
     * @param connector the connector
     * @param delay the wait before it
     */
    default void reconnectScheduled(ClientConnector connector, Duration delay) {}

    /**
     * The state changed.
     *
     * @param connector the connector
     * @param status the new status
     */
    default void stateChanged(ClientConnector connector, ClientStatus status) {}
}
