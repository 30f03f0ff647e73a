package dev.asyncore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.StringJoiner;

import dev.asyncore.internal.loop.Engine;
import dev.asyncore.internal.transport.Transport;
import dev.asyncore.internal.util.Throwables;

/**
 * The module functions of Python's {@code asyncore}: {@link #loop()}, the passes {@link #poll} and {@link #poll2}, the
 * dispatch wrappers {@link #read}, {@link #write}, {@link #readwrite}, and {@link #closeAll()}.
 *
 * <p>Thread confinement: {@code loop}, {@code poll*}, the wrappers and {@code closeAll} run on the thread that owns the
 * map (the caller becomes the loop thread). {@link #compactTraceback(Throwable)} and {@link #defaultMap()} may be called
 * from any thread.
 */
public final class Asyncore {

    /** Data to read (or a connection to accept). */
    public static final int POLLIN = 1;
    /** Urgent data. Never reported by Java selectors. */
    public static final int POLLPRI = 2;
    /** The channel can take more bytes. */
    public static final int POLLOUT = 4;
    /** Error condition. */
    public static final int POLLERR = 8;
    /** Hang up. */
    public static final int POLLHUP = 16;
    /** Invalid request: the channel is closed. */
    public static final int POLLNVAL = 32;

    /** Python's default loop timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final DispatcherMap DEFAULT_MAP = new DispatcherMap();

    private Asyncore() {}

    /**
     * The process-wide map used when no map is given (Python's {@code socket_map}). Any thread.
     *
     * @return the default map
     */
    public static DispatcherMap defaultMap() {
        return DEFAULT_MAP;
    }

    /** Runs passes over the default map, 30 s timeout, select dispatch, until the map is empty. Caller's thread. */
    public static void loop() {
        loop(DEFAULT_TIMEOUT, false, null);
    }

    /**
     * Runs passes until the map is empty.
     *
     * @param timeout the longest wait of one pass; null blocks until a channel is ready; zero never blocks
     * @param usePoll true for poll dispatch (each channel's events together), false for select dispatch (all reads, then
     *     all writes)
     * @param map the map; null means the default map
     */
    public static void loop(Duration timeout, boolean usePoll, DispatcherMap map) {
        loop(timeout, usePoll, map, -1);
    }

    /**
     * Runs at most {@code count} passes, stopping early when the map is empty; {@link ExitNow} thrown by a handler ends it.
     *
     * @param timeout the longest wait of one pass; null blocks until a channel is ready
     * @param usePoll true for poll dispatch, false for select dispatch
     * @param map the map; null means the default map
     * @param count the number of passes; negative means no limit (Python's {@code count=None})
     */
    public static void loop(Duration timeout, boolean usePoll, DispatcherMap map, int count) {
        DispatcherMap m = orDefault(map);
        if (m.owner() != null) {
            throw new IllegalStateException(
                    "an AsyncLoop already runs this map: " + m.owner().threadName());
        }
        if (count < 0) {
            while (!m.isEmpty()) {
                pass(timeout, usePoll, m);
            }
        } else {
            while (!m.isEmpty() && count > 0) {
                pass(timeout, usePoll, m);
                count--;
            }
        }
    }

    /**
     * One select-mode pass (Python's {@code poll}): asks every channel {@code readable()} then {@code writable()}, waits,
     * then dispatches all reads, then all writes, in map order.
     *
     * @param timeout the longest wait; null blocks; zero never blocks
     * @param map the map; null means the default map
     */
    public static void poll(Duration timeout, DispatcherMap map) {
        pass(timeout, false, orDefault(map));
    }

    /**
     * One poll-mode pass (Python's {@code poll2}): as {@link #poll}, but each channel's events are dispatched together
     * through {@link #readwrite}, in map order.
     *
     * @param timeout the longest wait; null blocks; zero never blocks
     * @param map the map; null means the default map
     */
    public static void poll2(Duration timeout, DispatcherMap map) {
        pass(timeout, true, orDefault(map));
    }

    /**
     * Dispatches a read event: {@link ExitNow} and virtual-machine errors propagate, anything else goes to
     * {@code handleError} (whose own exceptions propagate).
     *
     * @param obj the dispatcher
     */
    public static void read(Dispatcher obj) {
        try {
            obj.handleReadEvent();
        } catch (Throwable t) {
            rethrowOr(obj, t);
        }
    }

    /**
     * Dispatches a write event, as {@link #read}.
     *
     * @param obj the dispatcher
     */
    public static void write(Dispatcher obj) {
        try {
            obj.handleWriteEvent();
        } catch (Throwable t) {
            rethrowOr(obj, t);
        }
    }

    /**
     * Dispatches an exceptional event, as {@link #read}.
     *
     * @param obj the dispatcher
     */
    public static void exception(Dispatcher obj) {
        try {
            obj.handleExptEvent();
        } catch (Throwable t) {
            rethrowOr(obj, t);
        }
    }

