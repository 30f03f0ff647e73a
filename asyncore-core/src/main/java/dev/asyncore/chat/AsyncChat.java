package dev.asyncore.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TrackedInterest;
import dev.asyncore.Watermarks;

/**
 * A dispatcher for conversational protocols (Python's {@code asynchat.async_chat}): incoming bytes are split at a terminator
 * and handed to {@link #collectIncomingData(byte[])} and {@link #foundTerminator()}; outgoing bytes and {@link Producer}s
 * are queued with {@link #push(byte[])} and sent as the channel becomes writable.
 *
 * <p>The terminator is a byte sequence of any length ({@link #setTerminator(byte[])}), a byte count
 * ({@link #setTerminator(int)}) or none ({@code setTerminator((byte[]) null)}). A terminator split across reads is matched
 * and never handed to {@code collectIncomingData}; {@code foundTerminator} may change the terminator, and the new one
 * applies to the bytes already received.
 *
 * <p>Thread confinement: every method runs on the loop thread of the channel's map (or on any one thread before a loop
 * owns the map), except {@link #queuedBytes()}, which any thread may read.
 *
 * <p>Differs from Python:
 * <ul>
 * <li>Bounded input: while a byte terminator is set, at most {@link #maxFrameLength()} bytes (default
 * {@value #DEFAULT_MAX_FRAME_LENGTH}) may be collected without the terminator; more raises {@link FrameTooLongException},
 * which reaches {@link #handleError(Throwable)} and so, by default, closes this channel alone. The rest of that read is
 * discarded.</li>
 * <li>Bounded output: once the queued bytes, plus the bytes of the frame being collected, reach the high watermark
 * (default 256 KiB, {@link #DEFAULT_WATERMARKS}), {@link #readable()} is false until the queue drains to the low watermark
 * (default 64 KiB); and a read never asks for more than the room left below the high watermark.
 * So a handler that queues at most the bytes it reads (an echo of each frame, say) never queues more than the high
 * watermark, and a peer that sends without reading is paused instead of buffered without end.</li>
 * <li>An unset terminator means none (Python raises AttributeError in {@code handle_read}).</li>
 * <li>An empty array pushed is dropped instead of causing a zero-byte send.</li>
 * </ul>
 */
@TrackedInterest
public abstract class AsyncChat extends Dispatcher {

    /** Default size of each read and of each send (Python's {@code ac_in_buffer_size}/{@code ac_out_buffer_size}). */
    public static final int DEFAULT_BUFFER_SIZE = 65536;

    /** Default maximum frame length: 64 KiB, as the longest line or header a conversational protocol normally needs. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 65536;

    /** Default watermarks of the output queue: pause reading at 256 KiB queued, resume at 64 KiB. */
    public static final Watermarks DEFAULT_WATERMARKS = Watermarks.of(64 * 1024, 256 * 1024);

    private static final byte[] EMPTY = new byte[0];
    private static final ThreadLocal<ReadBuffer> READ_BUFFERS = ThreadLocal.withInitial(ReadBuffer::new);

    private final ChatOutput output = new ChatOutput(this);
    private final TerminatorFramer framer = new TerminatorFramer(this);
    private int acInBufferSize = DEFAULT_BUFFER_SIZE;
    private int acOutBufferSize = DEFAULT_BUFFER_SIZE;
    private Watermarks watermarks = DEFAULT_WATERMARKS;

    private boolean readPaused;
    private boolean shuttingDown;
    private ByteArrayOutputStream incoming;

    /** Creates an unconnected channel in the default map. Any one thread before the loop runs. */
    protected AsyncChat() {
        super();
    }

    /**
     * Creates an unconnected channel in {@code map}.
     *
     * @param map the channel map, or null for the default map
     */
    protected AsyncChat(DispatcherMap map) {
        super(map);
    }

    /**
     * Wraps a connected channel (for example an accepted one) and adds it to the default map.
     *
     * @param sock the channel
     */
    protected AsyncChat(SelectableChannel sock) {
        super(sock);
    }

    /**
     * Wraps a connected channel (for example an accepted one) and adds it to {@code map}.
     *
     * @param sock the channel
     * @param map the channel map, or null for the default map
     */
    protected AsyncChat(SelectableChannel sock, DispatcherMap map) {
        super(sock, map);
    }

    // ---------------------------------------------------------------- the protocol a subclass implements

    /**
     * Receives the next piece of the current frame (never the terminator). Loop thread.
     *
     * <p>Called with non-empty pieces only, except that with no terminator (null, count 0 or empty) the whole buffer is passed.
     *
     * @param data the bytes, owned by the callee
     * @throws Exception any failure, which goes to {@link #handleError(Throwable)}
     */
    protected abstract void collectIncomingData(byte[] data) throws Exception;

