package dev.asyncore.internal.util;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Keeps one server's per-connection or per-datagram failure lines (failed TLS handshakes, failed datagrams), or one
 * loop's blocked-loop warnings, to {@value #LINES_PER_WINDOW} a minute, so that a flood of hostile or broken clients cannot
 * flood the log; every failure is still counted by the server's figures. One warning says when lines start being held
 * back, and one line when the next minute begins says how many were. One thread: the server's loop thread for a server's
 * failures (as the figures it sits beside), the watchdog thread for a loop's blocked-loop warnings.
 */
public final class FailureLogLimit {

    /** Failure lines written per window. */
    public static final int LINES_PER_WINDOW = 10;

    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String what;
    private boolean started;
    private long windowStart;
    private int lines;
    private long held;

    /**
     * Makes a limit for one kind of failure. Any thread.
     *
     * @param what the failures, in the plural, as the notices name them (such as {@code "failed TLS handshakes"})
     */
    public FailureLogLimit(String what) {
        this.what = what;
    }

    /**
     * Whether the line of a failure that happens now may be written; notices due (the held-back count of the minute
     * before, the start of holding back) go to {@code notice} as (type, message) first. Loop thread (the one that owns the limit).
     *
     * @param now {@link System#nanoTime()}
     * @param notice where a notice line goes: type ({@code info} or {@code warning}) and message
     * @return true to write the failure's own line
     */
    public boolean admit(long now, BiConsumer<String, String> notice) {
        if (!started || now - windowStart >= WINDOW_NANOS) {
            if (held > 0) {
                notice.accept("info", held + " more " + what + " were counted but not logged in the minute before");
            }
            started = true;
            windowStart = now;
            lines = 0;
            held = 0;
        }
        if (lines < LINES_PER_WINDOW) {
            lines++;
            return true;
        }
        if (held++ == 0) {
            notice.accept(
                    "warning",
                    "more than " + LINES_PER_WINDOW + " " + what + " within a minute: the rest are counted but not"
                            + " logged until the minute ends");
        }
        return false;
    }
}
