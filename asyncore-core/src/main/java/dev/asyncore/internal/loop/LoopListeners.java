package dev.asyncore.internal.loop;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.asyncore.AsyncLoop;
import dev.asyncore.BlockedLoop;
import dev.asyncore.DispatcherMap;

/**
 * The listeners of one {@link AsyncLoop}, told in the order they were added; a listener that throws is logged and the
 * others are still told. {@link #add} from any thread; the events on the loop thread.
 */
public final class LoopListeners implements AsyncLoop.Listener {

    private final CopyOnWriteArrayList<AsyncLoop.Listener> listeners = new CopyOnWriteArrayList<>();
    private final DispatcherMap map;

    /** Creates the loop's listeners; a listener's failure is logged through {@code map}. Any thread. */
    public LoopListeners(DispatcherMap map) {
        this.map = map;
    }

    /** Adds a listener. Any thread. */
    public void add(AsyncLoop.Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void shutdownStarted() {
        tell(AsyncLoop.Listener::shutdownStarted);
    }

    @Override
    public void terminated(Throwable failure) {
        tell(l -> l.terminated(failure));
    }

    @Override
    public void blocked(BlockedLoop event) {
        tell(l -> l.blocked(event));
    }

    private void tell(Consumer<AsyncLoop.Listener> event) {
        for (AsyncLoop.Listener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                map.logSink().log(null, "error", "asyncore loop listener failed: " + e);
            }
        }
    }
}
