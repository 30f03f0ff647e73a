package dev.asyncore.chat;

import java.nio.ByteBuffer;

/**
 * The read buffer {@link AsyncChat#handleRead()} lends from its thread: one per loop thread instead of one per channel. A
 * nested read on the same thread (a callback that reads another channel directly) gets a fresh buffer. Loop thread only.
 */
final class ReadBuffer {

    private ByteBuffer buffer = ByteBuffer.allocate(0);
    private boolean busy;

    /** Lends a heap buffer cleared to {@code size} bytes of room. */
    ByteBuffer acquire(int size) {
        if (busy) {
            return ByteBuffer.allocate(size);
        }
        busy = true;
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(size);
        }
        buffer.clear().limit(size);
        return buffer;
    }

    /** Takes back a buffer from {@link #acquire(int)}. */
    void release(ByteBuffer lent) {
        if (lent == buffer) {
            busy = false;
        }
    }
}
