package dev.asyncore.handler;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Objects;

import dev.asyncore.DatagramSourceFilter;
import dev.asyncore.DatagramStats;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ExitNow;
import dev.asyncore.SocketType;
import dev.asyncore.TrackedInterest;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.DatagramCounter;
import dev.asyncore.internal.util.FailureLogLimit;

/**
 * A UDP server: a bound datagram dispatcher that hands each datagram it receives to a {@link DatagramHandler} and sends
 * the replies, with a bounded output queue, a read budget per event and figures in {@link DatagramStats}. Loop thread, as
 * {@code Dispatcher}; the setters may be called on any thread before the loop runs, and {@link #stats()} is readable from
 * any thread.
 *
 * <pre>{@code
 * DatagramServer server = new DatagramServer(map, DatagramHandler.echo());
 * server.open(new InetSocketAddress("127.0.0.1", 0));
 * }</pre>
 *
 * <p>A reply is sent at once; only when the socket has no room does it wait in the output queue (at most
 * {@link #DEFAULT_QUEUE_DATAGRAMS} datagrams and {@link #DEFAULT_QUEUE_BYTES} bytes unless set otherwise), which is sent
 * on the next write events, in order. A reply that finds the queue full is dropped and counted
 * ({@link DatagramStats#datagramsDropped()}): UDP promises no delivery, and a server that buffered without limit could be
 * made to run out of memory. Each read event reads at most the read budget ({@link #DEFAULT_READ_BUDGET} datagrams), so a
 * flood of datagrams cannot starve the other channels of the same loop; what is left waits in the socket's receive
 * buffer, where the system drops what does not fit ({@link DatagramStats#receiveDropped()}). A datagram is received into
 * the loop's scratch buffer: nothing is allocated per datagram.
 *
 * <p>A datagram the server must not answer never reaches the handler ({@link DatagramSourceFilter}): one whose source is a
 * UDP socket of this process (a spoofed or looped datagram that would make the server answer itself or a sibling for
 * ever), one from port 0, a broadcast or multicast address, and, with {@link #setRateLimitPerSource(int, int)}, one from
 * an address past its rate. Each is counted in {@link DatagramStats}, never logged.
 *
 * <p>An exception from the handler, or a reply the system refuses, is logged (type {@code error}, at most
 * {@value FailureLogLimit#LINES_PER_WINDOW} lines a minute, the rest counted in one line) and the server goes on with the
 * next datagram: one bad datagram does not close the server, and a flood of them does not flood the log. On a graceful
 * shutdown the server stops reading, sends what is queued and closes.
 *
 * <p>A handler whose answer needs a blocking call makes it through the server, which is a dispatcher: copy what it needs
 * of the datagram first (the buffer is reused), then {@code server.executeBlocking(call, reply -> server.reply(...),
 * failure -> ...)}. Give it an {@code onFailure}: the default, {@code handleError}, would close the server. The server's
 * {@link #setOffload offload} bounds the calls: at {@code maxInFlightPerDispatcher} outstanding the server stops reading
 * and new datagrams wait in the socket's receive buffer.
 *
 * <p>Differs from Python: asyncore has no UDP server class; this one is built from the dispatcher's own verbs
 * ({@code createSocket(family, SOCK_DGRAM)}, {@code bind}, {@code recvfrom}, {@code sendto}).
 */
@TrackedInterest
public class DatagramServer extends Dispatcher {

    /** Datagrams read per read event unless set otherwise. */
    public static final int DEFAULT_READ_BUDGET = 64;

    /** Replies the output queue holds unless set otherwise. */
    public static final int DEFAULT_QUEUE_DATAGRAMS = 1024;

    /** The most replies an output queue may be set to hold: its bookkeeping is allocated for all of them at open. */
    public static final int MAX_QUEUE_DATAGRAMS = 1 << 20;

    /** Bytes the output queue holds unless set otherwise: 1 MiB. */
    public static final int DEFAULT_QUEUE_BYTES = 1024 * 1024;

    private final DatagramHandler handler;
    private final DatagramStats stats = new DatagramStats();
    private int readBudget = DEFAULT_READ_BUDGET;
    private int queueDatagrams = DEFAULT_QUEUE_DATAGRAMS;
    private int queueBytes = DEFAULT_QUEUE_BYTES;
    private int receiveBufferSize;
    private int sendBufferSize;
    private DatagramQueue queue;
    private boolean shuttingDown;
    private int ratePerSource;
    private int burstPerSource;
    private DatagramSourceFilter sources;
    private final FailureLogLimit failureLog = new FailureLogLimit("failed datagrams");

