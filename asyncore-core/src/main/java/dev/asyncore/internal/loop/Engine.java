package dev.asyncore.internal.loop;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TrackedInterest;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ChannelAccess;
import dev.asyncore.internal.util.Throwables;

/**
 * One pass of the loop over a map: ask for interest, wait on the selector, dispatch. Loop thread only; allocation-free
 * once warm. Python's passes ({@code poll}, {@code poll2}) ask every channel; an {@link AsyncLoop} asks the channels that
 * may have changed (see {@link #incrementalPass}), plus every channel once per sweep.
 *
 * <p>The engine owns the map's {@link Selection}: the selector, one {@link Registration} per member (its key, interest,
 * ready flags, dirty mark, last activity), the dirty list and the snapshot. Handlers never see a key: a dispatcher reaches
 * the loop only through its registration ({@code markDirty}).
 *
 * <p>Invariants the passes keep:
 *
 * <ul>
 *   <li>A channel's selector interest always matches the last answer of its {@code readable()}/{@code writable()}: only
 *       {@link Registration#updateInterest} writes {@code interestOps} (and the channel leaving the map, which clears
 *       it), and it asks both, {@code readable()} first, as Python's {@code poll} does.
 *   <li>A dispatcher is dispatched only while the registration the pass holds is still its own
 *       ({@link Registration#isMember()}): an earlier handler of the same pass may have closed it, and Python skips such
 *       channels too ({@code map.get(fd)} is None). A channel that left and joined again has a new registration, so an
 *       event the selector reported for the old one is dropped.
 *   <li>{@code ready} flags live only for the pass that set them: they are cleared before the next select, so a channel
 *       that leaves and rejoins the map never sees a stale event.
 *   <li>Channels no selector can watch (files, channels closed while still in the map) carry {@code readyNow} flags: the
 *       pass then does not block, as select and poll report regular files ready at once, and delivers those flags.
 *   <li>A registration is marked dirty at most once (its {@code dirty} flag), so the dirty list never holds more entries
 *       than the map has members, and it grows only when the map does.
 * </ul>
 *
 * <p>Why the two dispatch orders differ: Python's {@code poll()} (select mode) calls {@code select()} once and then runs
 * every read, then every write, so a channel read in this pass is written only after all reads; {@code poll2()} (poll mode)
 * walks the channels once and runs each one's read, write and close together through {@code readwrite}, which also maps
 * a disconnect to {@code handle_close}. Ported code depends on both orders (a read that queues a reply expecting the write
 * in the same pass), so both are kept exactly, in map order for {@link #fullPass} and in selector order for
 * {@link #incrementalPass}, which has no map order to keep.
 */
public final class Engine implements Consumer<SelectionKey> {

    private static final ChannelAccess CHANNELS = ApiAccess.channels();

    /** Poll flag of a pending connect whose dispatcher asked for no write: finish it, announce nothing. */
    static final int CONNECT_READY = 1 << 11;
    /** Poll flag of write readiness the transport asked for itself (TLS records to flush): no write event. */
    static final int FLUSH_READY = 1 << 12;

    /** How a dispatch step is run: the faithful wrappers, or the loop's guarded ones. Loop thread. */
    public interface Guard {
        /** Runs the dispatcher's read event ({@code Asyncore.read}). */
        void read(Dispatcher d);

        /** Runs the dispatcher's write event ({@code Asyncore.write}). */
        void write(Dispatcher d);

        /** Runs the dispatcher's events for these poll flags ({@code Asyncore.readwrite}). */
        void readwrite(Dispatcher d, int flags);

        /** Finishes a connect the dispatcher asked no write for; announced on its first read. */
        void connectOnly(Dispatcher d);

        /** The channel can take more of the bytes its transport holds of its own: write them, no event. */
        void flush(Dispatcher d);

        /**
         * {@code readable()}, {@code writable()} or the selector registration failed for this dispatcher alone.
         * {@link #FAITHFUL} rethrows it (Python's {@code poll} lets it out of {@code loop()}); a loop contains it.
         */
        void interestFailed(Dispatcher d, Throwable t);

        /** The pass is about to wait in select: no handler code runs until {@link #dispatching(long)}. */
        default void waiting() {}

        /**
         * Select returned; handler code runs from now on.
         *
         * @param now {@link System#nanoTime()}, read once for the pass
         */
        default void dispatching(long now) {}
    }

    /** Python's wrappers as they are: a failure that escapes {@code handleError} leaves the pass. */
    public static final Guard FAITHFUL = new Guard() {
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
            CHANNELS.finishConnectOnly(d);
        }

