package dev.asyncore.internal.util;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Hands out the file numbers dispatchers are keyed by in their maps. The source counts up from 1024 and wraps back to
 * 1024 after {@link Integer#MAX_VALUE}; a number the map holds or has handed out is skipped, so a key is never given
 * twice while its dispatcher lives. The map's part, the reservation, comes in as a predicate, so that this class knows no
 * map. Any thread.
 */
public final class Filenos {

    private static final int FIRST = 1024;
    private static final AtomicInteger NEXT = new AtomicInteger(FIRST);

    private Filenos() {}

    /**
     * The next file number free in a map, reserved there. Any thread.
     *
     * @param reserve reserves a number in the map: false if the map holds it or has reserved it already
     * @return the number, reserved
     */
    public static int next(IntPredicate reserve) {
        int candidate;
        do {
            candidate = NEXT.getAndUpdate(n -> n == Integer.MAX_VALUE ? FIRST : n + 1);
        } while (!reserve.test(candidate));
        return candidate;
    }

    /**
     * Sets the next file number the source hands out, so that a test can start it near its wrap point. Any thread.
     *
     * @param next the number; below 1024 counts as 1024
     */
    public static void startAt(int next) {
        NEXT.set(Math.max(FIRST, next));
    }
}
