package dev.asyncore;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.offload.OffloadDefaults;
import dev.asyncore.internal.offload.OffloadRunner;

/**
 * Runs the blocking calls of dispatchers ({@link Dispatcher#executeBlocking}) on an executor, off their loop thread, with
 * bounds and figures. Any thread.
 *
 * <p>Bounds: at most {@link #maxInFlight()} calls run on the executor at once through this offload; up to
 * {@link #maxWaiting()} more wait, first in first out, for one of them to finish; one more is rejected, and the
 * rejection reaches its dispatcher as a failure. Each dispatcher has at most {@link #maxInFlightPerDispatcher()} calls
 * outstanding (made and not yet delivered): at that count its loop stops reading from it until one is delivered, as the
 * write watermarks pause reading, so a client that sends faster than the calls answer is held back by TCP instead of
 * queueing work without end.
 *
 * <p>One offload may serve any number of dispatchers on any number of loops; the default ({@link #defaultOffload()})
 * serves every dispatcher that was given no other.
 *
 * <p>This class is the API: the settings, the figures and the builder. The queue, the bounds and the counting are in
 * {@code dev.asyncore.internal.offload}, reached through {@code ApiAccess}.
 *
 * <p>Differs from Python: asyncore has one thread and no way to run a blocking call beside the loop.
 */
public final class Offload {

    /** Calls a dispatcher may have outstanding before its reading pauses, unless set otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_DISPATCHER = 16;

    /** Calls that run on the executor at once through one offload, unless set otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    /** Calls that wait for a free place once {@code maxInFlight} run, unless set otherwise. */
    public static final int DEFAULT_MAX_WAITING = 1024;

    /** Threads of the default executor where the JDK has no virtual threads (before Java 21). */
    public static final int DEFAULT_POOL_THREADS = 64;

    static {
        ApiAccess.installOffload(offload -> offload.runner);
    }

