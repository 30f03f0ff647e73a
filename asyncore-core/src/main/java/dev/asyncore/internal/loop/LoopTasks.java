package dev.asyncore.internal.loop;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ExitNow;

/**
 * The tasks and timers of one {@link AsyncLoop}: the queue other threads hand work to, and the timers ordered by deadline.
 * {@link #add(Runnable)} and {@link #isEmpty()} from any thread; the rest on the loop thread.
 */
public final class LoopTasks {

    /** The most tasks one pass runs. */
    static final int MAX_TASKS_PER_PASS = 4096;

    /** The longest a pass runs tasks before it turns to its channels, checked every 64 tasks. */
    static final long TASK_BUDGET_NANOS = 10_000_000;

    private final DispatcherMap map;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final TimerQueue timers = new TimerQueue();

    /** Creates the loop's task queue; a task's failure is logged through {@code map}. Any thread. */
    public LoopTasks(DispatcherMap map) {
        this.map = map;
    }

    /** Queues a task. Any thread. */
    /** Completes a future with what a task gives or throws; an {@link ExitNow} or a VM error goes on to the loop. */
    public static <T> void complete(Callable<T> task, CompletableFuture<T> result) {
        try {
            result.complete(task.call());
        } catch (ExitNow | VirtualMachineError e) {
            result.completeExceptionally(e);
            throw e;
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }

    /** Waits for a future and gives its value, or throws what it completed with, unwrapped. */
    public static <T> T await(CompletableFuture<T> result) throws Exception {
        try {
            return result.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Queues a task for the next pass. Any thread. */
    public void add(Runnable task) {
        tasks.add(task);
    }

    /** Whether no task waits. Any thread. */
    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** Drops the tasks left when the loop ends. */
    public void clear() {
        tasks.clear();
    }

    /** Adds a timer; timers of the same deadline run in the order they were added. Loop thread. */
    public void addTimer(LoopTimer timer) {
        timers.add(timer);
    }

    /** The timer due first, or null. Loop thread. */
    LoopTimer nextTimer() {
        return timers.peek();
    }

    /**
     * Runs queued tasks until the queue is empty, {@value #MAX_TASKS_PER_PASS} have run or {@value #TASK_BUDGET_NANOS} ns
     * have passed; the rest wait for the next pass, which then does not block in select. Tasks submitted from other threads
     * therefore cannot keep the loop from its channels. Loop thread.
     *
     * @param start {@link System#nanoTime()} as the phase begins
     */
    void runTasks(long start) {
        long deadline = start + TASK_BUDGET_NANOS;
        Runnable task;
        for (int ran = 1; (task = tasks.poll()) != null; ran++) {
            try {
                task.run();
            } catch (ExitNow e) {
                throw e;
            } catch (Exception e) {
                map.logSink().log(null, "error", "asyncore loop task failed", e);
            }
            if (ran == MAX_TASKS_PER_PASS || ((ran & 63) == 0 && System.nanoTime() - deadline >= 0)) {
                return;
            }
        }
    }

    /**
     * Runs the timers due by {@code now}, stamping the phase for the watchdog when there is one. Loop thread.
     *
     * @param now {@link System#nanoTime()}
     * @param watch the loop's stamps
     */
    void runTimers(long now, BlockWatch watch) {
        LoopTimer timer = timers.peek();
        if (timer == null || now - timer.deadline < 0) {
            return;
        }
        watch.busy(now);
        while ((timer = timers.peek()) != null && now - timer.deadline >= 0) {
            timers.poll();
            Runnable task = timer.take();
            if (task != null) {
                try {
                    task.run();
                } catch (ExitNow e) {
                    throw e;
                } catch (Exception e) {
                    map.logSink().log(null, "error", "asyncore scheduled task failed", e);
                }
            }
        }
    }
}