        @Override
        public void flush(Dispatcher d) {
            CHANNELS.flushTransport(d);
        }

        @Override
        public void interestFailed(Dispatcher d, Throwable t) {
            Throwables.sneakyThrow(t);
        }
    };

    private final DispatcherMap map;
    private final Selection selection;
    private Registration[] ready = new Registration[64];
    private int readyCount;
    private long passNanos;
    /** Numbers the passes, so that a registration the selector reported in this pass is known without a list search. */
    private int pass;

    /** Creates the engine of {@code map}; its selector opens on the first pass. Any thread. */
    public Engine(DispatcherMap map) {
        this.map = map;
        this.selection = new Selection(map);
    }

    /** The selector, the registrations and the lists of the map. */
    public Selection selection() {
        return selection;
    }

    /** Python's pass: every channel's readable()/writable() once, then select, then dispatch in map order. */
    public void fullPass(Duration timeout, boolean pollMode, Guard guard) throws IOException {
        if (map.isEmpty()) {
            return;
        }
        Selector selector = selection.selector();
        Registration[] snapshot = selection.snapshot();
        int n = selection.snapshotSize();
        selection.clearDirty();
        boolean any = false;
        boolean now = false;
        for (int i = 0; i < n; i++) {
            Registration r = snapshot[i];
            r.ready = 0;
            // Python's poll lets an exception of readable()/writable() out of the pass: no guard here.
            now |= r.updateInterest(selector);
            any |= r.wanted != 0;
        }
        readyCount = 0;
        select(selector, now ? Duration.ZERO : timeout);
        Arrays.fill(ready, 0, readyCount, null);
        if (!any) {
            return;
        }
        if (now) {
            for (int i = 0; i < n; i++) {
                snapshot[i].ready |= snapshot[i].readyNow;
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
     * An {@link AsyncLoop} pass: interest is recomputed for the channels that may have changed (and for all of them when
     * {@code sweep}), the selector reports only ready channels, and they alone are dispatched, in the order the selector
     * reports them.
     *
     * <p>Which channels may have changed since the last pass: those marked dirty (they joined the map, got an event, or had
     * a watched call made on them: {@link Selection#markDirty}), and every channel whose class does not declare
     * {@link TrackedInterest}, since its {@code readable()}/{@code writable()} may read anything, such as a partner's
     * buffer that another channel's event just filled. Asking those on every pass is Python's contract: a change made by
     * any event of this pass is acted on in the next one. Tracked classes change interest only through what marks them
     * dirty, so the rest of the map costs nothing; a change no event explains (another thread, a clock) waits for the
     * sweep.
     */
    void incrementalPass(long timeoutMillis, boolean pollMode, boolean sweep, Guard guard) throws IOException {
        Selector selector = selection.selector();
        pass++;
        boolean now =
                sweep ? sweepAll(selector, guard) : refreshDirty(selector, guard) | refreshPolled(selector, guard);
        readyCount = 0;
        guard.waiting();
        if (now || timeoutMillis == 0) {
            selector.selectNow(this);
        } else {
            selector.select(this, timeoutMillis);
        }
        passNanos = System.nanoTime();
        guard.dispatching(passNanos);
        for (int i = 0; i < readyCount; i++) {
            ready[i].lastActivity = passNanos;
        }
        if (now) {
            collectReadyNow();
        }
        if (pollMode) {
            for (int i = 0; i < readyCount; i++) {
                dispatchOne(ready[i], guard);
            }
        } else {
            dispatchPhases(ready, readyCount, guard);
        }
        // Every channel that got an event is asked again before the next wait: its handler may have changed what it
        // wants (a read that filled a queue, a write that drained it) without calling a watched method. Clearing ready
        // here keeps the invariant that flags never outlive their pass.
        for (int i = 0; i < readyCount; i++) {
            ready[i].ready = 0;
            selection.markDirty(ready[i]);
            ready[i] = null;
        }
    }

    long passNanos() {
        return passNanos;
    }

    /**
     * Collects a key the selector found ready, with its poll flags; its attachment is the {@link Registration} that
     * registered it.
     */
    @Override
    public void accept(SelectionKey key) {
        if (key.attachment() instanceof Registration r) {
            r.ready = r.readyFlags(key.readyOps());
            r.readyPass = pass;
            addReady(r);
        }
    }

    private boolean sweepAll(Selector selector, Guard guard) {
        selection.clearDirty();
        Registration[] snapshot = selection.snapshot();
        int n = selection.snapshotSize();
        boolean now = false;
        for (int i = 0; i < n; i++) {
            if (snapshot[i].isMember()) {
                now |= ask(snapshot[i], selector, guard);
            }
        }
        return now;
    }

    /**
     * Asks one channel for its interest. A throwing {@code readable()} or {@code writable()} is that channel's fault
     * alone: the guard closes it, and the pass goes on for the others.
     *
     * @return whether the channel is ready without the selector
     */
    private static boolean ask(Registration r, Selector selector, Guard guard) {
        try {
            return r.updateInterest(selector);
        } catch (Throwable t) {
            guard.interestFailed(r.dispatcher, t);
            return false;
        }
    }

    /**
     * Asks the dirty channels again. A handler run by {@code updateInterest} cannot mark more channels (it only asks
     * {@code readable()}/{@code writable()}), but a registration can grow the array, so it is read again each step.
     */
    private boolean refreshDirty(Selector selector, Guard guard) {
        boolean now = false;
        Registration[] dirty = selection.dirty();
        for (int i = 0; i < selection.dirtyCount(); i++) {
            Registration r = dirty[i];
            // A registration dropped since it was marked (its channel closed) is not asked: it is no member any more.
            if (r.isMember()) {
                now |= ask(r, selector, guard);
            }
            dirty = selection.dirty();
        }
        selection.clearDirty();
        return now;
    }

    /** Asks every channel whose class does not declare {@link TrackedInterest}, as Python asks every channel. */
    private boolean refreshPolled(Selector selector, Guard guard) {
        boolean now = false;
        // A failing channel is closed and swap-removed from the list while it is walked: walk it from the end, so that
        // the channel moved into the freed place has already been asked. A handleError that closes or opens other
        // channels can reorder or grow the list: read it again each step, and a channel skipped that way is asked on
        // the next pass.
        for (int i = selection.polledCount() - 1; i >= 0; i--) {
            if (i < selection.polledCount()) {
                now |= ask(selection.polled()[i], selector, guard);
            }
        }
        return now;
    }

    /**
     * Channels no selector can watch (files, closed channels still in the map) are ready whenever they want to be. One
     * the selector reported as well is not listed twice: its flags are merged.
     */
    private void collectReadyNow() {
        Registration[] snapshot = selection.snapshot();
        int n = selection.snapshotSize();
        for (int i = 0; i < n; i++) {
            Registration r = snapshot[i];
            if (r.readyNow != 0 && r.isMember()) {
                if (r.readyPass == pass) {
                    r.ready |= r.readyNow;
                } else {
                    r.ready = r.readyNow;
                    r.readyPass = pass;
                    addReady(r);
                }
            }
        }
    }

    private void addReady(Registration r) {
        if (readyCount == ready.length) {
            ready = Arrays.copyOf(ready, readyCount * 2);
        }
        ready[readyCount++] = r;
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
    private void dispatchPhases(Registration[] list, int n, Guard guard) {
        for (int i = 0; i < n; i++) {
            Registration r = list[i];
            if (!r.isMember()) {
                continue;
            }
            if ((r.ready & Asyncore.POLLNVAL) != 0) {
                guard.readwrite(r.dispatcher, Asyncore.POLLNVAL);
            } else if ((r.ready & Asyncore.POLLIN) != 0) {
                guard.read(r.dispatcher);
            } else if ((r.ready & CONNECT_READY) != 0) {
                guard.connectOnly(r.dispatcher);
            }
        }
        // Membership is checked again: a read of this pass may have closed a channel that was also ready to write.
        for (int i = 0; i < n; i++) {
            Registration r = list[i];
            if (r.isMember() && (r.ready & Asyncore.POLLOUT) != 0) {
                guard.write(r.dispatcher);
            } else if (r.isMember() && (r.ready & FLUSH_READY) != 0) {
                guard.flush(r.dispatcher);
            }
        }
    }

    /** Python's poll mode: read, write and close of one channel together. */
    private void dispatchOne(Registration r, Guard guard) {
        int flags = r.ready;
        if (flags == 0 || !r.isMember()) {
            return;
        }
        if ((flags & CONNECT_READY) != 0) {
            guard.connectOnly(r.dispatcher);
            flags &= ~CONNECT_READY;
        }
        int flush = flags & FLUSH_READY;
        flags &= ~FLUSH_READY;
        if (flags != 0) {
            guard.readwrite(r.dispatcher, flags);
        }
        if (flush != 0 && r.isMember()) {
            guard.flush(r.dispatcher);
        }
    }
}
