package dev.asyncore;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared executor and offload of {@link Offload#defaultExecutor()} and {@link Offload#defaultOffload()}, made on first
 * use (the holder idiom). Any thread.
 */
final class OffloadDefaults {
    static final boolean VIRTUAL;
    static final Executor EXECUTOR;
    static final Offload OFFLOAD;

    private OffloadDefaults() {}

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
