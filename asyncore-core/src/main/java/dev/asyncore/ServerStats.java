package dev.asyncore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ServerCounter;
import dev.asyncore.internal.util.FailureLogLimit;

/**
 * Traffic and connection figures of one listening server, written by the loop thread and readable from any thread.
 *
 * <p>A {@link Dispatcher} that carries a {@code ServerStats} (each connection a server accepts) adds the bytes it sends
 * and receives. Each counter has a single writer, the loop thread, which publishes it with a release store (no full fence on the
 * hot path); readers on any thread see every value in order, at most a moment late.
 */
public final class ServerStats {

    private static final VarHandle CONNECTIONS;
    private static final VarHandle ACCEPTED;
    private static final VarHandle REJECTED;
    private static final VarHandle BYTES_RECEIVED;
    private static final VarHandle BYTES_SENT;
    private static final VarHandle HEADER_REFUSED;
    private static final VarHandle HEADER_TIMED_OUT;
    private static final VarHandle DENIED;
    private static final VarHandle ACCEPT_ERRORS;
    private static final VarHandle BACKING_OFF;
    private static final VarHandle HANDSHAKES_COMPLETED;
    private static final VarHandle HANDSHAKES_FAILED;
    private static final VarHandle HEADERS_PENDING;
    private static final VarHandle UNTRUSTED_PROXY;
    private static final VarHandle REJECTED_PER_ADDRESS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CONNECTIONS = lookup.findVarHandle(ServerStats.class, "connections", int.class);
            ACCEPTED = lookup.findVarHandle(ServerStats.class, "accepted", long.class);
            REJECTED = lookup.findVarHandle(ServerStats.class, "rejected", long.class);
            BYTES_RECEIVED = lookup.findVarHandle(ServerStats.class, "bytesReceived", long.class);
            BYTES_SENT = lookup.findVarHandle(ServerStats.class, "bytesSent", long.class);
            HEADER_REFUSED = lookup.findVarHandle(ServerStats.class, "headerRefused", long.class);
            HEADER_TIMED_OUT = lookup.findVarHandle(ServerStats.class, "headerTimedOut", long.class);
            DENIED = lookup.findVarHandle(ServerStats.class, "denied", long.class);
            ACCEPT_ERRORS = lookup.findVarHandle(ServerStats.class, "acceptErrors", long.class);
            BACKING_OFF = lookup.findVarHandle(ServerStats.class, "backingOff", boolean.class);
            HANDSHAKES_COMPLETED = lookup.findVarHandle(ServerStats.class, "handshakesCompleted", long.class);
            HANDSHAKES_FAILED = lookup.findVarHandle(ServerStats.class, "handshakesFailed", long.class);
            HEADERS_PENDING = lookup.findVarHandle(ServerStats.class, "headersPending", int.class);
            UNTRUSTED_PROXY = lookup.findVarHandle(ServerStats.class, "untrustedProxy", long.class);
            REJECTED_PER_ADDRESS = lookup.findVarHandle(ServerStats.class, "rejectedPerAddress", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        ApiAccess.installServer(stats -> stats.counter);
    }

    private int connections;
    private long accepted;
    private long rejected;
    private long bytesReceived;
    private long bytesSent;
    private long headerRefused;
    private long headerTimedOut;
    private long denied;
    private long acceptErrors;
    private boolean backingOff;
    private long handshakesCompleted;
    private long handshakesFailed;
    private int headersPending;
    private long untrustedProxy;
    private long rejectedPerAddress;

    /** Holds back the lines of failed handshakes past a few a minute. Loop thread. */
    final FailureLogLimit handshakeFailureLog = new FailureLogLimit("failed TLS handshakes");

    /** The output budget of the server's connections, or null; set before the server accepts connections. */
    private volatile OutputBudget outputBudget;

    private final ServerCounter counter = new Counter();

    /** Creates zeroed figures. Any thread. */
    public ServerStats() {}

    /** Counts a connection accepted and now open. Loop thread. */
    void connectionOpened() {
        ACCEPTED.setRelease(this, (long) ACCEPTED.getOpaque(this) + 1);
        CONNECTIONS.setRelease(this, (int) CONNECTIONS.getOpaque(this) + 1);
    }

    /** Counts an accepted connection that closed. Loop thread. */
    void connectionClosed() {
        CONNECTIONS.setRelease(this, (int) CONNECTIONS.getOpaque(this) - 1);
    }

    /** Counts a connection that closed and releases what it held of the output budget. Loop thread. */
    void closed(Dispatcher dispatcher) {
        connectionClosed();
        OutputBudget budget = outputBudget;
        if (budget != null) {
            budget.release(dispatcher);
        }
    }

