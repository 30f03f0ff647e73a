package dev.asyncore.internal.util;

import dev.asyncore.ExitNow;

/** How the loop tells a failure that must escape it from one that closes a channel, and rethrows it. Any thread. */
public final class Throwables {

    private Throwables() {}

    /**
     * Whether an exception escapes the loop instead of reaching {@code handleError}: {@link ExitNow} and errors of the
     * virtual machine. Any thread.
     *
     * @param t the failure
     * @return whether it propagates
     */
    public static boolean isReraised(Throwable t) {
        return t instanceof ExitNow || t instanceof VirtualMachineError;
    }

    /**
     * Throws any throwable without declaring it. Any thread.
     *
     * @param t the failure
     * @param <T> inferred as an unchecked type
     * @throws T always
     */
    @SuppressWarnings("unchecked")
    public static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
