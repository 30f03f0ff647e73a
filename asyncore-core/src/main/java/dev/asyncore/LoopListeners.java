package dev.asyncore;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one {@link AsyncLoop}, told in the order they were added; a listener that throws is logged and the
 * others are still told. {@link #add} from any thread; the events on the loop thread.
 */
final class LoopListeners implements AsyncLoop.Listener {

    private final CopyOnWriteArrayList<AsyncLoop.Listener> listeners = new CopyOnWriteArrayList<>();
    private final DispatcherMap map;

    LoopListeners(DispatcherMap map) {
        this.map = map;
    }

    void add(AsyncLoop.Listener listener) {
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