    /** Counts a connection refused at once (over the connection limit, or its handler failed). Loop thread. */
    void connectionRejected() {
        REJECTED.setRelease(this, (long) REJECTED.getOpaque(this) + 1);
    }

    /** Counts a connection closed because its PROXY protocol header was missing or invalid. Loop thread. */
    void connectionHeaderRefused() {
        HEADER_REFUSED.setRelease(this, (long) HEADER_REFUSED.getOpaque(this) + 1);
    }

    /** Counts a connection closed because its PROXY protocol header did not arrive in time. Loop thread. */
    void connectionHeaderTimedOut() {
        HEADER_TIMED_OUT.setRelease(this, (long) HEADER_TIMED_OUT.getOpaque(this) + 1);
    }

    /** Counts a connection that began sending its PROXY protocol header. Loop thread. */
    void headerStarted() {
        HEADERS_PENDING.setRelease(this, (int) HEADERS_PENDING.getOpaque(this) + 1);
    }

    /** Counts a connection whose PROXY protocol header ended: read, refused, timed out or closed. Loop thread. */
    void headerEnded() {
        HEADERS_PENDING.setRelease(this, (int) HEADERS_PENDING.getOpaque(this) - 1);
    }

    /** Counts a connection refused before its PROXY protocol header because it came from no trusted proxy. Loop thread. */
    void connectionUntrustedProxy() {
        UNTRUSTED_PROXY.setRelease(this, (long) UNTRUSTED_PROXY.getOpaque(this) + 1);
    }

    /** Counts a connection refused because its client address had its most connections open. Loop thread. */
    void connectionRejectedPerAddress() {
        REJECTED_PER_ADDRESS.setRelease(this, (long) REJECTED_PER_ADDRESS.getOpaque(this) + 1);
    }

    /** Counts a connection closed because an address rule refused its client. Loop thread. */
    void connectionDenied() {
        DENIED.setRelease(this, (long) DENIED.getOpaque(this) + 1);
    }

    /**
     * Counts an accept that failed (too many open files, no buffer space, ...) and marks the server as backing off. Loop
     * thread.
     */
    void acceptFailed() {
        ACCEPT_ERRORS.setRelease(this, (long) ACCEPT_ERRORS.getOpaque(this) + 1);
        BACKING_OFF.setRelease(this, true);
    }

    /** Marks the server as accepting again after failed accepts. Loop thread. */
    void acceptResumed() {
        BACKING_OFF.setRelease(this, false);
    }

    /** Counts a TLS handshake that finished. Loop thread. */
    void handshakeCompleted() {
        HANDSHAKES_COMPLETED.setRelease(this, (long) HANDSHAKES_COMPLETED.getOpaque(this) + 1);
    }

    /**
     * Counts a TLS handshake that failed: refused, timed out, not TLS at all, cut off, or a renegotiation. Loop thread.
     */
    void handshakeFailed() {
        HANDSHAKES_FAILED.setRelease(this, (long) HANDSHAKES_FAILED.getOpaque(this) + 1);
    }

    void received(int n) {
        BYTES_RECEIVED.setRelease(this, (long) BYTES_RECEIVED.getOpaque(this) + n);
    }

    void sent(int n) {
        BYTES_SENT.setRelease(this, (long) BYTES_SENT.getOpaque(this) + n);
    }

    /**
     * Accepted connections open now. Any thread.
     *
     * @return the count
     */
    public int connections() {
        return (int) CONNECTIONS.getAcquire(this);
    }

    /**
     * Connections accepted since start. Any thread.
     *
     * @return the count
     */
    public long accepted() {
        return (long) ACCEPTED.getAcquire(this);
    }

    /**
     * Connections closed at once since start. Any thread.
     *
     * @return the count
     */
    public long rejected() {
        return (long) REJECTED.getAcquire(this);
    }

    /**
     * Accepts that failed since start (the listener stayed open and retried after a back-off). Any thread.
     *
     * @return the count
     */
    public long acceptErrors() {
        return (long) ACCEPT_ERRORS.getAcquire(this);
    }

    /**
     * Whether the server is backing off: an accept failed and none has succeeded since. Any thread.
     *
     * @return true from a failed accept until the next successful one
     */
    public boolean acceptBackingOff() {
        return (boolean) BACKING_OFF.getAcquire(this);
    }

    /**
     * Bytes received from all connections since start. Any thread.
     *
     * @return the count
     */
    public long bytesReceived() {
        return (long) BYTES_RECEIVED.getAcquire(this);
    }