    /**
     * Dispatches poll flags to one channel, in order: {@code POLLIN} read, {@code POLLOUT} write, {@code POLLPRI} expt, any
     * of {@code POLLHUP|POLLERR|POLLNVAL} close. A disconnect error calls {@code handleClose}; any other exception
     * {@code handleError}; the remaining flags are then skipped.
     *
     * @param obj the dispatcher
     * @param flags the poll flags
     */
    public static void readwrite(Dispatcher obj, int flags) {
        try {
            if ((flags & POLLIN) != 0) {
                obj.handleReadEvent();
            }
            if ((flags & POLLOUT) != 0) {
                obj.handleWriteEvent();
            }
            if ((flags & POLLPRI) != 0) {
                obj.handleExptEvent();
            }
            if ((flags & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
                obj.handleClose();
            }
        } catch (IOException e) {
            if (Errno.isDisconnect(e)) {
                obj.handleClose();
            } else {
                handleErrorRecorded(obj, e);
            }
        } catch (Throwable t) {
            rethrowOr(obj, t);
        }
    }

    /** Closes every channel of the default map and empties it. Caller's thread (the map's loop thread). */
    public static void closeAll() {
        closeAll(null, false);
    }

    /**
     * Closes every channel of a map, then empties it. A failing close propagates (and the map is left as it is) unless
     * {@code ignoreAll}; a close of an already closed channel is ignored; {@link ExitNow} always propagates.
     *
     * @param map the map; null means the default map
     * @param ignoreAll whether to ignore failures
     */
    public static void closeAll(DispatcherMap map, boolean ignoreAll) {
        DispatcherMap m = orDefault(map);
        for (Dispatcher d : m.values()) {
            try {
                d.close();
            } catch (ExitNow | VirtualMachineError e) {
                throw e;
            } catch (UncheckedIOException e) {
                if (Errno.classify(e.getCause()) != Errno.EBADF && !ignoreAll) {
                    throw e;
                }
            } catch (RuntimeException e) {
                if (!ignoreAll) {
                    throw e;
                }
            }
        }
        m.clear();
    }

    /**
     * Condenses an exception's stack (Python's {@code compact_traceback}): the innermost frame, and every frame from the
     * outermost to the innermost as {@code [file|function|line]}.
     *
     * @param t the exception
     * @return the condensed trace
     * @throws AssertionError if the exception has no stack trace ("traceback does not exist")
     */
    public static CompactTraceback compactTraceback(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        if (frames.length == 0) {
            throw new AssertionError("traceback does not exist");
        }
        StringJoiner info = new StringJoiner(" ");
        for (int i = frames.length - 1; i >= 0; i--) {
            StackTraceElement f = frames[i];
            info.add("[" + f.getFileName() + "|" + f.getMethodName() + "|" + f.getLineNumber() + "]");
        }
        StackTraceElement inner = frames[0];
        return new CompactTraceback(
                inner.getFileName(),
                inner.getMethodName(),
                String.valueOf(inner.getLineNumber()),
                t.getClass(),
                t,
                info.toString());
    }

    /** OP_CONNECT fired for a channel that only wants to read: finish the connect now, announce it on the first read. */
    static void finishConnectOnly(Dispatcher obj) {
        try {
            Transport t = obj.transport();
            if (t != null && t.isConnectionPending()) {
                t.finishConnect();
            }
        } catch (Throwable t) {
            rethrowOr(obj, t);
        }
    }

    static void flushTransport(Dispatcher obj) {
        try {
            obj.flushTransport();
        } catch (Throwable t) {
            rethrowOr(obj, t);
        }
    }

    static {
        preloadFailurePaths();
    }

    /**
     * Loads the classes of the failure paths (a handler's error, a failed accept) with the loop: they run when the process
     * may have no descriptor left to open a class file with, and a class that cannot be loaded then would turn one failed
     * accept into a closed listener.
     */
    static void preloadFailurePaths() {
        compactTraceback(new IllegalStateException("loaded with the loop"));
        Errno.isExhausted(new IOException("Too many open files"));
        ExitNow.class.getName();
    }

    private static void rethrowOr(Dispatcher obj, Throwable t) {
        if (Throwables.isReraised(t)) {
            Throwables.sneakyThrow(t);
        }
        handleErrorRecorded(obj, t);
    }

    /** Calls {@code handleError} with the error recorded as the cause of a close it makes. Loop thread. */
    static void handleErrorRecorded(Dispatcher obj, Throwable t) {
        obj.setCloseCause(t);
        try {
            obj.handleError(t);
        } finally {
            obj.setCloseCause(null);
        }
    }

    private static void pass(Duration timeout, boolean usePoll, DispatcherMap map) {
        try {
            map.engine().fullPass(timeout, usePoll, Engine.FAITHFUL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DispatcherMap orDefault(DispatcherMap map) {
        return map != null ? map : DEFAULT_MAP;
    }
}
