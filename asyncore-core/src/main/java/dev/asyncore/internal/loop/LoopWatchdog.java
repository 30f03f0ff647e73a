package dev.asyncore.internal.loop;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The one watchdog thread of the process, {@code asyncore-watchdog}: it samples the {@link BlockWatch} of every running
 * loop whose blocked warning is not zero, every half of the shortest warning (10 ms at least). Started when the first
 * such loop starts, it ends when none is left running. A daemon thread. Any thread.
 */
public final class LoopWatchdog {

    /** The watchdog thread's name. */
    public static final String THREAD_NAME = "asyncore-watchdog";

    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final CopyOnWriteArrayList<BlockWatch> WATCHED = new CopyOnWriteArrayList<>();
    private static Thread thread;

    private LoopWatchdog() {}

    /** Starts sampling a loop, and the thread if it is not running. Any thread. */
    static synchronized void watch(BlockWatch watch) {
        WATCHED.add(watch);
        if (thread == null) {
            Thread t = new Thread(LoopWatchdog::run, THREAD_NAME);
            t.setDaemon(true);
            t.setContextClassLoader(null);
            thread = t;
            t.start();
        }
        LoopWatchdog.class.notifyAll();
    }

    /** Stops sampling a loop; the thread ends once it samples none. Any thread. */
    static synchronized void unwatch(BlockWatch watch) {
        WATCHED.remove(watch);
        LoopWatchdog.class.notifyAll();
    }

    /** How many loops are sampled now. Any thread. */
    public static int watched() {
        return WATCHED.size();
    }

    private static void run() {
        try {
            while (true) {
                synchronized (LoopWatchdog.class) {
                    if (WATCHED.isEmpty()) {
                        thread = null;
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(LoopWatchdog.class, interval());
                }
                long now = System.nanoTime();
                for (BlockWatch w : WATCHED) {
                    sample(w, now);
                }
            }
        } catch (InterruptedException e) {
            synchronized (LoopWatchdog.class) {
                thread = null;
            }
        } catch (RuntimeException | Error e) {
            synchronized (LoopWatchdog.class) {
                thread = null;
            }
            throw e;
        }
    }

    private static void sample(BlockWatch w, long now) {
        try {
            w.sample(now);
        } catch (RuntimeException e) {
            // The loop's log sink failed: there is nowhere else to say it but standard error.
            System.err.println(THREAD_NAME + ": could not report a blocked loop: " + e);
        }
    }

    /** Half the shortest warning of the loops watched, 10 ms at least. Under the class's lock. */
    private static long interval() {
        long shortest = Long.MAX_VALUE;
        for (BlockWatch w : WATCHED) {
            shortest = Math.min(shortest, w.warningNanos());
        }
        return Math.max(MIN_INTERVAL_NANOS, shortest / 2);
    }
}
