package dev.asyncore.internal.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.asyncore.AsyncLoop;
import dev.asyncore.BlockedLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.LogSink;
import dev.asyncore.internal.util.FailureLogLimit;

/**
 * The stamps one {@link AsyncLoop} leaves for the {@link LoopWatchdog}, and the episodes the watchdog catches in them.
 *
 * <p>The loop thread calls {@link #busy(long)} when it starts running handler code (tasks, timers, the dispatch after
 * select returns) and {@link #waiting()} before it waits in select: one plain load and one release store each, no
 * allocation, no fence. The watchdog thread calls {@link #sample(long)}: a stamp older than the warning is an episode;
 * it takes the loop thread's stack, and only if the stamp is still the same afterwards (so the stack was taken while the
 * loop was held) it marks the episode caught and logs one warning. The loop, at its next stamp, sees the mark, measures
 * the episode's whole duration and tells its listeners. Loop thread for {@code busy}/{@code waiting}, the watchdog
 * thread for {@code sample}; the figures any thread.
 */
public final class BlockWatch {

    private static final VarHandle SINCE;
    private static final VarHandle CAUGHT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SINCE = lookup.findVarHandle(BlockWatch.class, "since", long.class);
            CAUGHT = lookup.findVarHandle(BlockWatch.class, "caught", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String loopName;
    private final long warningNanos;
    private final DispatcherMap map;
    private final Consumer<BlockedLoop> ended;
    private final FailureLogLimit logLimit = new FailureLogLimit("blocked-loop warnings");

    /** When the running phase began ({@link System#nanoTime()}, never 0), or 0 while waiting: loop writes, release. */
    private long since;
    /** The stamp of an episode the watchdog caught, until the loop takes it; 0 when none. */
    private long caught;

    private volatile Thread thread;
    private volatile StackTraceElement[] caughtStack;
    private volatile String caughtHandler;
    private volatile long caughtAge;
    private volatile BlockedLoop last;
    private volatile long count;
    /** The stamp last reported: each episode is reported once. Watchdog thread only. */
    private long reported;

    /** Checks a warning threshold: zero (off) or positive. Any thread. */
    public static Duration checkWarning(Duration warning) {
        if (warning == null || warning.isNegative()) {
            throw new IllegalArgumentException("blockedWarning must be zero (off) or positive, was " + warning);
        }
        return warning;
    }

    /** Watches the loop named {@code loopName}: past {@code warning} in one handler, it reports to {@code ended}. Any thread. */
    public BlockWatch(String loopName, Duration warning, DispatcherMap map, Consumer<BlockedLoop> ended) {
        this.loopName = loopName;
        this.warningNanos = warning.toNanos();
        this.map = map;
        this.ended = ended;
    }

    /** Whether a watchdog should sample this loop: a non-zero warning. */
    boolean enabled() {
        return warningNanos > 0;
    }

    long warningNanos() {
        return warningNanos;
    }

    /** The loop thread begins; the watchdog starts sampling it when enabled. Loop thread. */
    public void start(Thread loopThread) {
        thread = loopThread;
        if (enabled()) {
            LoopWatchdog.watch(this);
        }
    }

    /** The loop thread ends. Loop thread. */
    public void stop() {
        waiting();
        if (enabled()) {
            LoopWatchdog.unwatch(this);
        }
    }

    /**
     * The loop starts running handler code now. Loop thread; one plain load and one release store.
     *
     * @param now {@link System#nanoTime()}
     */
    void busy(long now) {
        if ((long) CAUGHT.getOpaque(this) != 0) {
            ended(now);
        }
        SINCE.setRelease(this, now == 0 ? 1 : now);
    }

    /** The loop is about to wait in select. Loop thread; one plain load and one release store. */
    void waiting() {
        if ((long) CAUGHT.getOpaque(this) != 0) {
            ended(System.nanoTime());
        }
        SINCE.setRelease(this, 0L);
    }

    /** A caught episode is over: measure it, count it, tell the listeners. Loop thread, rare. */
    private void ended(long now) {
        long start = (long) CAUGHT.getAndSet(this, 0L);
        if (start == 0) {
            return;
        }
        // Almost always the episode is the stamp being replaced. Rarely the watchdog marked it in the few instructions
        // between this thread's load of the mark and its store of the next stamp: then it ended at that store, and the
        // age the watchdog saw is the best bound left.
        long nanos = start == since ? now - start : caughtAge;
        Instant at = Instant.now().minusNanos(System.nanoTime() - start);
        BlockedLoop event = new BlockedLoop(loopName, caughtHandler, Duration.ofNanos(nanos), at, caughtStack);
        last = event;
        count = count + 1;
        ended.accept(event);
    }

    /**
     * Looks at the loop once: reports an episode older than the warning, once. Watchdog thread.
     *
     * @param now {@link System#nanoTime()}
     */
    void sample(long now) {
        long start = (long) SINCE.getAcquire(this);
        Thread t = thread;
        if (start == 0 || start == reported || now - start < warningNanos || t == null) {
            return;
        }
        StackTraceElement[] stack = t.getStackTrace();
        if ((long) SINCE.getVolatile(this) != start) {
            return; // the loop went on while the stack was taken: it may show later code, not this episode's
        }
        reported = start;
        long age = System.nanoTime() - start;
        String handler = HandlerFrame.of(stack);
        caughtStack = stack;
        caughtHandler = handler;
        caughtAge = age;
        CAUGHT.setRelease(this, start);
        warn(handler, age, stack);
    }

    private void warn(String handler, long age, StackTraceElement[] stack) {
        LogSink sink = map.logSink();
        if (!logLimit.admit(System.nanoTime(), (type, message) -> sink.log(null, type, message))) {
            return;
        }
        String line = "asyncore loop '" + loopName + "' blocked for " + TimeUnit.NANOSECONDS.toMillis(age) + " ms in "
                + handler + "; every other channel of this loop waits meanwhile (warning after "
                + TimeUnit.NANOSECONDS.toMillis(warningNanos) + " ms; move blocking calls off the loop)";
        if (sink == LogSink.STANDARD_STREAMS) {
            // Python's streams print no trace of their own: the frames follow the line.
            StringBuilder text = new StringBuilder(line);
            for (StackTraceElement frame : stack) {
                text.append(System.lineSeparator()).append("    at ").append(frame);
            }
            sink.log(null, "warning", text.toString());
        } else {
            sink.log(null, "warning", line, new BlockedLoopTrace(loopName, stack));
        }
    }

    /** The last episode, or null. Any thread. */
    public BlockedLoop last() {
        return last;
    }

    /** The episodes so far. Any thread. */
    public long count() {
        return count;
    }
}