    /**
     * Receives a piece of the current frame as a range of a buffer that is reused after the call returns. The default copies the
     * range and calls {@link #collectIncomingData(byte[])}; override it to avoid that allocation. Loop thread.
     *
     * <p>Differs from Python: asynchat always passes a fresh bytes object.
     *
     * @param buffer the buffer holding the bytes; do not keep it
     * @param offset where the bytes start
     * @param length how many bytes
     * @throws Exception any failure, which goes to {@link #handleError(Throwable)}
     */
    protected void collectIncomingData(byte[] buffer, int offset, int length) throws Exception {
        collectIncomingData(Arrays.copyOfRange(buffer, offset, offset + length));
    }

    /**
     * Called when the terminator was found; the frame's bytes have all gone to {@code collectIncomingData}. It may change the
     * terminator, which then applies to the bytes already received. Loop thread.
     *
     * @throws Exception any failure, which goes to {@link #handleError(Throwable)}
     */
    protected abstract void foundTerminator() throws Exception;

    /**
     * A ready-made collector (Python's {@code _collect_incoming_data}): appends {@code data} for {@link #getData()}. Loop thread.
     *
     * @param data the bytes to keep
     */
    protected void collectIncomingDataDefault(byte[] data) {
        if (incoming == null) {
            incoming = new ByteArrayOutputStream();
        }
        incoming.write(data, 0, data.length);
    }

    /**
     * Returns everything {@link #collectIncomingDataDefault(byte[])} kept and forgets it (Python's {@code _get_data}). Loop thread.
     *
     * @return the collected bytes, possibly empty
     */
    protected byte[] getData() {
        if (incoming == null) {
            return EMPTY;
        }
        byte[] data = incoming.toByteArray();
        incoming.reset();
        return data;
    }

    // ---------------------------------------------------------------- terminator

    /**
     * Sets a byte-sequence terminator; {@code null} or an empty array means none (every byte goes to
     * {@code collectIncomingData}). The frame length counted against {@link #maxFrameLength()} restarts. Loop thread.
     *
     * @param terminator the delimiter, copied; or null
     */
    public void setTerminator(byte[] terminator) {
        framer.setTerminator(terminator);
    }

    /**
     * Sets a byte count as the terminator: after that many more bytes, {@link #foundTerminator()} is called and the count stays
     * 0 (collect everything) until set again. Loop thread.
     *
     * @param count how many bytes make the frame, 0 or more
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public void setTerminator(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("the number of received bytes must be positive, got " + count);
        }
        framer.setTerminator(count);
    }

    /**
     * Returns the terminator: a copy of the {@code byte[]}, an {@link Integer} count (the bytes still expected), or null.
     * Overriding it is honoured by the framing, as in Python (at the cost of a call per frame). Loop thread.
     *
     * @return the current terminator
     */
    public Object getTerminator() {
        return framer.terminator();
    }

    // ---------------------------------------------------------------- writing

