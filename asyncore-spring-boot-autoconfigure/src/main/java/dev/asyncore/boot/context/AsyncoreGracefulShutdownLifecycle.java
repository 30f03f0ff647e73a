package dev.asyncore.boot.context;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.Offload;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Drains the managed loops when the context closes: publishes {@link ReadinessState#REFUSING_TRAFFIC}, stops accepting, lets open
 * connections (and the offloaded calls they wait for) finish until {@code asyncore.shutdown.timeout}, then closes the rest and
 * ends the loop thread. Runs in the phase of
 * Spring Boot's graceful web-server shutdown, before {@link AsyncoreLifecycle} stops.
 *
 * <p>Called by the context on its start and stop threads; the drain itself runs on a thread of its own, so the context can stop
 * other beans of the same phase meanwhile.
 */
public class AsyncoreGracefulShutdownLifecycle implements SmartLifecycle {

    /** Phase of the drain: Spring Boot's {@code WebServerGracefulShutdownLifecycle} phase, {@code Integer.MAX_VALUE - 1024}. */
    public static final int PHASE = Integer.MAX_VALUE - 1024;

    private static final Log logger = LogFactory.getLog(AsyncoreGracefulShutdownLifecycle.class);

    private final AsyncLoopGroup group;

    private final String description;

    private final Duration timeout;

    private final ApplicationContext context;

    private final AsyncoreServers servers;

    private volatile boolean running;

    /**
     * Creates the lifecycle.
     *
     * @param loop the managed loop
     * @param timeout how long open connections may take to finish
     * @param context the context to publish the readiness change in
     */
    public AsyncoreGracefulShutdownLifecycle(AsyncLoop loop, Duration timeout, ApplicationContext context) {
        this(new AsyncLoopGroup(List.of(loop)), timeout, context);
    }

    /**
     * Creates the lifecycle of several loops: they drain together, with one deadline.
     *
     * @param group the managed loops
     * @param timeout how long open connections may take to finish
     * @param context the context to publish the readiness change in
     */
    public AsyncoreGracefulShutdownLifecycle(AsyncLoopGroup group, Duration timeout, ApplicationContext context) {
        this(group, timeout, context, null);
    }

    /**
     * Creates the lifecycle of several loops and of the servers' offloaded calls: the loops drain first (a connection
     * whose handler waits for its calls, as {@code AsyncChat}'s {@code pushBlocking} replies do, finishes when their
     * replies are flushed), then, within the same deadline, the calls still running on the executor are waited for, so that
     * none is left running against beans the context is about to destroy (a {@code DataSource}).
     *
     * @param group the managed loops
     * @param timeout how long open connections and their calls may take to finish
     * @param context the context to publish the readiness change in
     * @param servers the named servers whose offloads to wait for, or null
     */
    public AsyncoreGracefulShutdownLifecycle(
            AsyncLoopGroup group, Duration timeout, ApplicationContext context, AsyncoreServers servers) {
        this.group = group;
        this.timeout = timeout;
        this.context = context;
        this.servers = servers;
        this.description = (group.size() == 1 ? "asyncore loop " : "asyncore loops ")
                + group.loops().stream().map((l) -> "'" + l.threadName() + "'").collect(Collectors.joining(", "));
    }

    @Override
    public void start() {
        this.running = true;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("Stop must not be invoked directly");
    }

    @Override
    public void stop(Runnable callback) {
        this.running = false;
        if (this.group.loops().stream().noneMatch(AsyncLoop::isRunning)) {
            callback.run();
            return;
        }
        AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
        logger.info("Commencing graceful shutdown of " + this.description + ". Waiting up to " + this.timeout.toMillis()
                + " ms for active connections to finish");
        Thread drain = new Thread(() -> drain(callback), this.group.loop(0).threadName() + "-shutdown");
        drain.setDaemon(false);
        drain.start();
    }

    private void drain(Runnable callback) {
        try {
            long deadline = System.nanoTime() + this.timeout.toNanos();
            boolean finished = this.group.shutdownGracefully(this.timeout);
            awaitOffloadedCalls(deadline);
            if (finished) {
                logger.info("Graceful shutdown of " + this.description + " complete");
            } else {
                logger.info("Graceful shutdown of " + this.description + " aborted after " + this.timeout.toMillis()
                        + " ms: the remaining connections were closed");
            }
        } catch (RuntimeException ex) {
            logger.warn("Graceful shutdown of " + this.description + " failed", ex);
        } finally {
            callback.run();
        }
    }

    /** Waits, until the deadline, for the calls the servers' offloads still run; their results are dropped. */
    private void awaitOffloadedCalls(long deadline) {
        if (this.servers == null) {
            return;
        }
        for (AsyncoreServer server : this.servers.all().values()) {
            Offload offload = server.offload();
            if (offload == null || offload.inFlight() == 0) {
                continue;
            }
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!offload.awaitQuiescence(left)) {
                logger.warn("Graceful shutdown: " + offload.inFlight() + " offloaded call(s) of asyncore server '"
                        + server.getName() + "' still running after the timeout; their results are dropped");
            }
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Returns false: pausing a test context must not drain its servers.
     *
     * @return false
     */
    public boolean isPauseable() {
        return false;
    }
}
