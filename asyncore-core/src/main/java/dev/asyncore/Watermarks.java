package dev.asyncore;

/**
 * The bounds of an output queue, as Netty's {@code WriteBufferWaterMark}: a handler stops reading when its queued bytes
 * reach {@code high} and reads again once they drain to {@code low}. Immutable; checked once, here. Any thread.
 *
 * <p>Differs from Python: asyncore and asynchat queue without bound; every bounded queue of this library (the echo handler,
 * {@code AsyncChat}, the starter's {@code echo} properties) takes one of these.
 *
 * @param low queued bytes at which reading resumes, 0 or more
 * @param high queued bytes at which reading pauses, at least 1 and at least {@code low}
 */
public record Watermarks(int low, int high) {

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high >= 1}, naming both values
     */
    public Watermarks {
        if (low < 0 || high < 1 || low > high) {
            throw new IllegalArgumentException(
                    "watermarks need 0 <= low <= high and high >= 1, got low=" + low + ", high=" + high);
        }
    }

    /**
     * The same as the constructor, for call sites that read better with a factory.
     *
     * @param low queued bytes at which reading resumes
     * @param high queued bytes at which reading pauses
     * @return the watermarks
     * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high >= 1}
     */
    public static Watermarks of(int low, int high) {
        return new Watermarks(low, high);
    }

    /**
     * The pause rule, the one place it is written: reading pauses once {@code counted} bytes reach {@code high}, and a
     * paused reader stays paused until {@code queued} drains to {@code low}. A handler passes its queued bytes as both, or
     * counts more against {@code high} (the frame it is collecting, which it will queue). Any thread.
     *
     * @param counted the bytes that count against {@code high}
     * @param queued the bytes queued, which count against {@code low}
     * @param paused whether reading is paused now
     * @return whether reading is paused after this
     */
    public boolean pausesReading(long counted, long queued, boolean paused) {
        return counted >= high || (paused && queued > low);
    }
}
