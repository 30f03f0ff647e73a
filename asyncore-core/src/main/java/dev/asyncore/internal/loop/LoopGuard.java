package dev.asyncore.internal.loop;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ExitNow;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ChannelAccess;
import dev.asyncore.internal.util.Throwables;

/**
 * How an {@link AsyncLoop} dispatches: as Python's wrappers ({@link Asyncore#read} and the others), but a failing
 * {@code handleError} closes that channel only, and the loop goes on. It also closes the channels idle past their
 * timeout. Loop thread only.
 */
public final class LoopGuard implements Engine.Guard {

    private static final ChannelAccess CHANNELS = ApiAccess.channels();

    private final DispatcherMap map;
    private final BlockWatch watch;

    /** Guards the passes over {@code map}, telling {@code watch} when handler code runs. Any thread. */
    public LoopGuard(DispatcherMap map, BlockWatch watch) {
        this.map = map;
        this.watch = watch;
    }

    @Override
    public void waiting() {
        watch.waiting();
    }

    @Override
    public void dispatching(long now) {
        watch.busy(now);
    }

    @Override
    public void read(Dispatcher d) {
        try {
            Asyncore.read(d);
        } catch (Throwable t) {
            contain(d, t);
        }
    }

    @Override
    public void write(Dispatcher d) {
        try {
            Asyncore.write(d);
        } catch (Throwable t) {
            contain(d, t);
        }
    }

    @Override
    public void readwrite(Dispatcher d, int flags) {
        try {
            Asyncore.readwrite(d, flags);
        } catch (Throwable t) {
            contain(d, t);
        }
    }

    @Override
    public void connectOnly(Dispatcher d) {
        try {
            CHANNELS.finishConnectOnly(d);
        } catch (Throwable t) {
            contain(d, t);
        }
    }

    @Override
    public void flush(Dispatcher d) {
        try {
            CHANNELS.flushTransport(d);
        } catch (Throwable t) {
            contain(d, t);
        }
    }

    @Override
    public void interestFailed(Dispatcher d, Throwable t) {
        if (Throwables.isReraised(t)) {
            contain(d, t);
        }
        try {
            CHANNELS.handleErrorRecorded(d, t);
        } catch (Throwable failed) {
            contain(d, failed);
        }
        if (isMember(d)) {
            CHANNELS.setCloseCause(d, t);
            // handleError did not close it: a channel whose interest cannot be read cannot be served.
            closeQuietly(d);
        }
    }

    /**
     * Closes the members that had no read or write event for longer than their idle timeout, telling their close listener
     * why.
     *
     * @param now the time of this sweep ({@link System#nanoTime()})
     */
    void closeIdle(long now) {
        Selection selection = CHANNELS.engine(map).selection();
        Registration[] snapshot = selection.snapshot();
        int n = selection.snapshotSize();
        for (int i = 0; i < n; i++) {
            Registration r = snapshot[i];
            long timeout = CHANNELS.idleTimeoutNanos(r.dispatcher);
            // A channel waiting for its blocking calls is not idle.
            if (timeout > 0
                    && r.isMember()
                    && now - r.lastActivity > timeout
                    && r.dispatcher.blockingCallsInFlight() == 0) {
                CHANNELS.setCloseCause(
                        r.dispatcher, new TimeoutException("no traffic for " + Duration.ofNanos(timeout)));
                closeQuietly(r.dispatcher);
            }
        }
    }

    /**
     * Starts a graceful shutdown of the map: listening channels close at once, every other dispatcher is told through
     * {@code handleShutdown()}; one whose {@code handleShutdown()} throws is closed.
     */
    public void beginShutdown() {
        for (Dispatcher d : map.values()) {
            if (d.isAccepting()) {
                closeQuietly(d);
            }
        }
        for (Dispatcher d : map.values()) {
            try {
                CHANNELS.handleShutdown(d);
            } catch (ExitNow | VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                closeQuietly(d);
            }
        }
    }

    /** Closes a dispatcher and makes sure it left the map, even if its {@code close()} failed. */
    void closeQuietly(Dispatcher d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            map.logSink().log(d, "error", "close failed: " + e);
        } finally {
            Integer fileno = d.fileno();
            if (fileno != null && map.get(fileno) == d) {
                map.remove(fileno);
            }
        }
    }

    private boolean isMember(Dispatcher d) {
        Registration r = CHANNELS.registration(d);
        return r != null && r.map == map;
    }

    /** A handler's {@code handleError} failed too: the channel is closed, the loop goes on. */
    public void contain(Dispatcher d, Throwable t) {
        if (Throwables.isReraised(t)) {
            if (t instanceof ExitNow exit) {
                throw exit;
            }
            throw (VirtualMachineError) t;
        }
        map.logSink()
                .log(d, "error", "handleError of " + d.getClass().getName() + " failed, closing its channel: " + t);
        CHANNELS.setCloseCause(d, t);
        closeQuietly(d);
    }
}
