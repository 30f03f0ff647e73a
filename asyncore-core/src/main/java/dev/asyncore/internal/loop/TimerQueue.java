package dev.asyncore.internal.loop;

import java.util.PriorityQueue;

import dev.asyncore.AsyncLoop;

/**
 * The timers of an {@link AsyncLoop}, ordered by deadline and then by the order they were queued in. When the queue has
 * doubled since the last purge, the cancelled timers are dropped before the next is queued, so that a server that cancels
 * most of its timeouts (handshakes and PROXY headers that finish) keeps a queue the size of its live timers. Loop thread.
 */
final class TimerQueue {

    /** The smallest queue that is purged of cancelled timers. */
    private static final int MIN_PURGE = 1024;

    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    private long sequence;
    private int purgeAt = MIN_PURGE;

    /** Queues a timer after the others of its deadline. */
    void add(LoopTimer timer) {
        if (timers.size() >= purgeAt) {
            timers.removeIf(LoopTimer::isCancelled);
            purgeAt = Math.max(MIN_PURGE, 2 * timers.size());
        }
        timer.sequence = sequence++;
        timers.add(timer);
    }

    /** The timer due first, or null. */
    LoopTimer peek() {
        return timers.peek();
    }

    /** Removes and returns the timer due first, or null. */
    LoopTimer poll() {
        return timers.poll();
    }

    /** The timers queued, cancelled ones included until they are purged or due. */
    int size() {
        return timers.size();
    }
}
