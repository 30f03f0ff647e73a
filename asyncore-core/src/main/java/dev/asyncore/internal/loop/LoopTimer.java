package dev.asyncore.internal.loop;

import dev.asyncore.AsyncLoop;

/**
 * A task an {@link AsyncLoop} runs after a delay: ordered by deadline, then by the order it was scheduled in. Built on any
 * thread; queued and run on the loop thread; {@link #cancel()} from any thread.
 *
 * <p>Cancelling drops the task at once, so that what the task reaches (a handshake's transport, its channel, its
 * dispatcher) can be collected as soon as the caller lets go of it, not at the deadline; the empty timer itself leaves the
 * queue at its deadline, or earlier when the queue has doubled ({@link TimerQueue} then purges the cancelled ones).
 */
public final class LoopTimer implements Comparable<LoopTimer>, AsyncLoop.Cancellable {

    private volatile Runnable task;
    final long deadline;
    /** The order of scheduling among equal deadlines; set on the loop thread as the timer is queued. */
    long sequence;

    /** A timer that runs {@code task} at {@code deadline} ({@link System#nanoTime()}). Any thread. */
    public LoopTimer(Runnable task, long deadline) {
        this.task = task;
        this.deadline = deadline;
    }

    @Override
    public void cancel() {
        task = null;
    }

    /** Whether {@link #cancel()} was called (or the timer ran). Any thread. */
    boolean isCancelled() {
        return task == null;
    }

    /**
     * Takes the task for running, leaving the timer cancelled. Loop thread.
     *
     * @return the task, or null if cancelled
     */
    Runnable take() {
        Runnable t = task;
        task = null;
        return t;
    }

    /** Compares deadlines by their difference, as {@link System#nanoTime()} values may wrap. */
    @Override
    public int compareTo(LoopTimer other) {
        int c = Long.compare(deadline - other.deadline, 0);
        return c != 0 ? c : Long.compare(sequence, other.sequence);
    }
}
