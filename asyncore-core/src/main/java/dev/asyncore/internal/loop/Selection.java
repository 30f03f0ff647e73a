package dev.asyncore.internal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.Collection;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TrackedInterest;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ChannelAccess;

/**
 * The selector side of one map, owned by its {@link Engine}: the {@link Selector}, the {@link Registration} of each
 * member, the dirty list, the polled list and the snapshot of the members in map order. Loop thread, except
 * {@link #selectorIfOpen()} and {@link #close()}, which any thread may call.
 *
 * <p>Nothing here allocates per event: a registration is made per channel joining the map, and the arrays only grow.
 */
public final class Selection {

    private static final ChannelAccess CHANNELS = ApiAccess.channels();

    private static final Registration[] EMPTY = new Registration[0];

    private final DispatcherMap map;
    private Selector selector;
    private ByteBuffer scratch;
    private Registration[] snapshot = EMPTY;
    private int snapshotSize;
    private boolean snapshotStale = true;
    private Registration[] dirty = new Registration[64];
    private int dirtyCount;
    private Registration[] polled = EMPTY;
    private int polledCount;

    Selection(DispatcherMap map) {
        this.map = map;
    }

    synchronized Selector selector() throws IOException {
        if (selector == null || !selector.isOpen()) {
            selector = Selector.open();
        }
        return selector;
    }

    /** The selector if it is open, else null. Any thread. */
    public synchronized Selector selectorIfOpen() {
        return selector;
    }

    /** Closes the selector, if open. Loop thread, or after the loop ends. */
    public synchronized void close() {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            selector = null;
        }
    }

    /** The map's shared 64 KiB direct read buffer, made on first use. */
    public ByteBuffer scratchBuffer() {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(64 * 1024);
        }
        return scratch;
    }

    /**
     * A dispatcher joins the map: it gets a registration of this map (or keeps the one it has here, when it joins again
     * under another key), is listed for asking every pass if its class needs it, and is asked for its interest before the
     * next select.
     */
    public Registration join(Dispatcher d) {
        Registration r = CHANNELS.registration(d);
        if (r == null || r.map != map) {
            r = new Registration(d, map, this);
            CHANNELS.setRegistration(d, r);
        }
        addPolled(r);
        snapshotStale = true;
        markDirty(r);
        return r;
    }

    /** A registration leaves the map: the dispatcher drops it, unless it has joined another map since. */
    public void leave(Registration r) {
        if (r.isMember()) {
            CHANNELS.setRegistration(r.dispatcher, null);
        }
        removePolled(r);
        snapshotStale = true;
    }

    /** Every member leaves at once ({@link DispatcherMap#clear()}). */
    public void leaveAll(Collection<Registration> members) {
        for (Registration r : members) {
            if (r.isMember()) {
                CHANNELS.setRegistration(r.dispatcher, null);
            }
            r.polledIndex = -1;
        }
        Arrays.fill(polled, 0, polledCount, null);
        polledCount = 0;
        snapshotStale = true;
    }

    /** The registrations in map order; the array is reused while the map is unchanged. Valid up to {@link #snapshotSize()}. */
    Registration[] snapshot() {
        if (snapshotStale) {
            int previous = snapshotSize;
            Collection<Registration> members = CHANNELS.registrations(map);
            snapshotSize = members.size();
            if (snapshot.length < snapshotSize) {
                snapshot = new Registration[Math.max(16, snapshotSize * 2)];
            }
            int i = 0;
            for (Registration r : members) {
                snapshot[i++] = r;
            }
            if (previous > snapshotSize) {
                Arrays.fill(snapshot, snapshotSize, previous, null);
            }
            snapshotStale = false;
        }
        return snapshot;
    }

    int snapshotSize() {
        return snapshotSize;
    }

    /** Queues a registration whose interest must be asked again before the next select. */
    void markDirty(Registration r) {
        if (r.dirty) {
            return;
        }
        r.dirty = true;
        if (dirtyCount == dirty.length) {
            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = r;
    }

    Registration[] dirty() {
        return dirty;
    }

    int dirtyCount() {
        return dirtyCount;
    }

    void clearDirty() {
        for (int i = 0; i < dirtyCount; i++) {
            dirty[i].dirty = false;
            dirty[i] = null;
        }
        dirtyCount = 0;
    }

    /**
     * The members asked {@code readable()}/{@code writable()} on every pass of an {@link AsyncLoop} (classes without
     * {@link TrackedInterest}), in no particular order. Valid up to {@link #polledCount()}.
     */
    Registration[] polled() {
        return polled;
    }

    int polledCount() {
        return polledCount;
    }

    private void addPolled(Registration r) {
        if (!r.askEveryPass || r.polledIndex >= 0) {
            return;
        }
        if (polledCount == polled.length) {
            polled = Arrays.copyOf(polled, Math.max(16, polledCount * 2));
        }
        r.polledIndex = polledCount;
        polled[polledCount++] = r;
    }

    /** Swap-remove: O(1), since the order of the polled list carries no meaning. */
    private void removePolled(Registration r) {
        int i = r.polledIndex;
        if (i < 0 || i >= polledCount || polled[i] != r) {
            return;
        }
        Registration last = polled[--polledCount];
        polled[i] = last;
        last.polledIndex = i;
        polled[polledCount] = null;
        r.polledIndex = -1;
    }
}
