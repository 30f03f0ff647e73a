package dev.asyncore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncore.internal.loop.BlockWatch;

/**
 * Several {@link AsyncLoop}s, each with its own {@link DispatcherMap} and thread, started and drained together: the way to
 * use more than one core while every channel keeps to one thread.
 *
 * <p>A dispatcher stays on the loop whose map it joined: each of its events runs on that loop's thread. Work that concerns a
 * dispatcher of another loop is handed to it with {@link Dispatcher#execute(Runnable)} (or its {@link Dispatcher#loop()}).
 * A listening server spreads its connections over the group with {@link dev.asyncore.handler.GroupServer}.
 *
 * <p>Thread confinement: every method is safe from any thread, except that {@link #shutdownGracefully(Duration)} and
 * {@link #close()} must not be called on one of the group's own loop threads (they wait for them).
 *
 * <p>Differs from Python: asyncore runs one loop in the calling thread; several loops need several maps, one per thread.
 */
public final class AsyncLoopGroup implements Iterable<AsyncLoop>, AutoCloseable {

    private final List<AsyncLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Groups loops already built, each over a map of its own. Any thread.
     *
     * @param loops one or more loops, in index order
     * @throws IllegalArgumentException if there is none, or two share a map
     */
    public AsyncLoopGroup(List<AsyncLoop> loops) {
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("an asyncore loop group needs at least one loop");
        }
        if (loops.stream().map(AsyncLoop::map).distinct().count() != loops.size()) {
            throw new IllegalArgumentException("each loop of a group needs a DispatcherMap of its own");
        }
        this.loops = List.copyOf(loops);
    }

    /**
     * Starts configuring a group of {@code threads} loops. Any thread.
     *
     * @param threads the number of loops, 1 or more
     * @return a builder
     */
    public static Builder builder(int threads) {
        return new Builder(threads);
    }

    /** Starts every loop thread; idempotent. Any thread. */
    public void start() {
        loops.forEach(AsyncLoop::start);
    }

    /**
     * The number of loops. Any thread.
     *
     * @return the size
     */
    public int size() {
        return loops.size();
    }

    /**
     * The loop of an index. Any thread.
     *
     * @param index from 0 to {@code size() - 1}
     * @return the loop
     */
    public AsyncLoop loop(int index) {
        return loops.get(index);
    }

    /**
     * The loops, in index order. Any thread.
     *
     * @return an unmodifiable list
     */
    public List<AsyncLoop> loops() {
        return loops;
    }

    /**
     * The next loop in round-robin order, for placing new work. Any thread.
     *
     * @return a loop
     */
    public AsyncLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * The loop whose thread is the caller. Any thread.
     *
     * @return the caller's loop, or null when the caller is not one of the group's threads
     */
    public AsyncLoop current() {
        for (AsyncLoop loop : loops) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return null;
    }

    @Override
    public Iterator<AsyncLoop> iterator() {
        return loops.iterator();
    }

    /**
     * Stops every loop gracefully and waits: all loops begin their shutdown at once (listening channels close, the others
     * are told through {@code handleShutdown()}) and share one deadline; then the rest are closed and the threads end. Any
     * thread but the group's own.
     *
     * @param timeout how long open channels may take to finish
     * @return true if every channel of every loop finished in time
     */
    public boolean shutdownGracefully(Duration timeout) {
        if (current() != null) {
            throw new IllegalStateException(
                    "shutdownGracefully would wait for its own thread: call it from a thread outside the group");
        }
        List<AsyncLoop> waiting = new ArrayList<>();
        boolean drained = true;
        for (AsyncLoop loop : loops) {
            if (loop.isRunning() && loop.requestShutdown(timeout)) {
                waiting.add(loop);
            } else {
                drained &= loop.shutdownGracefully(timeout);
            }
        }
        for (AsyncLoop loop : waiting) {
            loop.awaitTermination(timeout.plusSeconds(10));
            drained &= loop.drained();
        }
        return drained;
    }

    /**
     * Waits for every loop thread to end. Any thread.
     *
     * @param wait the longest wait for each loop
     * @return true if all ended
     */
    public boolean awaitTermination(Duration wait) {
        boolean all = true;
        for (AsyncLoop loop : loops) {
            all &= loop.awaitTermination(wait);
        }
        return all;
    }

    /**
     * Whether every loop thread has ended. Any thread.
     *
     * @return true once all ended
     */
    public boolean isTerminated() {
        return loops.stream().allMatch(AsyncLoop::isTerminated);
    }

    /** Stops every loop at once: {@link #shutdownGracefully(Duration)} with no time to finish. Any thread but the group's. */
    @Override
    public void close() {
        shutdownGracefully(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "AsyncLoopGroup" + loops;
    }

    /** Configures an {@link AsyncLoopGroup}: the settings of {@link AsyncLoop.Builder} for every loop. Any thread. */
    public static final class Builder {
        private final int threads;
        private String threadName = "asyncore-loop";
        private Duration timeout = AsyncLoop.DEFAULT_TIMEOUT;
        private boolean usePoll;
        private boolean daemon;
        private LogSink logSink;
        private Duration blockedWarning = AsyncLoop.DEFAULT_BLOCKED_WARNING;

        private Builder(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("an asyncore loop group needs 1 or more threads, was " + threads);
            }
            this.threads = threads;
        }

        /**
         * Sets the name the threads derive from: the name itself for a group of one (a single loop keeps its name),
         * {@code name-index} otherwise.
         *
         * @param name the base name
         * @return this builder
         */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "threadName");
            return this;
        }

        /**
         * Sets each loop's longest wait of one pass.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Chooses poll dispatch for every loop.
         *
         * @param usePoll true for poll dispatch
         * @return this builder
         */
        public Builder usePoll(boolean usePoll) {
            this.usePoll = usePoll;
            return this;
        }

        /**
         * Whether the loop threads are daemons (default false).
         *
         * @param daemon true for daemon threads
         * @return this builder
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Sets, for every loop, how long one handler call, task or timer may hold it before the watchdog warns (see
         * {@link AsyncLoop.Builder#blockedWarning(Duration)}); zero turns the watchdog off.
         *
         * @param warning zero or a positive duration
         * @return this builder
         */
        public Builder blockedWarning(Duration warning) {
            this.blockedWarning = BlockWatch.checkWarning(warning);
            return this;
        }

        /**
         * Sets where every map of the group logs.
         *
         * @param sink the sink; null for the maps' default
         * @return this builder
         */
        public Builder logSink(LogSink sink) {
            this.logSink = sink;
            return this;
        }

        /**
         * Builds the group, a new map per loop; it starts with {@link AsyncLoopGroup#start()}.
         *
         * @return the group
         */
        public AsyncLoopGroup build() {
            List<AsyncLoop> loops = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                DispatcherMap map = new DispatcherMap();
                map.setLogSink(logSink);
                loops.add(loop(i, map).build());
            }
            return new AsyncLoopGroup(loops);
        }

        /**
         * A builder of loop {@code index} of such a group on a map of the caller's: this builder's settings and the thread
         * name {@link #build()} gives that loop. For a container that makes the group's loops itself (its first loop a
         * bean of its own, say) and joins them with {@link AsyncLoopGroup#AsyncLoopGroup(List)}. Any thread.
         *
         * @param index the loop's index, 0 to the group's size less one
         * @param map the loop's map
         * @return a builder of that loop, its settings open to change
         * @throws IndexOutOfBoundsException if the index is outside the group
         */
        public AsyncLoop.Builder loop(int index, DispatcherMap map) {
            Objects.checkIndex(index, threads);
            return AsyncLoop.builder(map)
                    .threadName(threads == 1 ? threadName : threadName + "-" + index)
                    .timeout(timeout)
                    .usePoll(usePoll)
                    .daemon(daemon)
                    .blockedWarning(blockedWarning);
        }
    }
}
