package dev.asyncore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;

import dev.asyncore.internal.util.FailureLogLimit;

/**
 * A bound on the bytes that the connections of one server, all together, hold queued for output. Per-connection
 * watermarks bound each connection; this bounds their sum, so that many clients that never read cannot together run the
 * heap out. When a connection's queue grows past the budget, the connections holding the most are closed as slow
 * consumers, largest first, until the total fits again (so it passes the budget by one push at most, and only for the
 * moment that push takes to close them); each is counted ({@link #slowConsumerDrops()}) and logged, at most
 * a few lines a minute.
 *
 * <p>A server's connections charge it through {@link #charge(Dispatcher, long)} as their queues grow and drain:
 * {@code AsyncChat}'s producer queue, {@link DispatcherWithSend}'s buffer and {@code EchoHandler}'s pending bytes do. A
 * connection counts only once it is attached to the server's {@link ServerStats} (so bytes queued in a handler's
 * constructor are not counted), and leaves the budget when it closes. Bytes shared between the queues of several
 * connections (a chat line broadcast to many members, one array) are counted once per connection holding them, so the
 * figure is never less than the memory those queues retain. Bytes a {@code Producer} has not yet produced are not
 * counted.
 *
 * <p>One budget belongs to one {@link dev.asyncore.handler.ServerDispatcher}, so to one loop: a server spread over several
 * loops has one per loop. Thread confinement: that loop's thread, except {@link #limit()}, {@link #queuedBytes()} and
 * {@link #slowConsumerDrops()}, which any thread may read.
 *
 * <p>Differs from Python: asyncore buffers output without any bound.
 */
public final class OutputBudget {

    private static final VarHandle QUEUED;
    private static final VarHandle DROPS;
    private static final Comparator<Account> LARGEST_FIRST = (a, b) -> Long.compare(b.queued, a.queued);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            QUEUED = lookup.findVarHandle(OutputBudget.class, "queued", long.class);
            DROPS = lookup.findVarHandle(OutputBudget.class, "drops", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long limit;
    /** The queued bytes of each connection that queued anything; made once per connection, removed when it closes. */
    private final IdentityHashMap<Dispatcher, Account> accounts = new IdentityHashMap<>();

    private final FailureLogLimit dropLog = new FailureLogLimit("slow consumers closed");
    /** Written by the loop thread alone (release stores), read anywhere (acquire). */
    private long queued;

    private long drops;
    private boolean dropping;

    /**
     * Makes a budget. Any thread, before the server accepts connections.
     *
     * @param limit the most bytes the connections may hold queued together, at least 1
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public OutputBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the output budget must be at least 1 byte, was " + limit);
        }
        this.limit = limit;
    }

    /**
     * Counts {@code delta} bytes more (or, negative, fewer) in the output queue of {@code dispatcher}, in the budget of
     * the server it belongs to; does nothing for a dispatcher of no server, or of a server without a budget. When the total
     * passes the budget, closes the connections holding the most (possibly {@code dispatcher} itself) until it fits.
     * Allocates nothing except the first time a connection queues bytes. Loop thread.
     *
     * @param dispatcher the connection whose queue changed
     * @param delta how many bytes were added (positive) or sent or dropped (negative)
     */
    public static void charge(Dispatcher dispatcher, long delta) {
        ServerStats stats = dispatcher.trafficStats();
        OutputBudget budget = stats == null ? null : stats.outputBudget();
        if (budget != null && delta != 0) {
            budget.add(dispatcher, delta);
        }
    }

    private void add(Dispatcher dispatcher, long delta) {
        assert dispatcher.onLoopThread() : "output of " + dispatcher + " charged off its loop";
        Account account = accounts.get(dispatcher);
        if (account == null) {
            if (delta < 0) {
                return;
            }
            account = new Account(dispatcher);
            accounts.put(dispatcher, account);
        }
        long before = account.queued;
        account.queued = Math.max(0, before + delta);
        long total = queued + account.queued - before;
        QUEUED.setRelease(this, total);
        if (total > limit && !dropping) {
            dropLargest();
        }
    }

    /** Closes the connections holding the most until the total fits; the exceptional path, which may allocate. */
    private void dropLargest() {
        dropping = true;
        try {
            Account[] largestFirst = accounts.values().toArray(new Account[0]);
            Arrays.sort(largestFirst, LARGEST_FIRST);
            for (Account account : largestFirst) {
                if (queued <= limit || account.queued == 0) {
                    return;
                }
                if (accounts.get(account.dispatcher) == account) {
                    drop(account);
                }
            }
        } finally {
            dropping = false;
        }
    }

    private void drop(Account account) {
        drop(
                account.dispatcher,
                account.queued + " bytes queued, its server's connections " + queued
                        + " bytes together, over the output budget of " + limit + " bytes");
    }

    /**
     * Closes a connection that reads too slowly for what is queued for it, for a reason of the caller's own (its
     * watermark, say): counted and logged as the budget's own drops are, within the same rate limit; without a budget,
     * logged and closed. Loop thread.
     *
     * @param consumer the connection to close
     * @param why why, for the log line (such as {@code "300000 bytes queued, past its high watermark"})
     */
    public static void closeSlowConsumer(Dispatcher consumer, String why) {
        assert consumer.onLoopThread() : "slow consumer " + consumer + " closed off its loop";
        ServerStats stats = consumer.trafficStats();
        OutputBudget budget = stats == null ? null : stats.outputBudget();
        if (budget != null) {
            budget.drop(consumer, why);
        } else {
            consumer.logInfo("closing slow consumer " + consumer + ": " + why, "info");
            consumer.close();
        }
    }

    private void drop(Dispatcher victim, String why) {
        DROPS.setRelease(this, drops + 1);
        LogSink sink = victim.map().logSink();
        if (dropLog.admit(System.nanoTime(), (type, line) -> sink.log(victim, type, line))) {
            sink.log(victim, "info", "closing slow consumer " + SocketAddresses.describe(victim.addr()) + ": " + why);
        }
        try {
            victim.close();
        } catch (RuntimeException e) {
            sink.log(victim, "error", "closing slow consumer " + victim + " failed: " + e);
        }
        release(victim);
    }

    /** Forgets a connection that closed, with what it held. Loop thread (from {@link ServerStats}). */
    void release(Dispatcher dispatcher) {
        Account account = accounts.remove(dispatcher);
        if (account != null) {
            QUEUED.setRelease(this, queued - account.queued);
        }
    }

    /**
     * The most bytes the connections may hold queued together. Any thread.
     *
     * @return the budget in bytes
     */
    public long limit() {
        return limit;
    }

    /**
     * The bytes the connections hold queued now, counted once per connection holding them. Any thread.
     *
     * @return the bytes in use
     */
    public long queuedBytes() {
        return (long) QUEUED.getAcquire(this);
    }

    /**
     * The connections closed as slow consumers since start: because the budget was reached, or by
     * {@link #closeSlowConsumer(Dispatcher, String)}. Any thread.
     *
     * @return the count
     */
    public long slowConsumerDrops() {
        return (long) DROPS.getAcquire(this);
    }

    /** One connection's queued bytes. */
    private static final class Account {
        final Dispatcher dispatcher;
        long queued;

        Account(Dispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }
    }
}
