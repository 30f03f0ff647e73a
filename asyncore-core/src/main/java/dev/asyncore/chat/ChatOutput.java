package dev.asyncore.chat;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import dev.asyncore.OutputBudget;

/**
 * The output queue of an {@link AsyncChat} (Python's {@code producer_fifo}): pushed bytes, producers and close markers,
 * sent a chunk of {@link AsyncChat#acOutBufferSize()} at a time, and counted for the chat's watermarks and the server's
 * {@link OutputBudget}. Loop thread, but for {@link #queuedBytes()} (any thread).
 */
final class ChatOutput {

    private static final Object CLOSE_MARKER = new Object();
    private static final VarHandle QUEUED_BYTES;

    static {
        try {
            QUEUED_BYTES = MethodHandles.lookup().findVarHandle(ChatOutput.class, "queuedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AsyncChat chat;
    private final ArrayDeque<Object> fifo = new ArrayDeque<>();
    /** Written by the loop thread alone (release stores), read anywhere through {@link #queuedBytes()} (acquire). */
    private long queuedBytes;

    ChatOutput(AsyncChat chat) {
        this.chat = chat;
    }

    /** Whether nothing is queued: no bytes, no producer, no close marker. */
    boolean isEmpty() {
        return fifo.isEmpty();
    }

    /** The bytes queued, as the loop thread last wrote them. Any thread. */
    long queuedBytes() {
        return (long) QUEUED_BYTES.getAcquire(this);
    }

    /** The bytes queued. Loop thread. */
    long queuedBytesPlain() {
        return queuedBytes;
    }

    /** Queues bytes (a {@link ByteBuffer}) or a {@link Producer}. */
    void enqueue(Object item) {
        boolean wasEmpty = fifo.isEmpty();
        fifo.addLast(item);
        if (item instanceof ByteBuffer buffer) {
            addQueued(buffer.remaining());
        }
        if (wasEmpty) {
            chat.interestChanged();
        }
    }

    /** Queues the marker that closes the channel once everything before it is sent. */
    void enqueueClose() {
        enqueue(CLOSE_MARKER);
    }

    /**
     * Makes at most one send attempt from the head of the queue: drains producers until there are bytes, closes on a
     * close marker, sends nothing while not connected.
     */
    void sendNext() {
        while (!fifo.isEmpty() && chat.isConnected()) {
            Object first = fifo.peekFirst();
            if (first == CLOSE_MARKER) {
                fifo.removeFirst();
                chat.handleClose();
                return;
            }
            if (first instanceof Producer producer) {
                if (!pullProducer(producer)) {
                    return;
                }
                continue;
            }
            sendHead((ByteBuffer) first);
            return;
        }
    }

    /** Drops everything queued. */
    void discard() {
        fifo.clear();
        addQueued(-queuedBytes);
    }

    private boolean pullProducer(Producer producer) {
        byte[] data;
        try {
            data = producer.more();
        } catch (Exception e) {
            chat.handleError(e);
            return false;
        }
        if (data != null && data.length > 0) {
            fifo.addFirst(ByteBuffer.wrap(data));
            addQueued(data.length);
        } else {
            fifo.removeFirst();
        }
        return true;
    }

    private void sendHead(ByteBuffer head) {
        int limit = head.limit();
        head.limit(Math.min(limit, head.position() + chat.acOutBufferSize()));
        int sent;
        try {
            sent = chat.send(head);
        } catch (IOException e) {
            chat.handleError(e);
            return;
        } finally {
            head.limit(limit);
        }
        if (sent > 0) {
            if (!head.hasRemaining() && fifo.peekFirst() == head) {
                fifo.removeFirst();
            }
            addQueued(-sent);
            if (fifo.isEmpty()) {
                chat.interestChanged();
            }
        }
    }

    /** Counts bytes queued or sent, for the watermarks and for the server's {@link OutputBudget}, which may close us. */
    private void addQueued(long delta) {
        QUEUED_BYTES.setRelease(this, queuedBytes + delta);
        chat.updateReadPause();
        OutputBudget.charge(chat, delta);
    }
}
