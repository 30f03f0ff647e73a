package dev.asyncore;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.asyncore.internal.loop.BlockWatch;
import dev.asyncore.internal.loop.LoopGuard;
import dev.asyncore.internal.loop.LoopListeners;
import dev.asyncore.internal.loop.LoopPasses;
import dev.asyncore.internal.loop.LoopTasks;
import dev.asyncore.internal.loop.LoopThread;
import dev.asyncore.internal.loop.LoopTimer;

/**
 * One loop running on its own named thread over a {@link DispatcherMap}: the managed form of {@link Asyncore#loop()}.
 *
 * <p>Thread confinement: the loop thread owns the map and every dispatcher in it. {@link #start()}, {@link #execute},
 * {@link #submit}, {@link #schedule}, {@link #shutdownGracefully}, {@link #close()} and the figures ({@link #passes()},
 * {@link #isRunning()}, {@link #blockedCount()}, {@link #lastBlocked()}, the map's counts) are safe from any thread;
 * handlers and tasks run on the loop thread. A watchdog warns when handler code holds the loop past
 * {@link #blockedWarning()} (see {@link BlockedLoop}).
 *
 * <p>When {@code readable()} and {@code writable()} are asked. Python asks every channel on every pass, so that a change
 * made by any event (a relay's {@code handleRead} filling its partner's buffer, a gate another channel opens) is acted on
 * in the next pass. This loop keeps that contract and asks each channel at most once a pass, {@code readable()} first,
 * setting its selector interest to match:
 *
 * <ul>
 *   <li>a dispatcher whose class defines its own {@code readable()} or {@code writable()} without
 *       {@link TrackedInterest} is asked on every pass, as in Python;
 *   <li>a dispatcher of a {@link TrackedInterest} class (the library's own: {@link Dispatcher}'s defaults,
 *       {@link DispatcherWithSend}, {@code AsyncChat}, the echo handler, the server dispatcher) is asked when it joins
 *       the map, after every event dispatched to it, after a call on it that can change its interest ({@code send},
 *       {@code recv}, {@code connect}, {@code listen}, {@code close}, the state setters, the queueing methods), after
 *       {@link Dispatcher#interestChanged()}, and once per sweep (at least every {@code timeout}). Many idle channels of
 *       such classes cost nothing per pass.
 * </ul>
 *
 * A change made on another thread is handed to the loop ({@link #execute}, then {@code interestChanged()} in the task).
 *
 * <p>Differs from Python: a {@link TrackedInterest} class whose interest changes for a reason no event explains (a clock,
 * another thread's flag without a hand-off) is seen at the next sweep, up to one {@code timeout} late, unless it calls
 * {@code interestChanged()}.
 *
 * <p>An exception in a handler goes to that dispatcher's {@code handleError}; if {@code handleError} itself throws, the
 * channel is closed and the loop goes on. {@link ExitNow} ends the loop. A {@link VirtualMachineError} from a handler, or
 * any {@link Error} from a task, kills the loop thread: every channel is closed, {@link #failure()} gives the cause and the
 * listeners are told.
 */
public final class AsyncLoop implements Executor, AutoCloseable {

    /** Told when the loop starts its graceful shutdown and when its thread ends. Called on the loop thread. */
    public interface Listener {

        /** The graceful shutdown began: listening channels are closed. */
        default void shutdownStarted() {}

        /**
         * The loop thread is ending; every channel is closed.
         *
         * @param failure the error that killed the loop, or null after a normal stop
         */
        default void terminated(Throwable failure) {}

        /**
         * Handler code held the loop past {@link AsyncLoop#blockedWarning()}; called once the episode is over, with its
         * whole duration. The watchdog has already logged its warning.
         *
         * @param event what held the loop, for how long
         */
        default void blocked(BlockedLoop event) {}
    }

    private enum State {
        NEW,
        RUNNING,
        SHUTTING_DOWN,
        TERMINATED
    }

    /** The longest wait of one pass, and the sweep interval, unless set otherwise: 1 second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    /** How long one handler call, task or timer may hold the loop before the watchdog warns, unless set: 100 ms. */
    public static final Duration DEFAULT_BLOCKED_WARNING = Duration.ofMillis(100);

