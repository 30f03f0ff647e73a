package dev.asyncore;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One episode in which handler code held an {@link AsyncLoop} longer than its {@link AsyncLoop#blockedWarning()}: every
 * other channel of that loop waited meanwhile. Given by {@link AsyncLoop#lastBlocked()} and
 * {@link AsyncLoop.Listener#blocked(BlockedLoop)}. Immutable; any thread.
 *
 * <p>Differs from Python: asyncore has no watchdog; a blocked {@code loop()} is silent there.
 *
 * @param loop the name of the loop thread that was held
 * @param handler the class and method of the handler code the loop thread was running when the watchdog sampled it, as
 *     {@code com.example.KvHandler.foundTerminator}: the outermost frame below the loop's own dispatch machinery that is
 *     neither the core's nor the JDK's
 * @param duration how long that single handler call, task or timer (with the calls of the same phase before it) held
 *     the loop, from its start until the loop went on
 * @param at when the episode began
 * @param stack the loop thread's stack as the watchdog took it while the loop was held (innermost frame first)
 */
public record BlockedLoop(String loop, String handler, Duration duration, Instant at, StackTraceElement[] stack) {

    /**
     * Checks the components and keeps a copy of the stack. Any thread.
     *
     * @param loop the loop thread's name
     * @param handler the handler's class and method
     * @param duration how long the loop was held
     * @param at when it began
     * @param stack the loop thread's stack while held
     */
    public BlockedLoop {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(at, "at");
        stack = stack.clone();
    }

    /**
     * The loop thread's stack while held, innermost frame first; a copy. Any thread.
     *
     * @return the frames
     */
    @Override
    public StackTraceElement[] stack() {
        return stack.clone();
    }

    @Override
    public String toString() {
        return "BlockedLoop[" + loop + ", " + handler + ", " + duration.toMillis() + " ms, at " + at + "]";
    }
}
