package dev.asyncore;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One pass of the loop over a map: ask for interest, wait on the selector, dispatch. Loop thread only; allocation-free
 * once warm. Python's passes ({@code poll}, {@code poll2}) ask every channel; an {@link AsyncLoop} asks only the channels
 * that may have changed, plus every channel once per sweep.
 */
final class Engine implements Consumer<SelectionKey> {

    /** How a dispatch step is run: the faithful wrappers, or the loop's guarded ones. */
    interface Guard {
        void read(Dispatcher d);

        void write(Dispatcher d);

        void readwrite(Dispatcher d, int flags);

        void connectOnly(Dispatcher d);
    }

    static final Guard FAITHFUL = new Guard() {
        @Override
        public void read(Dispatcher d) {
            Asyncore.read(d);
        }

        @Override
        public void write(Dispatcher d) {
            Asyncore.write(d);
        }

        @Override
        public void readwrite(Dispatcher d, int flags) {
            Asyncore.readwrite(d, flags);
        }

        @Override
        public void connectOnly(Dispatcher d) {
            Asyncore.finishConnectOnly(d);
        }
    };

    private final DispatcherMap map;
    private Dispatcher[] ready = new Dispatcher[64];
    private int readyCount;
    private long passNanos;

    Engine(DispatcherMap map) {
        this.map = map;
    }

    /** Python's pass: every channel's readable()/writable() once, then select, then dispatch in map order. */
    void fullPass(Duration timeout, boolean pollMode, Guard guard) throws IOException {
        if (map.isEmpty()) {
            return;
        }
        Selector selector = map.selector();
        Dispatcher[] snapshot = map.snapshot();
        int n = map.snapshotSize();
        map.clearDirty();
        boolean any = false;
        boolean now = false;
        for (int i = 0; i < n; i++) {
            Dispatcher d = snapshot[i];
            d.ready = 0;
            int wanted = d.updateInterest(selector);
            any |= wanted != 0;
            now |= (wanted & Asyncore.ALWAYS_READY) != 0;
        }
        readyCount = 0;
        select(selector, now ? Duration.ZERO : timeout);
        for (int i = 0; i < readyCount; i++) {
            ready[i].ready = ready[i].readyFlags(ready[i].key.readyOps());
            ready[i] = null;
        }
        if (!any) {
            return;
        }
        for (int i = 0; i < n; i++) {
            Dispatcher d = snapshot[i];
            if ((d.wanted & Asyncore.ALWAYS_READY) != 0) {
                d.ready = d.wanted & ~Asyncore.ALWAYS_READY;
            }
        }
        if (pollMode) {
            for (int i = 0; i < n; i++) {
                dispatchOne(snapshot[i], guard);
            }
        } else {
            dispatchPhases(snapshot, n, guard);
        }
    }

    /**
     * An {@link AsyncLoop} pass: interest is recomputed for channels marked dirty (and all of them when {@code sweep}), the
     * selector reports only ready channels, and they alone are dispatched, in the order the selector reports them.
     */
    void incrementalPass(long timeoutMillis, boolean pollMode, boolean sweep, Guard guard) throws IOException {
        Selector selector = map.selector();
        boolean now = sweep ? sweepAll(selector) : refreshDirty(selector);
        readyCount = 0;
        if (now || timeoutMillis == 0) {
            selector.selectNow(this);
        } else {
            selector.select(this, timeoutMillis);
        }
        passNanos = System.nanoTime();
        for (int i = 0; i < readyCount; i++) {
            Dispatcher d = ready[i];
            d.ready = d.readyFlags(d.key.readyOps());
            d.lastActivity = passNanos;
        }
        if (now) {
            collectAlwaysReady();
        }
        if (pollMode) {
            for (int i = 0; i < readyCount; i++) {
                dispatchOne(ready[i], guard);
            }
        } else {
            dispatchPhases(ready, readyCount, guard);
        }
        for (int i = 0; i < readyCount; i++) {
            ready[i].ready = 0;
            map.markDirty(ready[i]);
            ready[i] = null;
        }
    }

    long passNanos() {
        return passNanos;
    }

    @Override
    public void accept(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof Dispatcher d) {
            if (readyCount == ready.length) {
                ready = Arrays.copyOf(ready, readyCount * 2);
            }
            ready[readyCount++] = d;
        }
    }

    private boolean sweepAll(Selector selector) throws IOException {
        map.clearDirty();
        Dispatcher[] snapshot = map.snapshot();
        int n = map.snapshotSize();
        boolean now = false;
        for (int i = 0; i < n; i++) {
            now |= (snapshot[i].updateInterest(selector) & Asyncore.ALWAYS_READY) != 0;
        }
        return now;
    }

    private boolean refreshDirty(Selector selector) throws IOException {
        boolean now = false;
        Dispatcher[] dirty = map.dirty();
        for (int i = 0; i < map.dirtyCount(); i++) {
            Dispatcher d = dirty[i];
            if (d.memberOf == map) {
                int wanted = d.updateInterest(selector);
                if ((wanted & Asyncore.ALWAYS_READY) != 0) {
                    now = true;
                }
            }
            dirty = map.dirty();
        }
        map.clearDirty();
        return now;
    }

    /** Channels no selector can watch (files, closed channels still in the map) are ready whenever they want to be. */
    private void collectAlwaysReady() {
        Dispatcher[] snapshot = map.snapshot();
        int n = map.snapshotSize();
        for (int i = 0; i < n; i++) {
            Dispatcher d = snapshot[i];
            if ((d.wanted & Asyncore.ALWAYS_READY) != 0) {
                d.ready = d.wanted & ~Asyncore.ALWAYS_READY;
                accept0(d);
            }
        }
    }

    private void accept0(Dispatcher d) {
        if (readyCount == ready.length) {
            ready = Arrays.copyOf(ready, readyCount * 2);
        }
        ready[readyCount++] = d;
    }

    private void select(Selector selector, Duration timeout) throws IOException {
        if (timeout == null) {
            selector.select(this);
            return;
        }
        long millis = timeout.toMillis();
        if (millis <= 0) {
            selector.selectNow(this);
        } else {
            selector.select(this, millis);
        }
    }

    /** Python's select mode: every read, then every write, each in order; channels gone from the map are skipped. */
    private void dispatchPhases(Dispatcher[] list, int n, Guard guard) {
        for (int i = 0; i < n; i++) {
            Dispatcher d = list[i];
            if (d.memberOf != map) {
                continue;
            }
            if ((d.ready & Asyncore.POLLNVAL) != 0) {
                guard.readwrite(d, Asyncore.POLLNVAL);
            } else if ((d.ready & Asyncore.POLLIN) != 0) {
                guard.read(d);
            } else if ((d.ready & Asyncore.CONNECT_READY) != 0) {
                guard.connectOnly(d);
            }
        }
        for (int i = 0; i < n; i++) {
            Dispatcher d = list[i];
            if (d.memberOf == map && (d.ready & Asyncore.POLLOUT) != 0) {
                guard.write(d);
            }
        }
    }

    /** Python's poll mode: read, write and close of one channel together. */
    private void dispatchOne(Dispatcher d, Guard guard) {
        int flags = d.ready;
        if (flags == 0 || d.memberOf != map) {
            return;
        }
        if ((flags & Asyncore.CONNECT_READY) != 0) {
            guard.connectOnly(d);
            flags &= ~Asyncore.CONNECT_READY;
        }
        if (flags != 0) {
            guard.readwrite(d, flags);
        }
    }
}