    /** The loop each loop thread runs, for the checks that must never run on one. */
    private static final ThreadLocal<AsyncLoop> CURRENT = new ThreadLocal<>();

    static {
        // A back-off timer is scheduled when the process may have no descriptor left to open a class file with.
        new LoopTimer(() -> {}, 0).cancel();
        Asyncore.preloadFailurePaths();
    }

    private final DispatcherMap map;
    private final String threadName;
    private final Duration timeout;
    private final boolean usePoll;
    private final boolean daemon;
    private final LoopTasks tasks;
    private final LoopListeners listeners;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final LoopGuard guard;
    private final Duration blockedWarning;
    private final BlockWatch watch;
    private volatile State state = State.NEW;
    private volatile Thread thread;
    private final LoopPasses passes;

    private volatile Throwable failure;

    /**
     * Creates a loop over a map with the defaults of {@link #builder(DispatcherMap)}. Any thread.
     *
     * @param map the map it will own
     */
    public AsyncLoop(DispatcherMap map) {
        this(builder(map));
    }

    private AsyncLoop(Builder builder) {
        this.map = Objects.requireNonNull(builder.map, "map");
        this.threadName = builder.threadName;
        this.timeout = builder.timeout;
        this.usePoll = builder.usePoll;
        this.daemon = builder.daemon;
        this.blockedWarning = builder.blockedWarning;
        this.listeners = new LoopListeners(map);
        this.watch = new BlockWatch(threadName, blockedWarning, map, listeners::blocked);
        this.guard = new LoopGuard(map, watch);
        this.tasks = new LoopTasks(map);
        this.passes = new LoopPasses(this, map, tasks, watch, guard);
    }

    /**
     * Starts configuring a loop: thread {@code asyncore-loop}, 1 s timeout, select dispatch, non-daemon thread. Any thread.
     *
     * @param map the map the loop will own
     * @return a builder
     */
    public static Builder builder(DispatcherMap map) {
        return new Builder(map);
    }

    /** Starts the loop thread; idempotent. Any thread. */
    public synchronized void start() {
        if (state != State.NEW) {
            return;
        }
        map.claim(this);
        Thread t = new LoopThread(this, this::run, threadName);
        t.setDaemon(daemon);
        t.setContextClassLoader(AsyncLoop.class.getClassLoader());
        thread = t;
        state = State.RUNNING;
        t.start();
    }

    /**
     * Whether the caller is the loop thread. Any thread.
     *
     * @return true on the loop thread
     */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Whether a thread is the thread of an asyncore loop (of any {@link AsyncLoop}): what a BlockHound integration marks
     * as non-blocking. Any thread.
     *
     * @param thread the thread
     * @return true for a loop thread
     */
    public static boolean isLoopThread(Thread thread) {
        return thread instanceof LoopThread;
    }

