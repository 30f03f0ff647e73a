package dev.asyncore.internal.offload;

import java.util.concurrent.Callable;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.Offload;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ChannelAccess;
import dev.asyncore.internal.loop.Registration;
import dev.asyncore.internal.util.Throwables;

/**
 * One dispatcher's blocking calls, in the order it made them (its slot queue): the first
 * {@code maxInFlightPerDispatcher} are handed to their {@link Offload}, the rest are held until earlier ones are
 * delivered; outcomes are delivered from the head only, so a call that ends early waits for the ones made before it.
 * While as many calls as the limit are outstanding, {@link #readPaused()} tells the loop to stop reading. Made on the
 * dispatcher's first call, so that a dispatcher that never makes one carries nothing. Loop thread, except
 * {@link #run()}'s posting, which the executor's threads do through {@link AsyncLoop#execute}.
 */
public final class BlockingCalls implements Runnable {

    private static final ChannelAccess CHANNELS = ApiAccess.channels();

    private final Dispatcher dispatcher;
    private BlockingCall<?> head;
    private BlockingCall<?> tail;
    /** The first call not yet handed to its offload, or null. */
    private BlockingCall<?> firstHeld;

    private int size;
    private int submitted;
    private boolean paused;

    /**
     * Makes the (empty) queue of a dispatcher's calls, on its first call. Loop thread.
     *
     * @param dispatcher the dispatcher that makes the calls
     */
    public BlockingCalls(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * Whether the loop must not read from the dispatcher: its limit of outstanding calls is reached. Loop thread.
     *
     * @return true while paused
     */
    public boolean readPaused() {
        return paused;
    }

    /**
     * The calls made and not yet delivered. Loop thread.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * Makes a call: queued in order, handed to the offload unless the dispatcher's limit holds it back. Loop thread.
     *
     * @param offload where the call runs
     * @param loop the dispatcher's loop, which delivers the outcome
     * @param call the blocking call
     * @param then takes the result
     * @param onFailure takes the failure, or null for the dispatcher's {@code handleError}
     * @param <T> the result type
     */
    public <T> void add(
            Offload offload, AsyncLoop loop, Callable<T> call, Offload.Then<T> then, Offload.Failure onFailure) {
        OffloadRunner runner = ApiAccess.runner(offload);
        BlockingCall<T> c = new BlockingCall<>(this, runner, loop, call, then, onFailure);
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        size++;
        runner.accepted();
        if (firstHeld == null && submitted < limit()) {
            submitted++;
            runner.submit(c);
        } else if (firstHeld == null) {
            firstHeld = c;
        }
        updatePause();
    }

    /** Delivers every outcome at the head that is ready, in order. Loop thread (a task of the loop). */
    @Override
    public void run() {
        BlockingCall<?> c;
        boolean any = false;
        while ((c = head) != null && c.isDone()) {
            head = c.next;
            if (head == null) {
                tail = null;
            }
            c.next = null;
            size--;
            submitted--;
            c.settle();
            submitHeld();
            any = true;
            deliver(c);
        }
        if (any) {
            updatePause();
            Registration r = CHANNELS.registration(dispatcher);
            if (r != null) {
                // A channel waiting for its calls was not idle.
                r.touch();
            }
        }
    }

    private void submitHeld() {
        int limit = limit();
        while (firstHeld != null && submitted < limit) {
            BlockingCall<?> c = firstHeld;
            firstHeld = c.next;
            submitted++;
            c.runner.submit(c);
        }
    }

    private <T> void deliver(BlockingCall<T> c) {
        Throwable failure = c.failure();
        if (failure != null && c.onFailure() == null) {
            handleError(failure);
            return;
        }
        try {
            if (failure == null) {
                c.then().accept(c.result());
            } else {
                c.onFailure().accept(failure);
            }
        } catch (Throwable t) {
            if (Throwables.isReraised(t)) {
                Throwables.sneakyThrow(t);
            }
            handleError(t);
        }
    }

    /** As for a handler's exception: {@code handleError}, and if that throws too, the channel is closed. */
    private void handleError(Throwable t) {
        try {
            CHANNELS.handleErrorRecorded(dispatcher, t);
        } catch (Throwable failed) {
            CHANNELS.contain(dispatcher, failed);
        }
    }

    /** The dispatcher closed: nothing of its calls will reach it. Loop thread. */
    public void closed() {
        BlockingCall<?> c = head;
        head = null;
        tail = null;
        firstHeld = null;
        size = 0;
        submitted = 0;
        paused = false;
        while (c != null) {
            BlockingCall<?> next = c.next;
            c.next = null;
            c.closed();
            c = next;
        }
    }

    private int limit() {
        return dispatcher.offload().maxInFlightPerDispatcher();
    }

    private void updatePause() {
        boolean pause = size >= limit();
        if (pause != paused) {
            paused = pause;
            Registration.markDirty(CHANNELS.registration(dispatcher));
        }
    }
}
