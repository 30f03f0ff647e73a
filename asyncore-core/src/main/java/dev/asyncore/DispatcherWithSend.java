package dev.asyncore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;

/**
 * A {@link Dispatcher} that queues what {@link #send(byte[])} cannot write at once and writes it when the channel can take
 * more (Python's {@code dispatcher_with_send}). Loop thread, as {@code Dispatcher}.
 *
 * <p>Differs from Python: {@code send} returns the number of bytes queued (Python returns None), and the queue is a
 * growable buffer rather than an immutable bytes object. The queue has no bound, as in Python: for a bounded queue use
 * {@code AsyncChat} or a handler with watermarks. An accepted connection's queue counts in its server's {@link OutputBudget},
 * if any, which bounds the queues of all its connections together.
 */
@TrackedInterest
public class DispatcherWithSend extends Dispatcher {

    /** The most bytes one {@link #initiateSend()} writes, as in Python. */
    public static final int SEND_CHUNK = 65536;

    private ByteBuffer outBuffer = ByteBuffer.allocate(0);

    /** Creates one with no socket, for the default map. Any thread. */
    public DispatcherWithSend() {
        super();
    }

    /**
     * Creates one with no socket.
     *
     * @param map the map; null means the default map
     */
    public DispatcherWithSend(DispatcherMap map) {
        super(map);
    }

    /**
     * Wraps a channel in the default map.
     *
     * @param sock the channel
     */
    public DispatcherWithSend(SelectableChannel sock) {
        super(sock);
    }

    /**
     * Wraps a channel.
     *
     * @param sock the channel
     * @param map the map; null means the default map
     */
    public DispatcherWithSend(SelectableChannel sock, DispatcherMap map) {
        super(sock, map);
    }

    /** Writes at most {@value #SEND_CHUNK} queued bytes, once (Python's {@code initiate_send}). */
    public void initiateSend() throws IOException {
        // A send that fails closes the channel (handleClose), and close() swaps in an empty buffer: restore the one
        // sent
        // from, not whatever the field holds by then.
        ByteBuffer out = outBuffer;
        out.flip();
        int limit = out.limit();
        out.limit(Math.min(limit, out.position() + SEND_CHUNK));
        try {
            OutputBudget.charge(this, -super.send(out));
        } finally {
            out.limit(limit);
            out.compact();
        }
    }

    @Override
    public void handleWrite() throws Exception {
        initiateSend();
    }

    /** Writable while not yet connected (to learn of the connect) or while bytes are queued. */
    @Override
    public boolean writable() {
        return !isConnected() || outBuffer.position() > 0;
    }

    /**
     * Queues the bytes and tries to write them at once.
     *
     * @param data the bytes (copied)
     * @return the number of bytes queued
     */
    @Override
    public int send(byte[] data) throws IOException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * Queues the buffer's remaining bytes (consuming them) and tries to write them at once.
     *
     * @param data the bytes
     * @return the number of bytes queued
     */
    @Override
    public int send(ByteBuffer data) throws IOException {
        int n = data.remaining();
        if (debug()) {
            logInfo("sending " + n + " bytes");
        }
        if (outBuffer.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(outBuffer.capacity() * 2, outBuffer.position() + n));
            outBuffer.flip();
            bigger.put(outBuffer);
            outBuffer = bigger;
        }
        outBuffer.put(data);
        interestChanged();
        OutputBudget.charge(this, n);
        if (outBuffer.position() > 0) {
            initiateSend();
        }
        return n;
    }

    /** Closes the channel and frees the queue, which can no longer be sent. Loop thread. */
    @Override
    public void close() {
        super.close();
        outBuffer = ByteBuffer.allocate(0);
    }

    /**
     * The number of bytes queued and not yet written.
     *
     * @return the count
     */
    public int outBufferSize() {
        return outBuffer.position();
    }
}
