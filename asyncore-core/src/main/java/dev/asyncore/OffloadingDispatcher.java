package dev.asyncore;

import java.nio.channels.SelectableChannel;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

import dev.asyncore.internal.offload.BlockingCalls;

/**
 * The blocking-calls half of a {@link Dispatcher}: {@code executeBlocking} and the offload it runs on. The machinery is
 * in {@code dev.asyncore.internal.offload}: {@link BlockingCalls} (one dispatcher's calls, in order) and the
 * {@link Offload}'s runner (the executor and its bounds).
 *
 * <p>Package-private, as {@link AbstractDispatcher}: the public API is {@code Dispatcher}'s, which inherits and documents
 * these methods. Thread rules are those of {@code Dispatcher}: the loop thread, unless a method says otherwise.
 */
abstract class OffloadingDispatcher extends AbstractDispatcher {

    private Offload offload;
    /** The calls made and not yet delivered; null until the first, so a dispatcher that never makes one carries nothing. */
    private BlockingCalls blockingCalls;

    OffloadingDispatcher(SelectableChannel sock, DispatcherMap map) {
        super(sock, map);
    }

    /**
     * Runs a blocking call (a JDBC query, a REST call, a file) on this dispatcher's {@link #offload()}, off the loop, and
     * gives its result to {@code then} on this dispatcher's loop thread. A failure goes to
     * {@link Dispatcher#handleError(Throwable)}, which closes the channel. Loop thread. See
     * {@link #executeBlocking(Callable, Offload.Then, Offload.Failure)}.
     *
     * @param call the blocking call; it runs on another thread and must not touch this dispatcher
     * @param then takes the result on the loop thread
     * @param <T> the result type
     * @throws IllegalStateException if no {@link AsyncLoop} runs this dispatcher's map, or the dispatcher is closed
     */
    public final <T> void executeBlocking(Callable<T> call, Offload.Then<T> then) {
        executeBlocking(call, then, null);
    }

    /**
     * Runs a blocking call on this dispatcher's {@link #offload()}, off the loop, and gives its outcome back on this
     * dispatcher's loop thread: the result to {@code then}, a failure to {@code onFailure}. Loop thread.
     *
     * <p>What is guaranteed:
     *
     * <ul>
     *   <li>Order: outcomes are delivered in the order the calls were made on this dispatcher; a call that ends early
     *       waits for the ones made before it, so a client that pipelines requests gets its replies in order.
     *   <li>Nothing after close: once the dispatcher closed, nothing is delivered to it. Calls not started never run;
     *       running ones finish (or are interrupted, if the offload says so) and their results are dropped and counted
     *       ({@link Offload#dropped()}).
     *   <li>Bounds: while {@link Offload#maxInFlightPerDispatcher()} calls are outstanding, the loop stops reading from
     *       this channel (whatever {@link Dispatcher#readable()} says) and holds further calls back; it reads again as soon as one
     *       is delivered. A full offload or an executor that refuses gives a {@link RejectedExecutionException} naming
     *       the limit, delivered as a failure in its turn.
     *   <li>Failures as handler failures: an exception from {@code then} or {@code onFailure} goes to
     *       {@code handleError} and so closes this channel, never the loop.
     * </ul>
     *
     * <p>Each outcome reaches the loop as one task ({@link AsyncLoop#execute}), so this needs an {@code AsyncLoop} running
     * the map. A dispatcher that never calls this pays nothing for it.
     *
     * <p>Differs from Python: asyncore runs everything on its one thread, where a blocking call stalls every channel;
     * this method has no counterpart there.
     *
     * @param call the blocking call; it runs on another thread and must not touch this dispatcher
     * @param then takes the result on the loop thread
     * @param onFailure takes the failure on the loop thread; null for {@link Dispatcher#handleError(Throwable)}
     * @param <T> the result type
     * @throws IllegalStateException if no {@link AsyncLoop} runs this dispatcher's map (as under {@link Asyncore#loop()}),
     *     or the dispatcher is closed
     */
    public final <T> void executeBlocking(Callable<T> call, Offload.Then<T> then, Offload.Failure onFailure) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(then, "then");
        AsyncLoop loop = map().owner();
        if (loop == null || !loop.isRunning()) {
            throw new IllegalStateException("executeBlocking needs an AsyncLoop running the map of " + this
                    + " to deliver results on; Asyncore.loop() and a loop not yet started have none");
        }
        assert loop.inEventLoop() : "executeBlocking called off the loop thread of " + this;
        if (fileno() == null) {
            throw new IllegalStateException("executeBlocking on a closed dispatcher: " + this);
        }
        blockingCalls().add(offload(), loop, call, then, onFailure);
    }

    /**
     * The offload this dispatcher's blocking calls run on. Loop thread, or before the loop runs.
     *
     * @return the offload set, else {@link Offload#defaultOffload()}
     */
    public Offload offload() {
        Offload o = offload;
        return o != null ? o : Offload.defaultOffload();
    }

    /**
     * Sets the offload this dispatcher's blocking calls run on, from the next call. Loop thread, or before the loop runs.
     *
     * @param offload the offload; null for {@link Offload#defaultOffload()}
     */
    public void setOffload(Offload offload) {
        this.offload = offload;
    }

    /**
     * The blocking calls this dispatcher made and has not yet been given the outcome of (running, waiting, or done and
     * waiting for an earlier one). Loop thread.
     *
     * @return the count
     */
    public int blockingCallsInFlight() {
        BlockingCalls calls = blockingCalls;
        return calls == null ? 0 : calls.size();
    }

    // ------------------------------------------------------------------------------------------------------------------
    // package-private machinery for the loop

    /** The blocking calls of this dispatcher, made on its first call. Loop thread. */
    BlockingCalls blockingCalls() {
        BlockingCalls calls = blockingCalls;
        if (calls == null) {
            calls = new BlockingCalls((Dispatcher) this);
            blockingCalls = calls;
        }
        return calls;
    }

    /** Whether the loop must not read: the dispatcher has as many blocking calls outstanding as it may. Loop thread. */
    final boolean blockingCallsFull() {
        BlockingCalls calls = blockingCalls;
        return calls != null && calls.readPaused();
    }

    /** The dispatcher closed: none of its calls will reach it. Loop thread. */
    @Override
    final void blockingCallsClosed() {
        BlockingCalls calls = blockingCalls;
        if (calls != null) {
            calls.closed();
        }
    }
}
