package dev.asyncore;

/**
 * A task an {@link AsyncLoop} runs after a delay: ordered by deadline, then by the order it was scheduled in. Built on any
 * thread; queued and run on the loop thread; {@link #cancel()} from any thread.
 */
final class LoopTimer implements Comparable<LoopTimer>, AsyncLoop.Cancellable {

    final Runnable task;
    final long deadline;
    /** The order of scheduling among equal deadlines; set on the loop thread as the timer is queued. */
    long sequence;

    volatile boolean cancelled;

    LoopTimer(Runnable task, long deadline) {
        this.task = task;
        this.deadline = deadline;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    /** Compares deadlines by their difference, as {@link System#nanoTime()} values may wrap. */
    @Override
    public int compareTo(LoopTimer other) {
        int c = Long.compare(deadline - other.deadline, 0);
        return c != 0 ? c : Long.compare(sequence, other.sequence);
    }
}
