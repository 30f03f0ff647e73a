package dev.asyncore.boot.context;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.SocketAddresses;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.ServerProtocol;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Binds the named servers and starts the loop threads (one, or the {@link AsyncLoopGroup} of {@code asyncore.loop.threads})
 * when the context starts; closes every channel and ends the loop threads when it stops.
 * Runs in the phase of Spring Boot's web-server start/stop lifecycle, after the graceful drain
 * ({@link AsyncoreGracefulShutdownLifecycle}).
 *
 * <p>If a loop thread dies abnormally (the loop logs the cause once), publishes {@link LivenessState#BROKEN}. Called by the
 * context on its start and stop threads; {@link #isRunning()} may be called from any thread.
 */
public class AsyncoreLifecycle implements SmartLifecycle {

    /** Phase of the start/stop: Spring Boot's {@code WebServerStartStopLifecycle} phase, {@code Integer.MAX_VALUE - 2048}. */
    public static final int PHASE = Integer.MAX_VALUE - 2048;

    private static final Log logger = LogFactory.getLog(AsyncoreLifecycle.class);

    private final AsyncLoop loop;

    private final AsyncLoopGroup group;

    private final AsyncoreServers servers;

    private final ApplicationContext context;

    private final AtomicBoolean brokenReported = new AtomicBoolean();

    private volatile boolean running;

    /**
     * Creates the lifecycle.
     *
     * @param loop the managed loop
     * @param servers the named servers to bind
     * @param context the context to publish events in
     */
    public AsyncoreLifecycle(AsyncLoop loop, AsyncoreServers servers, ApplicationContext context) {
        this(new AsyncLoopGroup(List.of(loop)), servers, context);
    }

    /**
     * Creates the lifecycle of several loops; the servers spread over them (or stay on the first, per server).
     *
     * @param group the managed loops; its first loop is the managed loop
     * @param servers the named servers to bind
     * @param context the context to publish events in
     */
    public AsyncoreLifecycle(AsyncLoopGroup group, AsyncoreServers servers, ApplicationContext context) {
        this.group = group;
        this.loop = group.loop(0);
        this.servers = servers;
        this.context = context;
        for (AsyncLoop each : group) {
            each.addListener(new AsyncLoop.Listener() {

                @Override
                public void terminated(Throwable failure) {
                    loopTerminated(failure);
                }
            });
        }
    }

    @Override
    public void start() {
        if (this.running) {
            return;
        }
        List<AsyncoreServer> started;
        if (this.group.size() > 1) {
            started = this.servers.start(this.group);
        } else {
            started = this.servers.start(this.loop);
        }
        for (AsyncoreServer server : started) {
            logger.info("asyncore server '" + server.getName()
                    + (server.getProtocol() == ServerProtocol.UDP ? "' receiving UDP on " : "' listening on ")
                    + SocketAddresses.describe(server.getAddress()));
            if (server.isProxyProtocolTrustingAnyPeer()) {
                logger.warn(
                        "asyncore server '" + server.getName() + "' believes the PROXY protocol header of any peer: "
                                + "any client that reaches " + SocketAddresses.describe(server.getAddress())
                                + " directly can claim any client address (and pass allow/deny rules as it). Set asyncore.servers."
                                + server.getName() + ".proxy-protocol-trusted to the load balancers' addresses.");
            }
            this.context.publishEvent(
                    new AsyncoreServerInitializedEvent(this.context, server.getName(), server.getAddress()));
        }
        this.group.start();
        this.running = true;
    }

    @Override
    public void stop() {
        if (!this.running) {
            return;
        }
        this.running = false;
        if (!this.group.isTerminated()) {
            this.group.close();
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
     * Returns false: a paused test context would rebind port-0 servers on new ports when resumed.
     *
     * @return false
     */
    public boolean isPauseable() {
        return false;
    }

    private void loopTerminated(Throwable cause) {
        if (cause == null || !this.brokenReported.compareAndSet(false, true)) {
            return;
        }
        // the loop has logged the cause once, through the application's logging
        AvailabilityChangeEvent.publish(this.context, LivenessState.BROKEN);
    }
}
