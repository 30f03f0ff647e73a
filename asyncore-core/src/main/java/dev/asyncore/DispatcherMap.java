package dev.asyncore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.loop.Engine;
import dev.asyncore.internal.loop.Registration;

/**
 * The channel map: file number to {@link Dispatcher}, in insertion order (Python's {@code socket_map}).
 *
 * <p>Thread confinement: the map belongs to the thread that runs its loop. Before an {@link AsyncLoop} owns it, any one
 * thread may fill it (Python's model: build dispatchers, then call {@code loop()}). Once an {@code AsyncLoop} runs over it,
 * {@link #remove} called from another thread is handed to the loop and {@link #put} is an error (build the dispatcher on
 * the loop with {@link AsyncLoop#submit}). The counts ({@link #total()},
 * {@link #listening()}, {@link #connected()}, {@link #connecting()}) and {@link #logSink()} may be read from any thread.
 *
 * <p>Differs from Python: the keys are synthetic numbers, because Java exposes no file descriptors; the source never hands
 * out a key this map still holds, even after it wraps. Python's {@code map[fd] = obj} silently replaces the entry; here a
 * {@link #put} under a key that another dispatcher holds is an error, since a reused key would evict a live channel. The map's
 * engine owns the {@link Selector} its channels register with and the loop's bookkeeping for each member; {@link #close()}
 * closes that selector.
 */
public final class DispatcherMap implements AutoCloseable {

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle TOTAL;