    /**
     * Queues {@code data} itself, without copying it, and tries to send. The array then belongs to this channel until it is
     * sent: the caller must not change it, and may push the same array to many channels (a broadcast shares one array).
     * Loop thread.
     *
     * <p>Differs from Python: an empty array is dropped; Python's bytes cannot change, a Java array can, hence the rule.
     *
     * @param data the bytes to send, not to be changed afterwards
     */
    public void push(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length > 0) {
            output.enqueue(ByteBuffer.wrap(data));
        }
        initiateSend();
    }

    /**
     * Queues a copy of the remaining bytes of {@code data} (a buffer the caller may reuse) and tries to send. Loop thread.
     *
     * @param data the bytes to send
     */
    public void push(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        push(copy);
    }

    /**
     * Queues a producer, drained by {@link Producer#more()} as the channel can send, and tries to send. Loop thread.
     *
     * @param producer the producer
     */
    public void pushWithProducer(Producer producer) {
        Objects.requireNonNull(producer, "producer");
        output.enqueue(producer);
        initiateSend();
    }

    /** Queues {@code data} as {@link #push(byte[])} does (Python's {@code push_with_producer} given bytes). Loop thread. */
    public void pushWithProducer(byte[] data) {
        push(data);
    }

    /**
     * Runs a blocking call off the loop ({@link #executeBlocking}) and pushes the bytes it returns, in order with this
     * channel's other blocking calls: the natural form of a request/reply handler whose reply needs a database or another
     * service ({@code pushBlocking(() -> render(repository.find(key)))} in {@link #foundTerminator()}). A null result
     * pushes nothing; a failure goes to {@link #handleError(Throwable)}, which closes the channel. Loop thread.
     *
     * <p>A direct {@link #push(byte[])} made later goes out before the reply of a pending {@code pushBlocking}: to keep
     * replies in request order, answer every request through {@code pushBlocking} (a reply that needs no blocking work
     * can return its bytes at once from the call). A graceful shutdown waits for pending replies before it closes.
     *
     * <p>Differs from Python: asynchat has no blocking calls off the loop.
     *
     * @param call returns the bytes to push, or null; it runs on another thread and must not touch this channel
     * @throws IllegalStateException if no {@code AsyncLoop} runs this channel's map
     */
    public void pushBlocking(Callable<byte[]> call) {
        executeBlocking(call, this::pushReply);
    }

    private void pushReply(byte[] reply) {
        if (reply != null) {
            push(reply);
        }
    }

    /** Closes the channel once everything queued before this call has been sent. Sends nothing itself. Loop thread. */
    public void closeWhenDone() {
        output.enqueueClose();
    }

    /**
     * Makes at most one send attempt from the head of the queue (Python's {@code initiate_send}): drains producers until
     * there are bytes, closes on a {@link #closeWhenDone()} marker, sends nothing while not connected. Loop thread.
     */
    public void initiateSend() {
        output.sendNext();
    }

    /**
     * Pauses reading while the queued bytes plus the frame being collected (which an echo-like handler will queue when its
     * terminator arrives) reach the high watermark, and keeps it paused until the queue drains to the low watermark. An empty
     * queue never pauses, so a frame longer than the room between the watermarks cannot stall the channel.
     */
    void updateReadPause() {
        long queued = output.queuedBytesPlain();
        boolean pause = queued > 0 && watermarks.pausesReading(queued + framer.frameLength(), queued, readPaused);
        if (pause != readPaused) {
            readPaused = pause;
            interestChanged();
        }
    }

    /**
     * Drops everything buffered: the unframed input, {@link #getData()}'s bytes and the output queue. Emergencies only. Loop
     * thread.
     */
    public void discardBuffers() {
        framer.discard();
        if (incoming != null) {
            incoming.reset();
        }
        output.discard();
        interestChanged();
    }

    // ---------------------------------------------------------------- events and predicates

    /**
     * Sends the next piece of the queue. Loop thread.
     *
     * @throws Exception not thrown by this implementation; send failures go to {@link #handleError(Throwable)}
     */
    @Override
    public void handleWrite() throws Exception {
        initiateSend();
    }

    /** Closes the channel and {@linkplain #discardBuffers() drops} what it can no longer send, freeing it. Loop thread. */
    @Override
    public void close() {
        super.close();
        if (output != null && !output.isEmpty()) {
            discardBuffers();
        }
    }

    /** Closes the channel, without the warning {@link Dispatcher#handleClose()} logs. Loop thread. */
    @Override
    public void handleClose() {
        close();
    }

    /**
     * Graceful shutdown began: stop reading and close once the queued output is sent, after the replies of pending
     * blocking calls ({@link #pushBlocking}) have joined it. Loop thread.
     */
    @Override
    protected void handleShutdown() {
        shuttingDown = true;
        interestChanged();
        if (blockingCallsInFlight() > 0) {
            // Delivered after every call made before it, so the replies of pending calls are queued first.
            executeBlocking(() -> null, ignored -> closeAfterSending(), failure -> closeAfterSending());
        } else {
            closeAfterSending();
        }
    }

    private void closeAfterSending() {
        closeWhenDone();
        initiateSend();
    }

    /**
     * True unless the output queue (with the frame in progress) reached the high watermark and has not yet drained to the low
     * watermark, or a graceful shutdown began. Loop thread.
     *
     * <p>Differs from Python: asynchat is always readable.
     *
     * @return whether the loop should read from this channel
     */
    @Override
    public boolean readable() {
        return !readPaused && !shuttingDown;
    }

    /**
     * True when something is queued or the channel is not yet connected (so the loop reports the connect). Loop thread.
     *
     * @return whether the loop should watch this channel for writability
     */
    @Override
    public boolean writable() {
        return (output != null && !output.isEmpty()) || !isConnected();
    }

    // ---------------------------------------------------------------- settings

    /**
     * Returns how many bytes are queued for sending (producers count once they have produced). Any thread.
     *
     * @return the queued byte count
     */
    public long queuedBytes() {
        return output.queuedBytes();
    }

    /**
     * Returns the most bytes one read asks for (Python's {@code ac_in_buffer_size}). Loop thread.
     *
     * @return the read size in bytes
     */
    public int acInBufferSize() {
        return acInBufferSize;
    }

    /**
     * Sets the most bytes one read asks for. Loop thread.
     *
     * @param size the read size, at least 1
     * @throws IllegalArgumentException if {@code size} is less than 1
     */
    public void setAcInBufferSize(int size) {
        acInBufferSize = TerminatorFramer.positive("acInBufferSize", size);
    }

    /**
     * Returns the most bytes one send writes (Python's {@code ac_out_buffer_size}). Loop thread.
     *
     * @return the send size in bytes
     */
    public int acOutBufferSize() {
        return acOutBufferSize;
    }

    /**
     * Sets the most bytes one send writes. Loop thread.
     *
     * @param size the send size, at least 1
     * @throws IllegalArgumentException if {@code size} is less than 1
     */
    public void setAcOutBufferSize(int size) {
        acOutBufferSize = TerminatorFramer.positive("acOutBufferSize", size);
    }

    /**
     * Returns how many bytes may be collected without finding a byte terminator. Loop thread.
     *
     * @return the maximum frame length in bytes
     */
    public int maxFrameLength() {
        return framer.maxFrameLength();
    }

    /**
     * Sets how many bytes may be collected without finding a byte terminator before {@link FrameTooLongException}. Loop thread.
     *
     * @param maxFrameLength the limit, at least 1
     * @throws IllegalArgumentException if {@code maxFrameLength} is less than 1
     */
    public void setMaxFrameLength(int maxFrameLength) {
        framer.maxFrameLength(TerminatorFramer.positive("maxFrameLength", maxFrameLength));
    }

    /**
     * Returns the output watermarks: reading pauses when the queued bytes reach {@code high()} and resumes when they drain
     * to {@code low()}. Loop thread.
     *
     * @return the watermarks
     */
    public Watermarks watermarks() {
        return watermarks;
    }

    /**
     * Sets the output watermarks. Loop thread.
     *
     * @param watermarks the watermarks
     */
    public void setWatermarks(Watermarks watermarks) {
        this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
        updateReadPause();
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads what the channel has (at most {@link #acInBufferSize()} bytes, and no more than the room below the high watermark)
     * and frames it. A read that finds nothing is ignored (Python ignores BlockingIOError); other I/O errors go to
     * {@link #handleError(Throwable)}. At end of stream {@code recv} has already run {@link #handleClose()}. Loop thread.
     *
     * @throws Exception what the framing callbacks throw, or {@link FrameTooLongException}
     */
    @Override
    public void handleRead() throws Exception {
        ReadBuffer holder = READ_BUFFERS.get();
        ByteBuffer buffer = holder.acquire(readSize());
        try {
            int n;
            try {
                n = recv(buffer);
            } catch (IOException e) {
                handleError(e);
                return;
            }
            if (n > 0) {
                feed(buffer.array(), buffer.arrayOffset(), n);
            } else if (n < 0) {
                feed(EMPTY, 0, 0);
            }
        } finally {
            holder.release(buffer);
        }
    }

    /** The read size: no more than the room below the high watermark once the frame in progress is counted. */
    private int readSize() {
        long room = watermarks.high() - output.queuedBytesPlain() - framer.frameLength();
        return room >= 1 ? (int) Math.min(acInBufferSize, room) : acInBufferSize;
    }

    /**
     * Frames {@code length} bytes of {@code data}: the code path of {@link #handleRead()} after the read, usable without a socket.
     *
     * @param data the bytes read
     * @param offset where they start
     * @param length how many, 0 to re-examine what is buffered
     * @throws Exception what the callbacks throw, or {@link FrameTooLongException}
     */
    final void feed(byte[] data, int offset, int length) throws Exception {
        Objects.checkFromIndexSize(offset, length, data.length);
        try {
            framer.feed(data, offset, length);
        } finally {
            updateReadPause();
        }
    }

    /** The bytes kept for the next read (a possible terminator prefix); for tests. */
    byte[] bufferedInput() {
        return framer.bufferedInput();
    }

    /**
     * Returns the largest {@code l} in {@code [1, needle.length - 1]} such that {@code haystack} ends with the first {@code l}
     * bytes of {@code needle}, else 0 (Python's {@code find_prefix_at_end}). Assumes the whole needle is not present. Any thread.
     *
     * @param haystack the bytes to look at
     * @param needle the terminator
     * @return the length of the terminator prefix at the end of {@code haystack}
     */
    public static int findPrefixAtEnd(byte[] haystack, byte[] needle) {
        Objects.requireNonNull(haystack, "haystack");
        Objects.requireNonNull(needle, "needle");
        return TerminatorFramer.findPrefixAtEnd(haystack, 0, haystack.length, needle);
    }
}