    /**
     * Bytes sent to all connections since start. Any thread.
     *
     * @return the count
     */
    public long bytesSent() {
        return (long) BYTES_SENT.getAcquire(this);
    }

    /**
     * Connections closed since start because their PROXY protocol header was missing or invalid. Any thread.
     *
     * @return the count
     */
    public long headerRefused() {
        return (long) HEADER_REFUSED.getAcquire(this);
    }

    /**
     * Connections closed since start because their PROXY protocol header did not arrive in time. Any thread.
     *
     * @return the count
     */
    public long headerTimedOut() {
        return (long) HEADER_TIMED_OUT.getAcquire(this);
    }

    /**
     * Connections still sending their PROXY protocol header now; they count against the connection limit. Any thread.
     *
     * @return the count
     */
    public int headersPending() {
        return (int) HEADERS_PENDING.getAcquire(this);
    }

    /**
     * Connections refused since start, before any header was read, because they came from an address that is not a
     * trusted proxy. Any thread.
     *
     * @return the count
     */
    public long untrustedProxy() {
        return (long) UNTRUSTED_PROXY.getAcquire(this);
    }

    /**
     * Connections refused since start because their client address already had the most connections allowed per
     * address. Any thread.
     *
     * @return the count
     */
    public long rejectedPerAddress() {
        return (long) REJECTED_PER_ADDRESS.getAcquire(this);
    }

    /**
     * Connections closed since start because an address rule refused the client. Any thread.
     *
     * @return the count
     */
    public long denied() {
        return (long) DENIED.getAcquire(this);
    }

    /**
     * TLS handshakes finished since start. Any thread.
     *
     * @return the count
     */
    public long handshakesCompleted() {
        return (long) HANDSHAKES_COMPLETED.getAcquire(this);
    }

    /**
     * TLS handshakes failed since start (refused, timed out, not TLS, cut off, renegotiation). Any thread.
     *
     * @return the count
     */
    public long handshakesFailed() {
        return (long) HANDSHAKES_FAILED.getAcquire(this);
    }

    // ---------------------------------------------------------------- output budget

    /**
     * Makes the connections attached to these figures share an output budget ({@link OutputBudget#charge}). Any thread,
     * before the server accepts connections.
     *
     * @param budget the budget, or null for none
     */
    public void setOutputBudget(OutputBudget budget) {
        this.outputBudget = budget;
    }

    /**
     * The output budget of the server's connections. Any thread.
     *
     * @return the budget, or null for none
     */
    public OutputBudget outputBudget() {
        return outputBudget;
    }

    /**
     * Bytes the server's connections hold queued for output now (0 without a budget, which does the counting). Any thread.
     *
     * @return the bytes
     */
    public long queuedBytes() {
        OutputBudget budget = outputBudget;
        return budget == null ? 0 : budget.queuedBytes();
    }

    /**
     * Connections closed since start as slow consumers: over the output budget, or by
     * {@link OutputBudget#closeSlowConsumer(Dispatcher, String)}; 0 without a budget. Any thread.
     *
     * @return the count
     */
    public long slowConsumerDrops() {
        OutputBudget budget = outputBudget;
        return budget == null ? 0 : budget.slowConsumerDrops();
    }

    /** The write side the server machinery counts through ({@link ApiAccess}): the figures stay read-only to users. */
    private final class Counter implements ServerCounter {

        @Override
        public void attach(Dispatcher dispatcher, Runnable release) {
            dispatcher.setStats(ServerStats.this, release);
        }

        @Override
        public void connectionOpened() {
            ServerStats.this.connectionOpened();
        }

        @Override
        public void connectionClosed() {
            ServerStats.this.connectionClosed();
        }

        @Override
        public void connectionRejected() {
            ServerStats.this.connectionRejected();
        }

        @Override
        public void connectionHeaderRefused() {
            ServerStats.this.connectionHeaderRefused();
        }

        @Override
        public void connectionHeaderTimedOut() {
            ServerStats.this.connectionHeaderTimedOut();
        }

        @Override
        public void headerStarted() {
            ServerStats.this.headerStarted();
        }

        @Override
        public void headerEnded() {
            ServerStats.this.headerEnded();
        }

        @Override
        public void connectionUntrustedProxy() {
            ServerStats.this.connectionUntrustedProxy();
        }

        @Override
        public void connectionRejectedPerAddress() {
            ServerStats.this.connectionRejectedPerAddress();
        }

        @Override
        public void connectionDenied() {
            ServerStats.this.connectionDenied();
        }

        @Override
        public void acceptFailed() {
            ServerStats.this.acceptFailed();
        }

        @Override
        public void acceptResumed() {
            ServerStats.this.acceptResumed();
        }
    }
}
