package dev.asyncore.chat;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Producer} over a byte array that hands it out in slices of at most {@code bufferSize} bytes (asynchat's
 * {@code simple_producer}).
 *
 * <p>Not thread-safe: use it on the loop thread of the channel it was pushed to.
 */
public class SimpleProducer implements Producer {

    /** Python's default slice size. */
    public static final int DEFAULT_BUFFER_SIZE = 512;

    private final byte[] data;
    private final int bufferSize;
    private int position;

    /**
     * Creates a producer over a copy of {@code data} with slices of 512 bytes.
     *
     * @param data the bytes to produce; copied
     */
    public SimpleProducer(byte[] data) {
        this(data, DEFAULT_BUFFER_SIZE);
    }

    /**
     * Creates a producer over a copy of {@code data} with slices of at most {@code bufferSize} bytes.
     *
     * @param data the bytes to produce; copied
     * @param bufferSize the largest slice {@link #more()} returns, at least 1
     * @throws IllegalArgumentException if {@code bufferSize} is less than 1
     */
    public SimpleProducer(byte[] data, int bufferSize) {
        Objects.requireNonNull(data, "data");
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, got " + bufferSize);
        }
        this.data = data.clone();
        this.bufferSize = bufferSize;
    }

    /**
     * Returns the next slice of at most {@code bufferSize} bytes, or an empty array once everything was returned.
     *
     * @return the next slice, empty when exhausted
     */
    @Override
    public byte[] more() {
        int end = Math.min(data.length, position + bufferSize);
        byte[] result = Arrays.copyOfRange(data, position, end);
        position = end;
        return result;
    }

    /**
     * Returns how many bytes are still to be produced.
     *
     * @return the remaining byte count
     */
    public int remaining() {
        return data.length - position;
    }
}
