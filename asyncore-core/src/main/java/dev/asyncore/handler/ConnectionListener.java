package dev.asyncore.handler;

import dev.asyncore.Dispatcher;

/**
 * Told when a {@link ServerDispatcher} opens and closes a connection, for auditing or per-connection bookkeeping without
 * writing a {@link HandlerFactory}. Called on the loop thread; it should be quick, since the loop waits for it. An exception
 * it throws is logged and affects neither the connection nor the server. Servers without listeners pay nothing for this.
 *
 * <p>Differs from Python: asyncore has no connection events.
 */
public interface ConnectionListener {

    /**
     * A connection was accepted and its handler made (after the PROXY header and the address rules, when those are on).
     *
     * @param server the server
     * @param handler the connection's handler; {@link Dispatcher#addr()} is the client's address
     */
    default void connectionOpened(ServerDispatcher server, Dispatcher handler) {}

    /**
     * A connection of the server closed.
     *
     * @param server the server
     * @param handler the connection's handler, now closed; {@link Dispatcher#addr()} is still the client's address
     * @param cause null for an orderly close (by either side, or a graceful shutdown), else what closed it (see
     *     {@link dev.asyncore.CloseListener})
     */
    default void connectionClosed(ServerDispatcher server, Dispatcher handler, Throwable cause) {}
}
