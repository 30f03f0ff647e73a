package dev.asyncore.internal.loop;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TrackedInterest;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ChannelAccess;
import dev.asyncore.internal.transport.Transport;

/**
 * One dispatcher's membership of one map: the loop's bookkeeping for its channel (selection key, interest, ready flags,
 * dirty mark, last activity, place in the polled list). Created by the map's {@link Selection} when the dispatcher joins
 * the map and dropped when it leaves, so a dispatcher out of every map carries no loop state, and moving a dispatcher to
 * another loop's map means a new registration there. Loop thread only; the dispatcher never writes these fields, the
 * engine and the selection do.
 *
 * <p>The key's attachment is the registration, never the dispatcher: a key left behind by a registration that was dropped
 * (its interest is cleared as the channel leaves) can thus never dispatch to a dispatcher that joined again.
 */
public final class Registration {

    private static final ChannelAccess CHANNELS = ApiAccess.channels();

    final Dispatcher dispatcher;
    final DispatcherMap map;
    final Selection selection;
    /** Whether the loop asks {@code readable()}/{@code writable()} on every pass (see {@link TrackedInterest}). */
    final boolean askEveryPass;

    SelectionKey key;
    /** The poll flags the last {@link #updateInterest} asked for ({@link Asyncore#POLLIN}, {@link Asyncore#POLLOUT}). */
    int wanted;
    /** The flags the next pass delivers without the selector: files, closed channels still in the map. */
    int readyNow;
    /** The poll flags of this pass; cleared before the next select. */
    int ready;
    /** The engine's number of the last pass that listed this registration as ready. */
    int readyPass;
    /** Whether the registration waits in the dirty list for its interest to be asked again. */
    boolean dirty;
    /** The place in the list of registrations asked every pass, or -1. */
    int polledIndex = -1;
    /** When the channel last had a read or write event (or joined), for the idle timeout. */
    long lastActivity;

    Registration(Dispatcher dispatcher, DispatcherMap map, Selection selection) {
        this.dispatcher = dispatcher;
        this.map = map;
        this.selection = selection;
        this.askEveryPass = InterestPolicy.askEveryPass(dispatcher.getClass());
        this.lastActivity = System.nanoTime();
    }

    /** Whether this is still the dispatcher's registration: false once it left the map (or joined another one). */
    public boolean isMember() {
        return CHANNELS.registration(dispatcher) == this;
    }

    /**
     * Asks {@code readable()} and {@code writable()} and sets the selector interest to match. Reading is off, whatever
     * {@code readable()} says, while the dispatcher has as many blocking calls outstanding as its offload allows
     * ({@link Dispatcher#executeBlocking}).
     *
     * @return whether the pass must not block: the channel is ready without the selector ({@link #readyNow})
     */
    boolean updateInterest(Selector selector) throws IOException {
        Dispatcher d = dispatcher;
        // readable() is asked even while blocking calls pause reading: an override may count on being asked.
        boolean r = d.readable() && !CHANNELS.blockingCallsFull(d);
        boolean w = d.writable();
        boolean accepting = d.isAccepting();
        int flags = (r ? Asyncore.POLLIN : 0) | (w && !accepting ? Asyncore.POLLOUT : 0);
        Transport t = CHANNELS.transport(d);
        SelectableChannel ch = t == null ? null : t.selectable();
        if (ch == null) {
            wanted = t == null ? 0 : flags;
            readyNow = wanted;
            return readyNow != 0;
        }
        if (!t.isOpen()) {
            wanted = Asyncore.POLLNVAL;
            readyNow = Asyncore.POLLNVAL;
            return true;
        }
        int ops = t.interestOps(r, w && !accepting, d.isConnecting());
        boolean flush = t.hasPendingOutput();
        if (flush) {
            ops |= SelectionKey.OP_WRITE & ch.validOps();
        }
        setInterestOps(ch, selector, ops);
        wanted = ops == 0 ? 0 : flags | (flush ? Engine.FLUSH_READY : 0);
        // Bytes the transport holds already (decrypted TLS) are read now: the socket may never signal them.
        readyNow = r && t.hasBufferedInput() ? Asyncore.POLLIN : 0;
        return readyNow != 0;
    }

    private void setInterestOps(SelectableChannel ch, Selector selector, int ops) throws IOException {
        SelectionKey k = key;
        if (k == null || !k.isValid()) {
            if (ops == 0) {
                return;
            }
            if (ch.isBlocking()) {
                ch.configureBlocking(false);
            }
            // A key this channel still holds with this selector (left behind as it left the map) is returned and
            // re-attached here.
            key = ch.register(selector, ops, this);
        } else if (k.interestOps() != ops) {
            k.interestOps(ops);
        }
    }

    /** Translates selector readiness into poll flags. */
    int readyFlags(int readyOps) {
        int flags = 0;
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            flags |= Asyncore.POLLIN;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            // Write interest the dispatcher did not ask for is its transport's own: flush it, no write event.
            flags |= (wanted & Asyncore.POLLOUT) != 0 ? Asyncore.POLLOUT : Engine.FLUSH_READY;
        }
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            flags |= (wanted & Asyncore.POLLOUT) != 0 ? Asyncore.POLLOUT : Engine.CONNECT_READY;
        }
        return flags;
    }

    /**
     * The dispatcher this registration serves. Any thread.
     *
     * @return the dispatcher
     */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * The map the dispatcher is a member of through this registration. Any thread.
     *
     * @return the map
     */
    public DispatcherMap map() {
        return map;
    }

    /**
     * The selection key of the dispatcher's socket, or null before it is registered. Loop thread.
     *
     * @return the key or null
     */
    public SelectionKey key() {
        return key;
    }

    /** Records activity now, for the idle timeout. Called by the dispatcher as it reads, writes or waits; loop thread. */
    public void touch() {
        lastActivity = System.nanoTime();
    }

    /** Forgets the selection key of a socket the dispatcher replaced; the next pass registers the new one. Loop thread. */
    public void forgetKey() {
        key = null;
    }

    /** Stops selecting the channel, keeping its key for a later registration of the same channel. */
    public void clearInterest() {
        SelectionKey k = key;
        if (k != null && k.isValid()) {
            k.interestOps(0);
        }
    }

    /** Cancels the key: the channel changed, or it moves to another map's selector. */
    public void cancelKey() {
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
            key = null;
        }
    }

    /** Whether the caller may touch the dispatcher of {@code r}: no loop runs its map, or the caller is that loop's thread. */
    public static boolean onLoopThread(Registration r) {
        AsyncLoop owner = r == null ? null : r.map.owner();
        return owner == null || !owner.isRunning() || owner.inEventLoop();
    }

    /** Asks the loop to ask the interest of {@code r} again before its next wait; ignored off the loop thread. */
    public static void markDirty(Registration r) {
        if (r != null && !r.dirty) {
            AsyncLoop owner = r.map.owner();
            if (owner == null || owner.inEventLoop()) {
                r.selection.markDirty(r);
            }
        }
    }

    @Override
    public String toString() {
        return "Registration[" + dispatcher.getClass().getName() + ", wanted=" + wanted + ", dirty=" + dirty + "]";
    }
}
