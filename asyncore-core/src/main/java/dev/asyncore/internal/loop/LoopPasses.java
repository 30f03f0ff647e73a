package dev.asyncore.internal.loop;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ExitNow;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ChannelAccess;

/**
 * Runs an {@link AsyncLoop}'s passes on its thread, each as named steps: tasks, timers, the shutdown check, the idle
 * sweep, then one selector pass. A failed pass is logged and retried after a short back-off against a hot spin (Netty's
 * {@code handleLoopException}). Loop thread, but for the wake-up, the shutdown deadline and the figures (any thread).
 */
public final class LoopPasses {

    private static final ChannelAccess CHANNELS = ApiAccess.channels();

    private static final long BACKOFF_MILLIS = 100;
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(LoopPasses.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AsyncLoop loop;
    private final DispatcherMap map;
    private final LoopTasks tasks;
    private final BlockWatch watch;
    private final LoopGuard guard;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Written by the loop thread alone (release stores), read anywhere through {@link #count()} (acquire). */
    private long count;

    private volatile boolean drained;
    private volatile long shutdownDeadline;

    /** Creates the pass loop of {@code loop} over {@code map}, with the loop's tasks, watch and guard. Any thread. */
    public LoopPasses(AsyncLoop loop, DispatcherMap map, LoopTasks tasks, BlockWatch watch, LoopGuard guard) {
        this.loop = loop;
        this.map = map;
        this.tasks = tasks;
        this.watch = watch;
        this.guard = guard;
    }

    /** Wakes the selector for a task handed over from another thread, once until the next pass. Any thread. */
    public void wakeUp() {
        if (wakeupPending.compareAndSet(false, true)) {
            Selector s = CHANNELS.selectorIfOpen(map);
            if (s != null) {
                s.wakeup();
            }
        }
    }

    /** Sets when a graceful shutdown closes what is left, in {@link System#nanoTime()}. Any thread. */
    public void shutdownBy(long deadline) {
        shutdownDeadline = deadline;
    }

    /** Whether the last shutdown found every channel closed in time. Any thread. */
    public boolean drained() {
        return drained;
    }

    /** The number of passes so far. Any thread. */
    public long count() {
        return (long) COUNT.getAcquire(this);
    }

    /** Runs passes until a graceful shutdown ends them; an {@link ExitNow} or an {@link Error} ends them too. */
    public void run() throws IOException {
        Engine engine = CHANNELS.engine(map);
        // Open the selector before the first pass: execute() from another thread wakes the loop through it, and a task
        // queued while it was still unopened (after this thread found the queue empty) would wait a whole timeout.
        engine.selection().selector();
        long sweepNanos = Math.max(1, loop.timeout().toNanos());
        long lastSweep = System.nanoTime();
        while (true) {
            long start = System.nanoTime();
            watch.busy(start);
            tasks.runTasks(start);
            long now = System.nanoTime();
            tasks.runTimers(now, watch);
            if (loop.isShuttingDown() && (map.isEmpty() || now - shutdownDeadline >= 0)) {
                drained = map.isEmpty();
                return;
            }
            boolean sweep = now - lastSweep >= sweepNanos;
            if (sweep) {
                lastSweep = now;
                guard.closeIdle(now);
            }
            wakeupPending.set(false);
            long wait = tasks.isEmpty() ? waitMillis(now) : 0;
            try {
                engine.incrementalPass(wait, loop.usePoll(), sweep, guard);
            } catch (IOException | RuntimeException e) {
                if (e instanceof ExitNow exit) {
                    throw exit;
                }
                map.logSink()
                        .log(null, "warning", "asyncore loop " + loop.threadName() + " pass failed, retrying: " + e);
                backOff();
            }
            COUNT.setRelease(this, count + 1);
        }
    }

    private long waitMillis(long now) {
        long wait = loop.timeout().toMillis();
        LoopTimer next = tasks.nextTimer();
        if (next != null) {
            wait = Math.min(wait, Math.max(0, TimeUnit.NANOSECONDS.toMillis(next.deadline - now) + 1));
        }
        if (loop.isShuttingDown()) {
            wait = Math.min(wait, Math.max(1, TimeUnit.NANOSECONDS.toMillis(shutdownDeadline - now) + 1));
        }
        return Math.max(1, wait);
    }

    private void backOff() {
        watch.waiting();
        try {
            Thread.sleep(BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
