package dev.asyncore.bench;

/**
 * The CPU-heavy handler's work: a fixed number of xorshift steps per 64 bytes received, the same in every server kind. The
 * caller keeps the remainder of bytes under 64 and the running value, so the work per byte is exact whatever the reads'
 * sizes. Confined to the thread of the connection that calls it.
 */
final class Work {
    /** Bytes per unit of work: one 64-byte message of the load generator. */
    static final int UNIT = 64;

    private final int iterations;
    private long state = 0x9E3779B97F4A7C15L;
    private int carry;

    /**
     * Creates the work of one connection.
     *
     * @param iterations xorshift steps per 64 bytes
     */
    Work(int iterations) {
        this.iterations = iterations;
    }

    /**
     * Burns the work owed for {@code bytes} more bytes received.
     *
     * @param bytes bytes just received
     */
    void received(int bytes) {
        carry += bytes;
        int units = carry / UNIT;
        carry -= units * UNIT;
        long x = state;
        for (long i = (long) units * iterations; i > 0; i--) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        state = x;
    }

    /**
     * The running value, so that the work cannot be optimised away.
     *
     * @return the state
     */
    long state() {
        return state;
    }
}
