package dev.asyncore.boot.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.boot.server.AsyncoreServers;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the managed loop: UP when the loop thread runs and every enabled server listens; DOWN with details otherwise (the
 * loop died, with its cause, or a server's listening socket closed). A server whose accepts fail (too many open files) keeps
 * listening and stays UP; the {@code accepting} detail says that it is backing off. Appears as the {@code asyncore} health
 * component. With several loops ({@code asyncore.loop.threads}), every loop thread must run; the {@code loops} detail then
 * gives each one's state.
 *
 * <p>Called by Actuator on any thread; reads only state the core keeps for cross-thread reading.
 */
public class AsyncoreHealthIndicator extends AbstractHealthIndicator {

    private final AsyncLoop loop;

    private final AsyncoreServers servers;

    private final AsyncLoopGroup group;

    /**
     * Creates the indicator.
     *
     * @param loop the managed loop
     * @param servers the named servers, or null when none are managed
     */
    public AsyncoreHealthIndicator(AsyncLoop loop, AsyncoreServers servers) {
        this(loop, servers, null);
    }

    /**
     * Creates the indicator of several loops.
     *
     * @param loop the managed loop (the group's first)
     * @param servers the named servers, or null when none are managed
     * @param group the managed loops, or null for {@code loop} alone
     */
    public AsyncoreHealthIndicator(AsyncLoop loop, AsyncoreServers servers, AsyncLoopGroup group) {
        super("asyncore health check failed");
        this.loop = loop;
        this.servers = servers;
        this.group = group != null ? group : new AsyncLoopGroup(List.of(loop));
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = this.loop.isRunning();
        builder.withDetail(
                "loop", this.loop.isRunning() ? "running" : (this.loop.failure() != null ? "died" : "stopped"));
        if (this.loop.failure() != null) {
            builder.withDetail(
                    "error",
                    this.loop.failure().getClass().getName() + ": "
                            + this.loop.failure().getMessage());
        }
        Map<String, String> serverStates = new LinkedHashMap<>();
        Map<String, String> backingOff = new LinkedHashMap<>();
        if (this.servers != null) {
            this.servers.all().forEach((name, server) -> {
                serverStates.put(name, server.isListening() ? "listening" : "closed");
                if (server.isListening() && server.isAcceptBackingOff()) {
                    backingOff.put(
                            name,
                            "accepting is backing off after failed accepts (" + server.acceptErrors()
                                    + " so far): the process may be out of file descriptors");
                }
            });
        }
        up = up && !serverStates.containsValue("closed");
        if (this.group.size() > 1) {
            Map<String, String> loops = new LinkedHashMap<>();
            for (AsyncLoop each : this.group) {
                loops.put(
                        each.threadName(),
                        each.isRunning() ? "running" : (each.failure() != null ? "died" : "stopped"));
                up = up && each.isRunning();
            }
            builder.withDetail("loops", loops);
        }
        builder.withDetail("servers", serverStates);
        if (!backingOff.isEmpty()) {
            builder.withDetail("accepting", backingOff);
        }
        builder.withDetail(
                "channels",
                this.group.loops().stream().mapToInt((l) -> l.map().total()).sum());
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
