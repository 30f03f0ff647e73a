package dev.asyncore.internal.offload;

import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Offload;

/**
 * One blocking call of a dispatcher: its place in the dispatcher's slot queue, its state and its outcome. The executor
 * runs it ({@link #run()}); the dispatcher's loop delivers it or, when the dispatcher closes first, drops it.
 *
 * <p>States, changed by compare-and-set so that exactly one side settles each call: {@code QUEUED} (made, not started)
 * goes to {@code RUNNING} when the executor starts it, or to {@code DONE} when it is rejected, or to {@code CANCELLED}
 * when its dispatcher closes first (it never runs). {@code RUNNING} goes to {@code DONE} with its outcome, or to
 * {@code ABANDONED} when its dispatcher closes first (its outcome is then dropped as it ends). {@code DONE} goes to
 * {@code SETTLED} when the loop delivers it, or when the dispatcher closes before that (dropped).
 */
final class BlockingCall<T> implements Runnable {

    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int CANCELLED = 3;
    static final int ABANDONED = 4;
    static final int SETTLED = 5;

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<BlockingCall> STATE =
            AtomicIntegerFieldUpdater.newUpdater(BlockingCall.class, "state");

    final BlockingCalls owner;
    final OffloadRunner runner;
    final AsyncLoop loop;
    private final Callable<T> call;
    private final Offload.Then<T> then;
    private final Offload.Failure onFailure;

    /** The next call of the same dispatcher, in the order they were made. Loop thread. */
    BlockingCall<?> next;

    private volatile int state;
    /** Written before the state becomes {@code DONE}, read after it is seen. */
    private T result;

    private Throwable failure;
    private boolean ran;
    /** The thread running the call, while it runs; guarded by {@code this}. */
    private Thread thread;

    BlockingCall(
            BlockingCalls owner,
            OffloadRunner runner,
            AsyncLoop loop,
            Callable<T> call,
            Offload.Then<T> then,
            Offload.Failure onFailure) {
        this.owner = owner;
        this.runner = runner;
        this.loop = loop;
        this.call = call;
        this.then = then;
        this.onFailure = onFailure;
    }

    /** The executor runs the call. Its thread. */
    @Override
    public void run() {
        runner.run(this);
    }

    /** Claims the call for running: false if its dispatcher closed first. Executor's thread. */
    boolean begin() {
        synchronized (this) {
            if (!STATE.compareAndSet(this, QUEUED, RUNNING)) {
                return false;
            }
            thread = Thread.currentThread();
            return true;
        }
    }

    /**
     * Calls it, keeping the outcome. An interrupt meant for it (on close) is cleared before the thread goes back to its
     * executor. Executor's thread.
     *
     * @return whether it threw
     */
    boolean invoke() {
        try {
            result = call.call();
        } catch (Throwable t) {
            failure = t;
        } finally {
            ran = true;
            synchronized (this) {
                thread = null;
            }
            // No interrupt can come after thread is cleared: clear one that came during the call.
            Thread.interrupted();
        }
        return failure != null;
    }

    /** The call ended: hands it to the loop, or drops its outcome if the dispatcher closed meanwhile. Executor's thread. */
    void finish() {
        if (STATE.compareAndSet(this, RUNNING, DONE)) {
            post();
        } else {
            dropped();
        }
    }

    /** The offload or the executor refused the call: delivered in order as a failure. Any thread. */
    void rejectedWith(RejectedExecutionException e) {
        failure = e;
        if (STATE.compareAndSet(this, QUEUED, DONE)) {
            post();
        }
    }

    private void post() {
        try {
            loop.execute(owner);
        } catch (RejectedExecutionException loopEnded) {
            // The loop ended: its channels are closed, and close dropped this call unless it ran just past it.
            if (STATE.compareAndSet(this, DONE, SETTLED)) {
                dropped();
            }
        }
    }

    private void dropped() {
        state = SETTLED;
        if (ran) {
            runner.countDropped();
        }
        runner.settled();
    }

    /** Whether the outcome is ready for delivery. Loop thread. */
    boolean isDone() {
        return state == DONE;
    }

    /** Takes the call for delivery. Loop thread. */
    void settle() {
        state = SETTLED;
        runner.settled();
    }

    T result() {
        return result;
    }

    Throwable failure() {
        return failure;
    }

    Offload.Then<T> then() {
        return then;
    }

    Offload.Failure onFailure() {
        return onFailure;
    }

    /**
     * Its dispatcher closed: a call not started never runs, a running one finishes unseen (interrupted if the offload
     * says so), an outcome waiting for delivery is dropped. Loop thread.
     */
    void closed() {
        while (true) {
            int s = state;
            if (s == QUEUED && STATE.compareAndSet(this, QUEUED, CANCELLED)) {
                runner.withdraw(this);
                runner.countCancelled();
                runner.settled();
                return;
            } else if (s == RUNNING && abandon()) {
                return;
            } else if (s == DONE && STATE.compareAndSet(this, DONE, SETTLED)) {
                dropped();
                return;
            } else if (s != QUEUED && s != RUNNING && s != DONE) {
                return;
            }
        }
    }

    private boolean abandon() {
        synchronized (this) {
            if (!STATE.compareAndSet(this, RUNNING, ABANDONED)) {
                return false;
            }
            if (thread != null && runner.interruptOnClose()) {
                thread.interrupt();
            }
            return true;
        }
    }
}
