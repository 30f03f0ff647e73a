package dev.asyncore.internal.offload;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.asyncore.Offload;

/**
 * The machinery of one {@link Offload}: hands calls to its executor within {@code maxInFlight}, queues up to
 * {@code maxWaiting} more, rejects the rest, and keeps the figures and the count of calls not yet settled that
 * {@code awaitQuiescence} waits on. The offload makes one as it is built and reaches it through the
 * {@link dev.asyncore.internal.ApiAccess} seam; the figures are read on any thread, the rest runs where each method says.
 */
public final class OffloadRunner {

    private static final System.Logger LOG = System.getLogger(Offload.class.getName());

    private final Executor executor;
    private final int maxInFlight;
    private final int maxWaiting;
    private final boolean interruptOnClose;
    private final String name;
    private final Offload.Listener listener;

    private final Object lock = new Object();
    private final ArrayDeque<BlockingCall<?>> queue = new ArrayDeque<>();
    private volatile int inFlight;
    private volatile int waiting;
    /** Calls made and not yet delivered, dropped or cancelled; guarded by {@link #lock}. */
    private int outstanding;

    private volatile long completed;
    private volatile long failed;
    private volatile long rejected;
    private volatile long dropped;
    private volatile long cancelled;
    private final AtomicInteger listenerFailures = new AtomicInteger();

    /**
     * Makes the machinery of an offload with these settings. Any thread.
     *
     * @param executor where the calls run
     * @param maxInFlight the calls that may run at once
     * @param maxWaiting the calls that may wait once {@code maxInFlight} run
     * @param interruptOnClose whether a call still running when its dispatcher closes is interrupted
     * @param name the offload's name, for messages
     * @param listener told of each call, or null
     */
    public OffloadRunner(
            Executor executor,
            int maxInFlight,
            int maxWaiting,
            boolean interruptOnClose,
            String name,
            Offload.Listener listener) {
        this.executor = executor;
        this.maxInFlight = maxInFlight;
        this.maxWaiting = maxWaiting;
        this.interruptOnClose = interruptOnClose;
        this.name = name;
        this.listener = listener;
    }

    // ------------------------------------------------------------------------------------------------------------------
    // figures, any thread

    /**
     * The calls handed to the executor and not yet finished. Any thread.
     *
     * @return the count
     */
    public int inFlight() {
        return inFlight;
    }

    /**
     * The calls waiting for a place. Any thread.
     *
     * @return the count
     */
    public int waiting() {
        return waiting;
    }

    /**
     * The calls that ran to their end. Any thread.
     *
     * @return the count
     */
    public long completed() {
        return completed;
    }

    /**
     * The calls that ran and threw. Any thread.
     *
     * @return the count
     */
    public long failed() {
        return failed;
    }

    /**
     * The calls refused. Any thread.
     *
     * @return the count
     */
    public long rejected() {
        return rejected;
    }

    /**
     * The calls whose result was dropped as their dispatcher closed. Any thread.
     *
     * @return the count
     */
    public long dropped() {
        return dropped;
    }

    /**
     * The calls that never ran as their dispatcher closed first. Any thread.
     *
     * @return the count
     */
    public long cancelled() {
        return cancelled;
    }

