package dev.asyncore.internal.loop;

import dev.asyncore.LogSink;

/**
 * Carries a blocked loop thread's stack, as the watchdog took it, to the {@link LogSink}: a sink backed by a logging
 * framework prints it as the warning's stack trace. Not thrown. Any thread.
 */
final class BlockedLoopTrace extends Exception {

    private static final long serialVersionUID = 1L;

    BlockedLoopTrace(String loopName, StackTraceElement[] stack) {
        super("stack of asyncore loop thread '" + loopName + "' while it was blocked", null, false, true);
        setStackTrace(stack);
    }

    /** The stack is the loop thread's, set by the constructor, not the watchdog's own. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
