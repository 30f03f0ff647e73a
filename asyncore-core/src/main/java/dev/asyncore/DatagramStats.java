package dev.asyncore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.DatagramCounter;
import dev.asyncore.internal.transport.DatagramTransport;

/**
 * Traffic figures of one datagram socket: datagrams and bytes received and sent, and datagrams dropped, by reason. Written
 * by the loop thread, readable from any thread.
 *
 * <p>A datagram dispatcher that carries them (a {@code DatagramServer}, or a factory's dispatcher a container serves)
 * counts every datagram it receives and sends, through {@code recv}, {@code recvfrom}, {@code send} and {@code sendto}.
 * Each counter has a single writer, the loop thread, which publishes it with a release store, as {@link ServerStats}
 * does.
 */
public final class DatagramStats {

    private static final VarHandle RECEIVED;
    private static final VarHandle BYTES_RECEIVED;
    private static final VarHandle SENT;
    private static final VarHandle BYTES_SENT;
    private static final VarHandle DROPPED;
    private static final VarHandle DROPPED_OWN;
    private static final VarHandle DROPPED_INVALID;
    private static final VarHandle DROPPED_RATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RECEIVED = lookup.findVarHandle(DatagramStats.class, "received", long.class);
            BYTES_RECEIVED = lookup.findVarHandle(DatagramStats.class, "bytesReceived", long.class);
            SENT = lookup.findVarHandle(DatagramStats.class, "sent", long.class);
            BYTES_SENT = lookup.findVarHandle(DatagramStats.class, "bytesSent", long.class);
            DROPPED = lookup.findVarHandle(DatagramStats.class, "dropped", long.class);
            DROPPED_OWN = lookup.findVarHandle(DatagramStats.class, "droppedOwnSource", long.class);
            DROPPED_INVALID = lookup.findVarHandle(DatagramStats.class, "droppedInvalidSource", long.class);
            DROPPED_RATE = lookup.findVarHandle(DatagramStats.class, "droppedRateLimited", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        ApiAccess.installDatagram(stats -> stats.counter);
    }

    private long received;
    private long bytesReceived;
    private long sent;
    private long bytesSent;
    private long dropped;
    private long droppedOwnSource;
    private long droppedInvalidSource;
    private long droppedRateLimited;
    private volatile LongSupplier receiveDropped = () -> -1;
    private final DatagramCounter counter = new Counter();

    /** Creates zeroed figures. Any thread. */
    public DatagramStats() {}

    /** Makes a datagram dispatcher count its traffic here ({@code DatagramCounter.attach}). */
    void attach(Dispatcher dispatcher) {
        if (!(dispatcher.transport() instanceof DatagramTransport t)) {
            throw new IllegalStateException("not a datagram socket: " + dispatcher.socket());
        }
        t.setStats(counter);
    }

    /** Counts a datagram dropped because the output queue was full. Loop thread. */
    void datagramDropped() {
        DROPPED.setRelease(this, (long) DROPPED.getOpaque(this) + 1);
    }

    /** Sets where {@link #receiveDropped()} reads ({@code DatagramCounter.receiveDroppedSource}). */
    void setReceiveDroppedSource(LongSupplier source) {
        this.receiveDropped = source;
    }

    /** Counts an incoming datagram dropped because a socket of this process sent it. Loop thread. */
    void droppedOwnSource() {
        DROPPED_OWN.setRelease(this, (long) DROPPED_OWN.getOpaque(this) + 1);
    }

    /** Counts an incoming datagram dropped for its source: port 0, a broadcast or multicast address. Loop thread. */
    void droppedInvalidSource() {
        DROPPED_INVALID.setRelease(this, (long) DROPPED_INVALID.getOpaque(this) + 1);
    }

    /** Counts an incoming datagram dropped because its source passed its rate. Loop thread. */
    void droppedRateLimited() {
        DROPPED_RATE.setRelease(this, (long) DROPPED_RATE.getOpaque(this) + 1);
    }

    void received(int n) {
        RECEIVED.setRelease(this, (long) RECEIVED.getOpaque(this) + 1);
        BYTES_RECEIVED.setRelease(this, (long) BYTES_RECEIVED.getOpaque(this) + n);
    }

    void sent(int n) {
        SENT.setRelease(this, (long) SENT.getOpaque(this) + 1);
        BYTES_SENT.setRelease(this, (long) BYTES_SENT.getOpaque(this) + n);
    }

    /**
     * Datagrams received since start. Any thread.
     *
     * @return the count
     */
    public long datagramsReceived() {
        return (long) RECEIVED.getAcquire(this);
    }

    /**
     * Bytes received in datagrams since start. Any thread.
     *
     * @return the count
     */
    public long bytesReceived() {
        return (long) BYTES_RECEIVED.getAcquire(this);
    }

    /**
     * Datagrams sent since start. Any thread.
     *
     * @return the count
     */
    public long datagramsSent() {
        return (long) SENT.getAcquire(this);
    }

    /**
     * Bytes sent in datagrams since start. Any thread.
     *
     * @return the count
     */
    public long bytesSent() {
        return (long) BYTES_SENT.getAcquire(this);
    }

    /**
     * Outgoing datagrams dropped since start because the output queue was full. Any thread.
     *
     * @return the count
     */
    public long datagramsDropped() {
        return (long) DROPPED.getAcquire(this);
    }

    /**
     * Incoming datagrams dropped unanswered since start because their source is a UDP socket of this process (answering
     * would make the process talk to itself). Any thread.
     *
     * @return the count
     */
    public long datagramsDroppedOwnSource() {
        return (long) DROPPED_OWN.getAcquire(this);
    }

    /**
     * Incoming datagrams dropped unanswered since start because their source cannot be answered: port 0, a broadcast or
     * a multicast address. Any thread.
     *
     * @return the count
     */
    public long datagramsDroppedInvalidSource() {
        return (long) DROPPED_INVALID.getAcquire(this);
    }

    /**
     * Incoming datagrams dropped unanswered since start because their source address passed its rate. Any thread.
     *
     * @return the count
     */
    public long datagramsDroppedRateLimited() {
        return (long) DROPPED_RATE.getAcquire(this);
    }

    /**
     * Incoming datagrams the system dropped since the socket opened because its receive buffer was full (on Linux, the
     * {@code drops} column of {@code /proc/net/udp}). Any thread.
     *
     * @return the count, or -1 where the system does not tell
     */
    public long receiveDropped() {
        return receiveDropped.getAsLong();
    }

    /** The write side a datagram transport and server count through ({@link ApiAccess}): read-only to users. */
    private final class Counter implements DatagramCounter {

        @Override
        public void attach(Dispatcher dispatcher) {
            DatagramStats.this.attach(dispatcher);
        }

        @Override
        public void receiveDroppedSource(LongSupplier source) {
            setReceiveDroppedSource(source);
        }

        @Override
        public void received(int bytes) {
            DatagramStats.this.received(bytes);
        }

        @Override
        public void sent(int bytes) {
            DatagramStats.this.sent(bytes);
        }

        @Override
        public void dropped() {
            datagramDropped();
        }
    }
}
