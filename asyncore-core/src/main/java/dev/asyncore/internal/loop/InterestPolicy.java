package dev.asyncore.internal.loop;

import java.lang.reflect.Method;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.TrackedInterest;

/**
 * Decides once per class whether an {@link AsyncLoop} may ask a dispatcher's {@code readable()}/{@code writable()} only
 * when something it watches happened, or must ask them on every pass (see {@link TrackedInterest}). Any thread.
 */
public final class InterestPolicy {

    private static final ClassValue<Boolean> ASK_EVERY_PASS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return !(tracked(type, "readable") && tracked(type, "writable"));
        }
    };

    private InterestPolicy() {}

    /** Whether dispatchers of this class must be asked {@code readable()}/{@code writable()} on every pass. */
    public static boolean askEveryPass(Class<? extends Dispatcher> type) {
        return ASK_EVERY_PASS.get(type);
    }

    private static boolean tracked(Class<?> type, String method) {
        Class<?> declaring;
        try {
            Method m = type.getMethod(method);
            declaring = m.getDeclaringClass();
        } catch (NoSuchMethodException e) {
            // A native image without reflection metadata for this class cannot answer: ask it every pass, which is
            // always correct (Python's contract), only dearer.
            return false;
        }
        return declaring == Dispatcher.class || declaring.isAnnotationPresent(TrackedInterest.class);
    }
}