    static {
        ApiAccess.install(LoopChannels.INSTANCE);
        try {
            TOTAL = MethodHandles.lookup().findVarHandle(DispatcherMap.class, "total", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final int OTHER = 0;
    static final int LISTENING = 1;
    static final int CONNECTED = 2;
    static final int CONNECTING = 3;

    private final Map<Integer, Registration> entries = new LinkedHashMap<>();
    private final Set<Integer> keys = ConcurrentHashMap.newKeySet();
    /** Counts by state and in all: written by the loop thread alone (release stores), read anywhere (acquire loads). */
    private final int[] counts = new int[4];

    private int total;
    private volatile LogSink logSink = LogSink.STANDARD_STREAMS;
    private volatile AsyncLoop owner;
    private final Engine engine = new Engine(this);

    /** Creates an empty map. Any thread. */
    public DispatcherMap() {}

    /**
     * The dispatcher registered under a file number. Loop thread.
     *
     * @param fileno the key
     * @return the dispatcher, or null
     */
    public Dispatcher get(int fileno) {
        Registration r = entries.get(fileno);
        return r == null ? null : r.dispatcher();
    }

    /**
     * Registers a dispatcher under a file number (Python: {@code map[fd] = obj}). Loop thread, or any one thread before an
     * {@link AsyncLoop} runs the map.
     *
     * <p>A dispatcher registers itself from its constructor, before a subclass's constructor has run. Handing that put to a
     * running loop would let the loop call {@code readable()} on an object still under construction, so a put from another
     * thread while the loop runs is an error: build the dispatcher on the loop with {@link AsyncLoop#submit}.
     *
     * @param fileno the key
     * @param dispatcher the dispatcher
     * @throws IllegalStateException if another dispatcher holds the key, or if called off the loop thread while the loop
     *     runs
     */
    public void put(int fileno, Dispatcher dispatcher) {
        AsyncLoop loop = owner;
        if (loop != null && loop.isRunning() && !loop.inEventLoop()) {
            keys.remove(fileno);
            throw new IllegalStateException(describe(dispatcher) + " joins the map of running asyncore loop '"
                    + loop.threadName() + "' from thread '"
                    + Thread.currentThread().getName()
                    + "': create it on the loop, for example loop.submit(() -> new MyDispatcher(...)).join()");
        }
        keys.add(fileno);
        Registration previous = entries.get(fileno);
        if (previous != null && previous.dispatcher() != dispatcher) {
            throw new IllegalStateException("key " + fileno + " of " + describe(dispatcher) + " is held by "
                    + describe(previous.dispatcher()) + ": remove that dispatcher first");
        }
        if (previous == null) {
            entries.put(fileno, engine.selection().join(dispatcher));
            stateChanged(-1, dispatcher.stateKind());
            setTotal(entries.size());
        }
    }

    /**
     * Removes the dispatcher under a file number (Python: {@code del map[fd]}). Loop thread, or handed to the loop as
     * {@link #put} is.
     *
     * @param fileno the key
     * @return the removed dispatcher, or null (always null when handed off)
     */
    public Dispatcher remove(int fileno) {
        if (handOff(() -> remove(fileno))) {
            return null;
        }
        Registration removed = entries.remove(fileno);
        keys.remove(fileno);
        if (removed == null) {
            return null;
        }
        stateChanged(removed.dispatcher().stateKind(), -1);
        engine.selection().leave(removed);
        setTotal(entries.size());
        return removed.dispatcher();
    }

    /**
     * Whether the map holds no dispatcher. Loop thread.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The number of dispatchers. Any thread.
     *
     * @return the number of entries
     */
    public int size() {
        return (int) TOTAL.getAcquire(this);
    }

    /**
     * A copy of the dispatchers, in map order. Loop thread.
     *
     * @return the dispatchers
     */
    public List<Dispatcher> values() {
        Dispatcher[] values = new Dispatcher[entries.size()];
        int i = 0;
        for (Registration r : entries.values()) {
            values[i++] = r.dispatcher();
        }
        return List.of(values);
    }

    /**
     * Whether a file number is registered. Loop thread.
     *
     * @param fileno the key
     * @return true when present
     */
    public boolean containsKey(int fileno) {
        return entries.containsKey(fileno);
    }

    /** Removes every entry without closing anything (Python: {@code map.clear()}). Loop thread. */
    public void clear() {
        if (handOff(this::clear)) {
            return;
        }
        engine.selection().leaveAll(entries.values());
        entries.clear();
        keys.clear();
        for (int i = 0; i < 4; i++) {
            COUNTS.setRelease(counts, i, 0);
        }
        setTotal(0);
    }

    /**
     * The number of channels in the map. Any thread.
     *
     * @return the number of entries
     */
    public int total() {
        return (int) TOTAL.getAcquire(this);
    }

    /**
     * The number of listening (accepting) channels. Any thread.
     *
     * @return the count
     */
    public int listening() {
        return (int) COUNTS.getAcquire(counts, LISTENING);
    }

    /**
     * The number of connected channels. Any thread.
     *
     * @return the count
     */
    public int connected() {
        return (int) COUNTS.getAcquire(counts, CONNECTED);
    }

    /**
     * The number of channels whose connect is pending. Any thread.
     *
     * @return the count
     */
    public int connecting() {
        return (int) COUNTS.getAcquire(counts, CONNECTING);
    }

    /**
     * Where the map's dispatchers log. Any thread.
     *
     * @return the sink
     */
    public LogSink logSink() {
        return logSink;
    }

    /**
     * Sets where the map's dispatchers log. Any thread.
     *
     * @param sink the sink; null restores {@link LogSink#STANDARD_STREAMS}
     */
    public void setLogSink(LogSink sink) {
        this.logSink = sink == null ? LogSink.STANDARD_STREAMS : sink;
    }

    /**
     * The loop that owns this map, if one runs it. Any thread.
     *
     * @return the loop, or null
     */
    public AsyncLoop owner() {
        return owner;
    }

    /**
     * A 64 KiB direct buffer shared by the handlers of this map, for a read that is handled before the handler returns
     * (as the built-in echo does). Loop thread; its content is only valid until the handler returns.
     *
     * @return the shared buffer
     */
    public ByteBuffer scratchBuffer() {
        return engine.selection().scratchBuffer();
    }

    /** Closes the map's selector. The dispatchers are not closed: see {@link Asyncore#closeAll(DispatcherMap, boolean)}. */
    @Override
    public void close() {
        engine.selection().close();
    }

    @Override
    public String toString() {
        return "DispatcherMap[total=" + total() + ", listening=" + listening() + ", connected=" + connected()
                + ", connecting=" + connecting() + "]";
    }

    // ---- package-private machinery used by Dispatcher, Asyncore and AsyncLoop (loop thread) ----

    Engine engine() {
        return engine;
    }

    Selector selectorIfOpen() {
        return engine.selection().selectorIfOpen();
    }

    /** The registrations of the members, in map order (the snapshot's source). Loop thread. */
    Collection<Registration> registrations() {
        return entries.values();
    }

    /** Reserves a key for a dispatcher about to join; false if the map holds it or has reserved it already. Any thread. */
    boolean reserve(int fileno) {
        return keys.add(fileno);
    }

    private static String describe(Dispatcher d) {
        try {
            return d.toString();
        } catch (RuntimeException e) {
            return d.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(d));
        }
    }

    void claim(AsyncLoop loop) {
        if (owner != null && owner != loop) {
            throw new IllegalStateException("DispatcherMap is already run by " + owner.threadName());
        }
        owner = loop;
    }

    void release(AsyncLoop loop) {
        if (owner == loop) {
            owner = null;
        }
    }

    void stateChanged(int from, int to) {
        if (from >= 0) {
            COUNTS.setRelease(counts, from, counts[from] - 1);
        }
        if (to >= 0) {
            COUNTS.setRelease(counts, to, counts[to] + 1);
        }
    }

    private void setTotal(int n) {
        TOTAL.setRelease(this, n);
    }

    private boolean handOff(Runnable action) {
        AsyncLoop loop = owner;
        if (loop == null || loop.inEventLoop() || !loop.isRunning()) {
            return false;
        }
        loop.execute(action);
        return true;
    }
}