    /**
     * What a dispatcher does with the result of a blocking call, on its loop thread.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface Then<T> {

        /**
         * Takes the result. Loop thread of the dispatcher that made the call.
         *
         * @param result what the call returned (may be null)
         * @throws Exception anything: it goes to the dispatcher's {@code handleError}, as a handler's exception does
         */
        void accept(T result) throws Exception;
    }

    /** What a dispatcher does when a blocking call failed or was rejected, on its loop thread. */
    @FunctionalInterface
    public interface Failure {

        /**
         * Takes the failure. Loop thread of the dispatcher that made the call.
         *
         * @param failure what the call threw, or a {@link RejectedExecutionException} naming the limit that refused it
         * @throws Exception anything: it goes to the dispatcher's {@code handleError}
         */
        void accept(Throwable failure) throws Exception;
    }

    /**
     * Told of each call's life, for metrics. Each method runs on the thread where the event happens, as its Javadoc says;
     * it must be quick and must not block. An exception it throws is logged and otherwise ignored.
     */
    public interface Listener {

        /** A call begins. The executor's thread that runs it. */
        default void callStarted() {}

        /**
         * A call returned or threw. The executor's thread that ran it.
         *
         * @param durationNanos how long the call ran
         * @param failed whether it threw
         */
        default void callFinished(long durationNanos, boolean failed) {}

        /**
         * A call was refused: the offload was full or the executor rejected it. The thread that handed it over (the loop
         * thread, or the executor's thread whose call just finished).
         */
        default void callRejected() {}

        /**
         * A call's result was dropped because its dispatcher closed first. The executor's thread, when the call was still
         * running as the dispatcher closed; the loop thread, when the result was waiting for delivery.
         */
        default void resultDropped() {}

        /** A call never ran because its dispatcher closed before it started. Loop thread. */
        default void callCancelled() {}
    }

    private final Executor executor;
    private final int maxInFlightPerDispatcher;
    private final int maxInFlight;
    private final int maxWaiting;
    private final boolean interruptOnClose;
    private final String name;
    private final OffloadRunner runner;

    private Offload(Builder b) {
        this.executor = b.executor != null ? b.executor : defaultExecutor();
        this.maxInFlightPerDispatcher = b.maxInFlightPerDispatcher;
        this.maxInFlight = b.maxInFlight;
        this.maxWaiting = b.maxWaiting;
        this.interruptOnClose = b.interruptOnClose;
        this.name = b.name;
        this.runner = new OffloadRunner(executor, maxInFlight, maxWaiting, interruptOnClose, name, b.listener);
    }

    /**
     * Starts configuring an offload: the default executor, 16 calls per dispatcher, 256 in flight, 1024 waiting, no
     * interrupt on close. Any thread.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The offload every dispatcher uses unless given another, made on first use with the default limits over
     * {@link #defaultExecutor()}; on Java 17 to 20 its {@code maxInFlight} is the pool's {@value #DEFAULT_POOL_THREADS}
     * threads, so that a call counted in flight is a call running. Any thread.
     *
     * @return the shared offload
     */
    public static Offload defaultOffload() {
        return OffloadDefaults.offload();
    }

    /**
     * The executor of {@link #defaultOffload()}: a new virtual thread per call where the JDK has them (Java 21 and later,
     * found by reflection, since this library runs on 17), else a pool of {@value #DEFAULT_POOL_THREADS} daemon threads
     * named {@code asyncore-offload-N}, made as needed and ended after a minute idle, whose queue is bounded by the
     * offloads that use it. Made on first use and never shut down. Any thread.
     *
     * @return the shared executor
     */
    public static Executor defaultExecutor() {
        return OffloadDefaults.executor();
    }

    /** Whether {@link #defaultExecutor()} runs each call on a virtual thread. Any thread. */
    static boolean defaultExecutorIsVirtual() {
        return OffloadDefaults.isVirtual();
    }

    // ------------------------------------------------------------------------------------------------------------------
    // figures and settings, any thread

    /**
     * The calls handed to the executor and not yet finished. Any thread.
     *
     * @return the count, at most {@link #maxInFlight()}
     */
    public int inFlight() {
        return runner.inFlight();
    }

    /**
     * The calls waiting for one of the {@link #maxInFlight()} places. Any thread.
     *
     * @return the count, at most {@link #maxWaiting()}
     */
    public int waiting() {
        return runner.waiting();
    }

    /**
     * The calls that ran to their end, returned or threw. Any thread.
     *
     * @return the count
     */
    public long completed() {
        return runner.completed();
    }

    /**
     * The calls that ran and threw (a part of {@link #completed()}). Any thread.
     *
     * @return the count
     */
    public long failed() {
        return runner.failed();
    }

    /**
     * The calls refused because the offload was full or the executor rejected them. Any thread.
     *
     * @return the count
     */
    public long rejected() {
        return runner.rejected();
    }

    /**
     * The calls that ran, or were running, when their dispatcher closed: their result was never delivered. Any thread.
     *
     * @return the count
     */
    public long dropped() {
        return runner.dropped();
    }

    /**
     * The calls that never ran because their dispatcher closed before they started. Any thread.
     *
     * @return the count
     */
    public long cancelled() {
        return runner.cancelled();
    }

    /**
     * The executor the calls run on. Any thread.
     *
     * @return the executor
     */
    public Executor executor() {
        return executor;
    }

    /**
     * The calls one dispatcher may have outstanding before its reading pauses. Any thread.
     *
     * @return the limit
     */
    public int maxInFlightPerDispatcher() {
        return maxInFlightPerDispatcher;
    }

    /**
     * The calls that may run at once through this offload. Any thread.
     *
     * @return the limit
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * The calls that may wait once {@link #maxInFlight()} run. Any thread.
     *
     * @return the limit
     */
    public int maxWaiting() {
        return maxWaiting;
    }

    /**
     * Whether a call still running when its dispatcher closes is interrupted. Any thread.
     *
     * @return true to interrupt
     */
    public boolean interruptOnClose() {
        return interruptOnClose;
    }

    /**
     * The name used in messages. Any thread.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Waits until every call made through this offload has been delivered, dropped or cancelled: none runs, none waits,
     * none is held back by its dispatcher's limit. For a graceful shutdown. Any thread but a loop thread, which would
     * wait for itself.
     *
     * @param timeout the longest wait
     * @return true if that state was reached in time
     * @throws IllegalStateException on a loop thread
     */
    public boolean awaitQuiescence(Duration timeout) {
        if (AsyncLoop.onAnyLoopThread()) {
            throw new IllegalStateException("awaitQuiescence would block the loop thread "
                    + Thread.currentThread().getName() + " that delivers the results: call it from another thread");
        }
        return runner.awaitQuiescence(timeout.toNanos());
    }

    @Override
    public String toString() {
        return "Offload[" + name + ", inFlight=" + inFlight() + "/" + maxInFlight + ", waiting=" + waiting() + "/"
                + maxWaiting + "]";
    }

    /** Configures an {@link Offload}. Any thread. */
    public static final class Builder {
        private Executor executor;
        private int maxInFlightPerDispatcher = DEFAULT_MAX_IN_FLIGHT_PER_DISPATCHER;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int maxWaiting = DEFAULT_MAX_WAITING;
        private boolean interruptOnClose;
        private String name = "offload";
        private Listener listener;

        private Builder() {}

        /**
         * Sets the executor the calls run on (default {@link Offload#defaultExecutor()}). It should run each call on a
         * thread of its own, or have at least {@code maxInFlight} threads, else calls counted in flight queue inside it.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets how many calls one dispatcher may have outstanding before its reading pauses (default 16).
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1, naming the value
         */
        public Builder maxInFlightPerDispatcher(int max) {
            this.maxInFlightPerDispatcher = atLeast("maxInFlightPerDispatcher", max, 1);
            return this;
        }

        /**
         * Sets how many calls may run on the executor at once through this offload (default 256).
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1, naming the value
         */
        public Builder maxInFlight(int max) {
            this.maxInFlight = atLeast("maxInFlight", max, 1);
            return this;
        }

        /**
         * Sets how many calls may wait, first in first out, once {@code maxInFlight} run (default 1024); one more is
         * rejected.
         *
         * @param max 0 or more
         * @return this builder
         * @throws IllegalArgumentException if negative, naming the value
         */
        public Builder maxWaiting(int max) {
            this.maxWaiting = atLeast("maxWaiting", max, 0);
            return this;
        }

        /**
         * Sets whether a call still running when its dispatcher closes is interrupted (default false: it finishes and
         * its result is dropped). Interrupt only calls that stop cleanly when interrupted.
         *
         * @param interrupt true to interrupt
         * @return this builder
         */
        public Builder interruptOnClose(boolean interrupt) {
            this.interruptOnClose = interrupt;
            return this;
        }

        /**
         * Names the offload in messages (default {@code offload}).
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the listener told of each call, for metrics.
         *
         * @param listener the listener, or null for none
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Builds the offload.
         *
         * @return the offload
         */
        public Offload build() {
            return new Offload(this);
        }

        private static int atLeast(String what, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value);
            }
            return value;
        }
    }
}
