package dev.asyncore;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out the file numbers dispatchers are keyed by in their maps. The source counts up from 1024 and wraps back to
 * 1024 after {@link Integer#MAX_VALUE}; a number the map holds or has handed out is skipped, so a key is never given
 * twice while its dispatcher lives. Any thread.
 */
final class Filenos {

    private static final int FIRST = 1024;
    private static final AtomicInteger NEXT = new AtomicInteger(FIRST);

    private Filenos() {}

    /** The next file number free in a map, reserved there. */
    static int next(DispatcherMap target) {
        int candidate;
        do {
            candidate = NEXT.getAndUpdate(n -> n == Integer.MAX_VALUE ? FIRST : n + 1);
        } while (!target.reserve(candidate));
        return candidate;
    }

    /** Sets the next file number the source hands out, so that a test can start it near its wrap point. */
    static void startAt(int next) {
        NEXT.set(Math.max(FIRST, next));
    }
}
