package dev.asyncore.chat;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Producer} over a byte array that hands it out in slices of at most {@code bufferSize} bytes (asynchat's
 * {@code simple_producer}).
 *
 * <p>The array is not copied: it must not change while the producer is in use, and one array may back the producers of
 * many channels (a broadcast). A slice that is the whole array is the array itself; other slices are copies of at most
 * {@code bufferSize} bytes, one queued at a time.
 *
 * <p>Not thread-safe: use it on the loop thread of the channel it was pushed to.
 *
 * <p>Differs from Python: Python's bytes cannot change; a Java array can, hence the rule above.
 */
public class SimpleProducer implements Producer {

    /** Python's default slice size. */
    public static final int DEFAULT_BUFFER_SIZE = 512;

    private final byte[] data;
    private final int bufferSize;
    private int position;

    /**
     * Creates a producer over {@code data} with slices of 512 bytes. Any thread.
     *
     * @param data the bytes to produce; not copied, not to be changed afterwards
     */
    public SimpleProducer(byte[] data) {
        this(data, DEFAULT_BUFFER_SIZE);
    }

    /**
     * Creates a producer over {@code data} with slices of at most {@code bufferSize} bytes. Any thread.
     *
     * @param data the bytes to produce; not copied, not to be changed afterwards
     * @param bufferSize the largest slice {@link #more()} returns, at least 1
     * @throws IllegalArgumentException if {@code bufferSize} is less than 1
     */
    public SimpleProducer(byte[] data, int bufferSize) {
        Objects.requireNonNull(data, "data");
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, got " + bufferSize);
        }
        this.data = data;
        this.bufferSize = bufferSize;
    }

    /**
     * Returns the next slice of at most {@code bufferSize} bytes (the array itself when it fits in one), or an empty array
     * once everything was returned. Loop thread.
     *
     * @return the next slice, empty when exhausted
     */
    @Override
    public byte[] more() {
        if (position == 0 && data.length <= bufferSize) {
            position = data.length;
            return data;
        }
        int end = Math.min(data.length, position + bufferSize);
        byte[] result = Arrays.copyOfRange(data, position, end);
        position = end;
        return result;
    }

    /**
     * Returns how many bytes are still to be produced. Loop thread.
     *
     * @return the remaining byte count
     */
    public int remaining() {
        return data.length - position;
    }
}
