package dev.asyncore.handler;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.OutputBudget;
import dev.asyncore.TrackedInterest;
import dev.asyncore.Watermarks;

/**
 * Echoes every byte back, in order, with bounded buffering. Loop thread, as {@code Dispatcher}.
 *
 * <p>A read goes into the map's shared buffer and is written back at once; only what the peer cannot take yet is queued.
 * Above the high watermark of queued bytes the handler stops reading ({@link #readable()} is false) until the queue drains
 * to the low watermark, so a client that sends without reading cannot make the server buffer without end. When the client
 * half-closes, it sends what it still owes, then closes. When a graceful shutdown begins, it stops echoing new input,
 * sends what it owes, shuts its output down (the client sees end of stream after the last byte) and discards input until
 * the client closes, so that the close never turns into a reset that would destroy echoed bytes in flight. In steady
 * state it allocates nothing per message.
 */
@TrackedInterest
public class EchoHandler extends Dispatcher {

    /** Default watermarks of queued bytes: pause reading at 64 KiB, resume at 16 KiB. */
    public static final Watermarks DEFAULT_WATERMARKS = Watermarks.of(16 * 1024, 64 * 1024);

    private static final VarHandle QUEUED;

    static {
        try {
            QUEUED = MethodHandles.lookup().findVarHandle(EchoHandler.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Watermarks watermarks;
    private final int highWatermark;
    private ByteBuffer pending;
    /** Bytes read and not yet echoed: written by the loop thread alone (release stores), read anywhere (acquire). */
    private int queued;

    private boolean paused;
    private boolean draining;
    private boolean peerDone;
    private boolean finishing;

    /**
     * Serves an accepted channel with the default watermarks.
     *
     * @param sock the channel
     * @param map the map
     */
    public EchoHandler(SocketChannel sock, DispatcherMap map) {
        this(sock, map, DEFAULT_WATERMARKS);
    }

    /**
     * Serves an accepted channel.
     *
     * @param sock the channel
     * @param map the map
     * @param watermarks queued bytes at which reading pauses ({@code high}) and resumes ({@code low})
     */
    public EchoHandler(SocketChannel sock, DispatcherMap map, Watermarks watermarks) {
        super(sock, map);
        this.watermarks = watermarks;
        this.highWatermark = watermarks.high();
    }

    @Override
    public boolean readable() {
        return finishing || (!paused && !draining);
    }

    @Override
    public boolean writable() {
        return queued > 0;
    }

    @Override
    public void handleRead() throws IOException {
        ByteBuffer buffer = map().scratchBuffer();
        buffer.clear();
        if (finishing) {
            recv(buffer);
            return;
        }
        buffer.limit(Math.min(buffer.capacity(), highWatermark - queued));
        if (recv(buffer) <= 0) {
            return;
        }
        buffer.flip();
        if (queued == 0) {
            send(buffer);
        }
        if (buffer.hasRemaining() && socket().isOpen()) {
            enqueue(buffer);
        }
    }

    @Override
    public void handleWrite() throws IOException {
        pending.flip();
        try {
            send(pending);
        } finally {
            pending.compact();
        }
        setQueued(pending.position());
        if (draining && queued == 0) {
            finish();
        }
    }

    /** At end of stream, sends what is still queued before closing; a second call (the peer is gone) closes at once. */
    @Override
    public void handleClose() {
        if (!draining && !finishing && queued > 0 && socket().isOpen()) {
            draining = true;
            peerDone = true;
            return;
        }
        close();
    }

    /** Stops echoing new input; once everything read so far has been echoed, ends the stream (see the class comment). */
    @Override
    protected void handleShutdown() {
        draining = true;
        if (queued == 0) {
            finish();
        }
    }

    /**
     * Bytes read and not yet echoed. Any thread.
     *
     * @return the count, never above the high watermark
     */
    public int queuedBytes() {
        return (int) QUEUED.getAcquire(this);
    }

    private void finish() {
        if (peerDone || finishing) {
            close();
            return;
        }
        try {
            shutdownOutput();
            finishing = true;
        } catch (IOException e) {
            close();
        }
    }

    private void enqueue(ByteBuffer data) {
        if (pending == null) {
            pending = ByteBuffer.allocate(highWatermark);
        }
        pending.put(data);
        setQueued(pending.position());
    }

    /** Counts bytes queued or sent, for the watermarks and for the server's {@link OutputBudget}, which may close us. */
    private void setQueued(int n) {
        OutputBudget.charge(this, n - queued);
        QUEUED.setRelease(this, n);
        paused = watermarks.pausesReading(n, n, paused);
    }
}