    /**
     * Creates a server with no socket yet: call {@link #open(SocketAddress)}. Any thread before the map's loop runs, else
     * the loop thread.
     *
     * @param map the map; null means the default map
     * @param handler answers each datagram
     */
    public DatagramServer(DispatcherMap map, DatagramHandler handler) {
        super(map);
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Opens a datagram socket of the address's family and binds it; closes it again if that fails. A wildcard address
     * ({@code 0.0.0.0} or {@code ::}) receives on every interface, IPv6 and IPv4 alike, through one dual-stack IPv6
     * socket where the machine has IPv6, as {@link ServerDispatcher} listens. {@code SO_REUSEADDR} is not set: a port in
     * use fails here instead of being shared. Any thread before the map's loop runs, else the loop thread.
     *
     * @param address where to receive; port 0 picks a free port
     * @throws IOException if the address cannot be bound ({@link java.net.BindException} when in use)
     */
    public void open(SocketAddress address) throws IOException {
        createDatagramSocket(address);
        try {
            ServerSockets.setBufferSizes(channel(), receiveBufferSize, sendBufferSize);
            bind(address);
            DatagramCounter counter = ApiAccess.counter(stats);
            counter.attach(this);
            counter.receiveDroppedSource(ReceiveDrops.of(localAddress()));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        queue = new DatagramQueue(queueDatagrams, queueBytes);
        sources = new DatagramSourceFilter(stats, ratePerSource, burstPerSource);
    }

    private void createDatagramSocket(SocketAddress address) throws IOException {
        ServerSockets.open(address, family -> {
            createSocket(family, SocketType.SOCK_DGRAM);
            return this;
        });
    }

    private DatagramChannel channel() {
        return (DatagramChannel) socket();
    }

    /**
     * The bound address, with the port chosen when port 0 was asked for: the same contract as
     * {@link ServerDispatcher#localAddress()}. Any thread.
     *
     * @return the local address, or null before {@link #open} and once closed
     * @throws IOException never since the contract became {@code ServerDispatcher}'s; kept for source compatibility
     */
    public SocketAddress localAddress() throws IOException {
        return ServerSockets.boundAddress(socket());
    }

    /**
     * The server's figures. Any thread.
     *
     * @return the figures, live
     */
    public DatagramStats stats() {
        return stats;
    }

    /**
     * Sets how many datagrams a read event reads at most. Before {@link #open}, or on the loop thread.
     *
     * @param budget at least 1
     * @throws IllegalArgumentException if below 1
     */
    public void setReadBudget(int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("read budget must be at least 1, was " + budget);
        }
        this.readBudget = budget;
    }

    /**
     * Sets the output queue's bounds. Before {@link #open}, on the thread that makes the server.
     *
     * @param datagrams the most replies it holds, from 1 to {@link #MAX_QUEUE_DATAGRAMS}
     * @param bytes the most bytes it holds, at least 1
     * @throws IllegalArgumentException if either is below 1, or datagrams above {@link #MAX_QUEUE_DATAGRAMS}
     */
    public void setQueueLimits(int datagrams, int bytes) {
        if (datagrams < 1 || bytes < 1 || datagrams > MAX_QUEUE_DATAGRAMS) {
            throw new IllegalArgumentException(
                    "queue limits must be at least 1, were " + datagrams + " datagrams and " + bytes + " bytes");
        }
        this.queueDatagrams = datagrams;
        this.queueBytes = bytes;
    }

    /**
     * Limits the datagrams one source address may have answered: {@code perSecond} a second, up to {@code burst} at once;
     * past it datagrams are dropped unanswered and counted ({@link DatagramStats#datagramsDroppedRateLimited()}). Off
     * unless set. Before {@link #open}, on the thread that makes the server.
     *
     * @param perSecond datagrams a second per source address; 0 for no limit
     * @param burst datagrams at once above the rate; at least 1 when a rate is set
     * @throws IllegalArgumentException if a value is negative, or a rate is set with a burst below 1
     */
    public void setRateLimitPerSource(int perSecond, int burst) {
        DatagramSourceFilter.checkRate(perSecond, burst);
        this.ratePerSource = perSecond;
        this.burstPerSource = burst;
    }

    /**
     * Sets the socket's receive buffer ({@code SO_RCVBUF}), which holds the datagrams the loop has not read yet. Before
     * {@link #open}, on the thread that makes the server; 0 leaves the system's default.
     *
     * @param bytes the size asked for (the system may round it)
     */
    public void setReceiveBufferSize(int bytes) {
        this.receiveBufferSize = Math.max(0, bytes);
    }

    /**
     * Sets the socket's send buffer ({@code SO_SNDBUF}). Before {@link #open}, on the thread that makes the server; 0
     * leaves the system's default.
     *
     * @param bytes the size asked for (the system may round it)
     */
    public void setSendBufferSize(int bytes) {
        this.sendBufferSize = Math.max(0, bytes);
    }

    /**
     * Sends a datagram to an address, at once if the socket has room, else through the output queue; drops it (and counts
     * it) when the queue is full. Consumes the buffer's remaining bytes either way. Loop thread.
     *
     * @param data the bytes
     * @param target where to send them
     * @return true if sent or queued, false if dropped
     * @throws IOException if sending fails (the handler's caller logs it and goes on)
     */
    public boolean reply(ByteBuffer data, SocketAddress target) throws IOException {
        if (queue.isEmpty() && (sendto(data, target) > 0 || !data.hasRemaining())) {
            return true;
        }
        if (queue.offer(data, target)) {
            return true;
        }
        data.position(data.limit());
        ApiAccess.counter(stats).dropped();
        return false;
    }

    /**
     * Replies waiting in the output queue. Loop thread.
     *
     * @return the count, never above the queue's bound
     */
    public int queuedDatagrams() {
        return queue == null ? 0 : queue.size();
    }

    /**
     * Bytes waiting in the output queue. Loop thread.
     *
     * @return the count, never above the queue's bound
     */
    public int queuedBytes() {
        return queue == null ? 0 : queue.bytes();
    }

    @Override
    public boolean readable() {
        return !shuttingDown;
    }

    @Override
    public boolean writable() {
        return queue != null && !queue.isEmpty();
    }

    /** Reads up to the read budget of datagrams and hands each to the handler. Loop thread. */
    @Override
    public void handleRead() throws IOException {
        ByteBuffer buffer = map().scratchBuffer();
        long now = System.nanoTime();
        for (int i = 0; i < readBudget && !shuttingDown; i++) {
            buffer.clear();
            SocketAddress sender = recvfrom(buffer);
            if (sender == null) {
                return;
            }
            if (!sources.admit(sender, now)) {
                continue;
            }
            buffer.flip();
            try {
                handler.handleDatagram(buffer, sender, this);
            } catch (ExitNow e) {
                throw e;
            } catch (Exception e) {
                if (mayLogFailure()) {
                    logInfo("datagram handler failed for " + sender + ": " + e, "error");
                }
                if (!socket().isOpen()) {
                    return;
                }
            }
        }
    }

    /** Whether a failed datagram's line fits in {@link FailureLogLimit}'s lines a minute; the rest are counted. */
    private boolean mayLogFailure() {
        return failureLog.admit(
                System.nanoTime(), (type, notice) -> map().logSink().log(this, type, notice));
    }

    /**
     * Sends the queued replies while the socket takes them; a reply the system refuses (an unreachable address) is logged,
     * dropped and counted. Closes once drained if a shutdown began. Loop thread.
     */
    @Override
    public void handleWrite() throws IOException {
        while (!queue.isEmpty()) {
            try {
                if (!queue.sendHead(this::sendto)) {
                    break;
                }
            } catch (IOException e) {
                if (!socket().isOpen()) {
                    throw e;
                }
                if (mayLogFailure()) {
                    logInfo("datagram reply failed: " + e, "error");
                }
                queue.dropHead();
                ApiAccess.counter(stats).dropped();
            }
        }
        if (shuttingDown && queue.isEmpty()) {
            close();
        }
    }

    /** Stops reading; closes once the queued replies are sent. */
    @Override
    protected void handleShutdown() {
        shuttingDown = true;
        interestChanged();
        if (queue == null || queue.isEmpty()) {
            close();
        }
    }

    /** A datagram socket has no peer to lose: closing is the only thing to do. Loop thread. */
    @Override
    public void handleClose() {
        close();
    }

    @Override
    public void close() {
        if (queue != null) {
            queue.clear();
        }
        super.close();
    }
}