    /**
     * Runs a task on the loop thread, waking the selector. Any thread. Tasks run in order, before the next select; a pass
     * runs at most 4096 of them or 10 ms worth, the rest on the following passes, so that a flood of tasks cannot starve
     * the channels. A task's exception is logged, an {@link Error} kills the loop.
     *
     * @param task the task
     * @throws RejectedExecutionException if the loop has terminated
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (state == State.TERMINATED) {
            throw new RejectedExecutionException("asyncore loop " + threadName + " has terminated");
        }
        tasks.add(task);
        if (!inEventLoop()) {
            passes.wakeUp();
        }
    }

    /**
     * Runs a task on the loop thread and gives its result: the way to create a dispatcher from another thread once the
     * loop runs ({@code loop.submit(() -> new MyClient(address, loop.map())).join()} returns when it is registered). On
     * the loop thread the task runs at once. Any thread.
     *
     * <p>The future completes on the loop thread: a dependent stage added without an executor runs there too, so it
     * must not block.
     *
     * @param task the task
     * @param <T> the result type
     * @return a future completed with the task's result, or exceptionally with what it threw
     * @throws RejectedExecutionException if the loop has terminated
     */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        CompletableFuture<T> result = new CompletableFuture<>();
        if (inEventLoop()) {
            LoopTasks.complete(task, result);
        } else {
            execute(() -> LoopTasks.complete(task, result));
        }
        return result;
    }

    /**
     * Runs a task on the loop thread and waits for its result, the one way to do so: at once when the loop does not run
     * (not started yet, or ended) or the caller is its thread, else through {@link #submit}. Any thread.
     *
     * @param task the task
     * @param <T> the result type
     * @return what the task returned
     * @throws Exception what the task threw, as it threw it
     */
    public <T> T callAndWait(Callable<T> task) throws Exception {
        return !isRunning() || inEventLoop() ? task.call() : LoopTasks.await(submit(task));
    }

    /**
     * Runs a task on the loop thread after a delay. Any thread.
     *
     * @param task the task
     * @param delay the delay
     * @return a handle that cancels it
     */
    public Cancellable schedule(Runnable task, Duration delay) {
        LoopTimer timer = new LoopTimer(task, System.nanoTime() + delay.toNanos());
        if (inEventLoop()) {
            tasks.addTimer(timer);
        } else {
            execute(() -> tasks.addTimer(timer));
        }
        return timer;
    }

    /**
     * Stops gracefully and waits: listening channels close at once, every other dispatcher is told through
     * {@code handleShutdown()} and has until the timeout to close; then the rest are closed and the thread ends. Any thread
     * but the loop's own. A loop never started just closes its channels.
     *
     * @param timeout how long open channels may take to finish
     * @return true if every channel finished in time
     */
    public boolean shutdownGracefully(Duration timeout) {
        synchronized (this) {
            if (state == State.NEW) {
                state = State.TERMINATED;
                Asyncore.closeAll(map, true);
                terminated.countDown();
                return true;
            }
        }
        if (inEventLoop()) {
            throw new IllegalStateException(
                    "shutdownGracefully would wait for its own thread: call it from another thread");
        }
        if (!requestShutdown(timeout)) {
            return passes.drained();
        }
        awaitTermination(timeout.plusSeconds(10));
        return passes.drained();
    }

    /**
     * Begins the graceful shutdown of a running loop without waiting for it, so that a group drains its loops together;
     * false if the loop had already ended. Any thread but the loop's own.
     */
    boolean requestShutdown(Duration timeout) {
        if (state == State.RUNNING) {
            passes.shutdownBy(System.nanoTime() + timeout.toNanos());
            try {
                execute(this::beginShutdown);
            } catch (RejectedExecutionException alreadyEnded) {
                return false;
            }
        }
        return true;
    }

    /** Whether the last shutdown found every channel closed in time. Any thread, once terminated. */
    boolean drained() {
        return passes.drained();
    }

    /**
     * Waits for the loop thread to end. Any thread.
     *
     * @param wait the longest wait
     * @return true if it ended
     */
    public boolean awaitTermination(Duration wait) {
        try {
            return terminated.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops at once: {@link #shutdownGracefully(Duration)} with no time to finish. Any thread but the loop's. */
    @Override
    public void close() {
        shutdownGracefully(Duration.ZERO);
    }

    /**
     * Adds a listener. Any thread.
     *
     * @param listener the listener
     */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Whether the loop thread runs (including during its graceful shutdown). Any thread.
     *
     * @return true while running
     */
    public boolean isRunning() {
        State s = state;
        return s == State.RUNNING || s == State.SHUTTING_DOWN;
    }

    /**
     * Whether the graceful shutdown has begun. Any thread.
     *
     * @return true once shutting down or terminated
     */
    public boolean isShuttingDown() {
        State s = state;
        return s == State.SHUTTING_DOWN || s == State.TERMINATED;
    }

    /**
     * Whether the loop thread has ended. Any thread.
     *
     * @return true once ended
     */
    public boolean isTerminated() {
        return state == State.TERMINATED;
    }

    /**
     * The error that killed the loop thread. Any thread.
     *
     * @return the cause, or null if the loop runs or stopped normally
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * The number of passes so far. Any thread.
     *
     * @return the count
     */
    public long passes() {
        return passes.count();
    }

    /**
     * The map this loop owns; its counts may be read from any thread. Any thread.
     *
     * @return the map
     */
    public DispatcherMap map() {
        return map;
    }

    /**
     * The loop thread's name. Any thread.
     *
     * @return the name
     */
    public String threadName() {
        return threadName;
    }

    /**
     * Whether events are dispatched in poll mode. Any thread.
     *
     * @return true for poll mode, false for select mode
     */
    public boolean usePoll() {
        return usePoll;
    }

    /**
     * The longest wait of one pass, and the sweep interval. Any thread.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * How long one handler call, task or timer may hold the loop before the watchdog logs a warning; zero when off. Any
     * thread.
     *
     * @return the warning threshold
     */
    public Duration blockedWarning() {
        return blockedWarning;
    }

    /**
     * The last episode in which handler code held the loop past {@link #blockedWarning()}. Any thread.
     *
     * @return the episode, or null if there was none
     */
    public BlockedLoop lastBlocked() {
        return watch.last();
    }

    /**
     * How many episodes held the loop past {@link #blockedWarning()} so far. Any thread.
     *
     * @return the count
     */
    public long blockedCount() {
        return watch.count();
    }

    @Override
    public String toString() {
        return "AsyncLoop[" + threadName + ", " + state + ", " + map + "]";
    }

    /** How this loop dispatches and contains a handler's failure. Loop thread. */
    LoopGuard guard() {
        return guard;
    }

    // the loop thread
    // ----------------------------------------------------------------------------------------------------

    /** Whether the caller is the thread of any running {@code AsyncLoop}. Any thread. */
    static boolean onAnyLoopThread() {
        return CURRENT.get() != null;
    }

    private void run() {
        CURRENT.set(this);
        Throwable cause = null;
        watch.start(Thread.currentThread());
        try {
            passes.run();
        } catch (ExitNow e) {
            map.logSink().log(null, "info", "asyncore loop " + threadName + " ended by ExitNow");
        } catch (Throwable t) {
            cause = t;
            failure = t;
            map.logSink()
                    .log(null, "error", "asyncore loop thread '" + threadName + "' died; its channels are closed", t);
        } finally {
            terminate(cause);
        }
    }

    private void beginShutdown() {
        if (state != State.RUNNING) {
            return;
        }
        state = State.SHUTTING_DOWN;
        guard.beginShutdown();
        listeners.shutdownStarted();
    }

    private void terminate(Throwable cause) {
        try {
            Asyncore.closeAll(map, true);
        } catch (RuntimeException e) {
            map.logSink().log(null, "error", "asyncore loop " + threadName + " could not close every channel: " + e);
        } finally {
            map.release(this);
            map.close();
            state = State.TERMINATED;
            tasks.clear();
            watch.stop();
            listeners.terminated(cause);
            terminated.countDown();
        }
    }

    /** Cancels a scheduled task. */
    public interface Cancellable {

        /** Cancels the task if it has not run yet. Any thread. */
        void cancel();
    }

    /** Configures an {@link AsyncLoop}. Any thread. */
    public static final class Builder {
        private final DispatcherMap map;
        private String threadName = "asyncore-loop";
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean usePoll;
        private boolean daemon;
        private Duration blockedWarning = DEFAULT_BLOCKED_WARNING;

        private Builder(DispatcherMap map) {
            this.map = map;
        }

        /**
         * Names the loop thread.
         *
         * @param name the thread name
         * @return this builder
         */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "threadName");
            return this;
        }

        /**
         * Sets the longest wait of one pass, which is also the sweep interval.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Chooses poll dispatch (each channel's events together) over select dispatch (all reads, then all writes).
         *
         * @param usePoll true for poll dispatch
         * @return this builder
         */
        public Builder usePoll(boolean usePoll) {
            this.usePoll = usePoll;
            return this;
        }

        /**
         * Whether the loop thread is a daemon (default false, so that it keeps the JVM up as a server should).
         *
         * @param daemon true for a daemon thread
         * @return this builder
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Sets how long one handler call, task or timer may hold the loop before the watchdog logs a warning with the
         * loop thread's stack (default {@link AsyncLoop#DEFAULT_BLOCKED_WARNING}); zero turns the watchdog off.
         *
         * @param warning zero or a positive duration
         * @return this builder
         */
        public Builder blockedWarning(Duration warning) {
            this.blockedWarning = BlockWatch.checkWarning(warning);
            return this;
        }

        /**
         * Builds the loop; it starts with {@link AsyncLoop#start()}.
         *
         * @return the loop
         */
        public AsyncLoop build() {
            return new AsyncLoop(this);
        }
    }
}
