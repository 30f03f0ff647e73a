package dev.asyncore.boot.server;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.asyncore.Offload;

/**
 * The listener a server's {@link Offload} is built with: it passes each event on to the listeners added since, such as
 * the Micrometer timer bound after the server was made. Events arrive on the threads the offload calls them on (loop and
 * executor threads); {@link #add} may be called from any thread. A listener that throws does not keep the event from the
 * others; the first failure is then thrown on to the offload, which logs it.
 */
public final class OffloadListeners implements Offload.Listener {

    private final List<Offload.Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Adds a listener told of every later event. Any thread.
     *
     * @param listener the listener
     */
    public void add(Offload.Listener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A call began running on the executor. The thread the offload tells it on. */
    @Override
    public void callStarted() {
        tellAll(Offload.Listener::callStarted);
    }

    /**
     * A call returned or threw. The thread the offload tells it on.
     *
     * @param durationNanos how long it ran
     * @param failed whether it threw
     */
    @Override
    public void callFinished(long durationNanos, boolean failed) {
        // once per call: a loop of its own rather than a capturing lambda, which would allocate
        RuntimeException first = null;
        for (Offload.Listener listener : this.listeners) {
            try {
                listener.callFinished(durationNanos, failed);
            } catch (RuntimeException ex) {
                first = (first != null) ? first : ex;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A call was refused: the server's limits were reached. The thread the offload tells it on. */
    @Override
    public void callRejected() {
        tellAll(Offload.Listener::callRejected);
    }

    /** A result was dropped: its connection had closed. The thread the offload tells it on. */
    @Override
    public void resultDropped() {
        tellAll(Offload.Listener::resultDropped);
    }

    private void tellAll(Consumer<Offload.Listener> event) {
        RuntimeException first = null;
        for (Offload.Listener listener : this.listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
