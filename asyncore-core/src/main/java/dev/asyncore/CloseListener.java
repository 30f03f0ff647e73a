package dev.asyncore;

/**
 * Told once when a dispatcher closes, with why. Set with {@link Dispatcher#setCloseListener(CloseListener)}; called on the
 * loop thread, inside {@link Dispatcher#close()}, after the channel has left the map. It should be quick: the loop waits for
 * it. An exception it throws is logged and does not stop the close.
 *
 * <p>Differs from Python: asyncore has no close notification.
 */
@FunctionalInterface
public interface CloseListener {

    /**
     * The dispatcher closed.
     *
     * @param dispatcher the dispatcher
     * @param cause null for an orderly close (by either side, or a graceful shutdown); the exception that went to
     *     {@code handleError} when that closed it; a {@link java.util.concurrent.TimeoutException} when an idle timeout
     *     closed it
     */
    void closed(Dispatcher dispatcher, Throwable cause);
}