    /**
     * Waits until every call has been delivered, dropped or cancelled. Any thread but a loop thread (the offload checks).
     *
     * @param timeoutNanos the longest wait
     * @return true if that state was reached in time
     */
    public boolean awaitQuiescence(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (outstanding > 0 || inFlight > 0 || waiting > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------------------------------
    // machinery for BlockingCalls and BlockingCall

    boolean interruptOnClose() {
        return interruptOnClose;
    }

    /** A call was made: it counts until delivered, dropped or cancelled. Loop thread. */
    void accepted() {
        synchronized (lock) {
            outstanding++;
        }
    }

    /** A call is over for its dispatcher: delivered, dropped or cancelled. Any thread. */
    void settled() {
        synchronized (lock) {
            outstanding--;
            wakeIfQuiet();
        }
    }

    /** Hands a call to the executor, or queues it, or rejects it when both are full. Loop thread. */
    void submit(BlockingCall<?> call) {
        boolean full = false;
        synchronized (lock) {
            if (inFlight < maxInFlight) {
                inFlight++;
            } else if (queue.size() < maxWaiting) {
                queue.addLast(call);
                waiting = queue.size();
                return;
            } else {
                rejected++;
                full = true;
            }
        }
        if (full) {
            refuse(call);
        } else {
            hand(call);
        }
    }

    /** Refuses a call because every place is taken and the waiting queue is full. Loop thread. */
    private void refuse(BlockingCall<?> call) {
        tell(Offload.Listener::callRejected);
        call.rejectedWith(new RejectedExecutionException("offload '" + name + "' is full: maxInFlight=" + maxInFlight
                + " calls run and maxWaiting=" + maxWaiting + " wait; raise either limit or lower the load"));
    }

    /** Gives a call that holds a place to the executor; if it refuses, the place goes to the next waiting call. */
    private void hand(BlockingCall<?> call) {
        BlockingCall<?> next = call;
        while (next != null) {
            try {
                executor.execute(next);
                return;
            } catch (RuntimeException | OutOfMemoryError e) {
                // OutOfMemoryError: a pool that could not start a thread. The call fails; the loop goes on.
                synchronized (lock) {
                    rejected++;
                }
                tell(Offload.Listener::callRejected);
                next.rejectedWith(new RejectedExecutionException(
                        "the executor of offload '" + name + "' rejected the call: " + e, e));
                next = releasePlace();
            }
        }
    }

    /** A place is free: the next waiting call takes it (returned), or the count drops. */
    private BlockingCall<?> releasePlace() {
        synchronized (lock) {
            BlockingCall<?> next = queue.pollFirst();
            if (next != null) {
                waiting = queue.size();
                return next;
            }
            inFlight--;
            wakeIfQuiet();
            return null;
        }
    }

    /** A call that will not run any more leaves the waiting queue, if it is there. Loop thread. */
    void withdraw(BlockingCall<?> call) {
        synchronized (lock) {
            if (queue.remove(call)) {
                waiting = queue.size();
                wakeIfQuiet();
            }
        }
    }

    /** Runs a call on the executor's thread: skipped if cancelled; then its place goes to the next waiting call. */
    void run(BlockingCall<?> call) {
        try {
            if (call.begin()) {
                tell(Offload.Listener::callStarted);
                long start = System.nanoTime();
                boolean threw = call.invoke();
                long duration = System.nanoTime() - start;
                synchronized (lock) {
                    completed++;
                    if (threw) {
                        failed++;
                    }
                }
                tell(l -> l.callFinished(duration, threw));
                call.finish();
            }
        } finally {
            BlockingCall<?> next = releasePlace();
            if (next != null) {
                hand(next);
            }
        }
    }

    /** A call's result was dropped: its dispatcher closed first. Any thread. */
    void countDropped() {
        synchronized (lock) {
            dropped++;
        }
        tell(Offload.Listener::resultDropped);
    }

    /** A call never ran: its dispatcher closed first. Loop thread. */
    void countCancelled() {
        synchronized (lock) {
            cancelled++;
        }
        tell(Offload.Listener::callCancelled);
    }

    private void wakeIfQuiet() {
        if (outstanding == 0 && inFlight == 0 && queue.isEmpty()) {
            lock.notifyAll();
        }
    }

    private void tell(Consumer<Offload.Listener> event) {
        if (listener == null) {
            return;
        }
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            // The first failure with its trace; the rest would repeat it once per call.
            if (listenerFailures.getAndIncrement() == 0) {
                LOG.log(System.Logger.Level.WARNING, "listener of offload '" + name + "' failed", e);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "listener of offload '" + name + "' failed: " + e);
            }
        }
    }
}
