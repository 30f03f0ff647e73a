package dev.asyncore.internal;

import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import java.util.concurrent.Callable;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TlsOptions;
import dev.asyncore.internal.loop.Engine;
import dev.asyncore.internal.loop.Registration;
import dev.asyncore.internal.transport.Transport;

/**
 * What the loop calls on a channel and on its map, beyond the public API: the seam between {@code dev.asyncore} and
 * {@code dev.asyncore.internal.loop} (Netty's {@code Channel.Unsafe}). The API side implements it once and installs it
 * through {@link ApiAccess}; the machinery reaches it through {@link ApiAccess#channels()}. Each method says who calls it
 * and on which thread.
 */
public interface ChannelAccess {

    /**
     * The dispatcher's membership of its map's selection, or null. Called by the selection and the loop guard; loop
     * thread.
     *
     * @param d the dispatcher
     * @return its registration or null
     */
    Registration registration(Dispatcher d);

    /**
     * Records the dispatcher's membership (null as it leaves). Called by the selection as the dispatcher joins or leaves
     * the map; loop thread.
     *
     * @param d the dispatcher
     * @param r its registration or null
     */
    void setRegistration(Dispatcher d, Registration r);

    /**
     * The transport under the dispatcher's socket, or null when it has none. Called by a registration as it computes the
     * interest; loop thread.
     *
     * @param d the dispatcher
     * @return the transport or null
     */
    Transport transport(Dispatcher d);

    /**
     * Whether the dispatcher's offloaded blocking calls are at their limit, which pauses its reading. Called by a
     * registration; loop thread.
     *
     * @param d the dispatcher
     * @return whether its calls are full
     */
    boolean blockingCallsFull(Dispatcher d);

    /**
     * The dispatcher's idle timeout in nanoseconds, 0 for none. Called by the loop guard's idle sweep; loop thread.
     *
     * @param d the dispatcher
     * @return the timeout
     */
    long idleTimeoutNanos(Dispatcher d);

    /**
     * Records the failure a close the loop is about to make answers (null to clear it). Called by the loop guard; loop
     * thread.
     *
     * @param d the dispatcher
     * @param cause the cause or null
     */
    void setCloseCause(Dispatcher d, Throwable cause);

    /**
     * Tells the dispatcher its loop is shutting down ({@code handleShutdown}). Called by the loop guard once per member
     * as shutdown begins; loop thread.
     *
     * @param d the dispatcher
     */
    void handleShutdown(Dispatcher d);

    /**
     * Finishes a pending connect of a dispatcher that asked only to read; a failure goes to its {@code handleError}.
     * Called by the engine; loop thread.
     *
     * @param d the dispatcher
     */
    void finishConnectOnly(Dispatcher d);

    /**
     * Writes what the dispatcher's transport holds (TLS records); a failure goes to its {@code handleError}. Called by the
     * engine; loop thread.
     *
     * @param d the dispatcher
     */
    void flushTransport(Dispatcher d);

    /**
     * Calls the dispatcher's {@code handleError} with the failure recorded as the cause of a close it makes. Called by
     * the loop guard and the offload's completion; loop thread.
     *
     * @param d the dispatcher
     * @param t the failure
     */
    void handleErrorRecorded(Dispatcher d, Throwable t);

    /**
     * Closes the channel whose {@code handleError} failed too, through its loop's guard (the loop goes on). Called by the
     * offload's completion; loop thread.
     *
     * @param d the dispatcher
     * @param t what {@code handleError} threw
     */
    void contain(Dispatcher d, Throwable t);

    /**
     * Runs a handler factory for an accepted channel so that the dispatcher it makes on that channel speaks TLS in server
     * mode from its first byte. Called by {@code ServerDispatcher} as it accepts with TLS set; loop thread.
     *
     * @param tls the server's TLS options
     * @param channel the accepted channel
     * @param factory makes the dispatcher; it must take {@code channel}
     * @param <D> the dispatcher type
     * @return what the factory returned
     * @throws Exception what the factory throws
     */
    <D extends Dispatcher> D acceptTls(TlsOptions tls, SocketChannel channel, Callable<D> factory) throws Exception;

    /**
     * The engine that runs the map's passes. Called by the loop's passes and guard; loop thread.
     *
     * @param map the map
     * @return its engine
     */
    Engine engine(DispatcherMap map);

    /**
     * The registrations of the map's members, in map order. Called by the selection as it takes its snapshot; loop
     * thread.
     *
     * @param map the map
     * @return its registrations
     */
    Collection<Registration> registrations(DispatcherMap map);

    /**
     * The map's selector if it is open, else null. Called to wake the loop; any thread.
     *
     * @param map the map
     * @return the selector or null
     */
    Selector selectorIfOpen(DispatcherMap map);
}
