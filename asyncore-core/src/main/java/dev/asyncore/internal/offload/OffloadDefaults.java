package dev.asyncore.internal.offload;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncore.Offload;

/**
 * The shared executor and offload of {@link Offload#defaultExecutor()} and {@link Offload#defaultOffload()}, made on first
 * use (the holder idiom). Any thread.
 */
public final class OffloadDefaults {
    private static final boolean VIRTUAL;
    private static final Executor EXECUTOR;
    private static final Offload OFFLOAD;

    static {
        Executor virtual = virtualThreadPerTask();
        VIRTUAL = virtual != null;
        EXECUTOR = VIRTUAL ? virtual : daemonPool();
        OFFLOAD = Offload.builder()
                .executor(EXECUTOR)
                .maxInFlight(VIRTUAL ? Offload.DEFAULT_MAX_IN_FLIGHT : Offload.DEFAULT_POOL_THREADS)
                .name("default")
                .build();
    }

    private OffloadDefaults() {}

    /**
     * Whether the shared executor runs each call on a virtual thread. Any thread.
     *
     * @return true on Java 21 and later
     */
    public static boolean isVirtual() {
        return VIRTUAL;
    }

    /**
     * The shared executor, made on first use and never shut down. Any thread.
     *
     * @return the executor
     */
    public static Executor executor() {
        return EXECUTOR;
    }

    /**
     * The shared offload over {@link #executor()}. Any thread.
     *
     * @return the offload
     */
    public static Offload offload() {
        return OFFLOAD;
    }

    private static Executor virtualThreadPerTask() {
        try {
            return (Executor)
                    Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        } catch (InvocationTargetException e) {
            // Java 19 and 20 have the method behind --enable-preview: without it, a pool.
            return null;
        }
    }

    private static Executor daemonPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "asyncore-offload-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                Offload.DEFAULT_POOL_THREADS,
                Offload.DEFAULT_POOL_THREADS,
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
