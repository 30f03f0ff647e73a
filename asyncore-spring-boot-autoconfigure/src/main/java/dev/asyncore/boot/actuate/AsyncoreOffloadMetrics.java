package dev.asyncore.boot.actuate;

import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import dev.asyncore.BlockedLoop;
import dev.asyncore.Offload;
import dev.asyncore.boot.server.AsyncoreServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of blocking work: a TCP server's offloaded calls, tagged by server name ({@code asyncore.offload.in-flight}
 * and {@code asyncore.offload.waiting}, gauges; {@code asyncore.offload.calls}, a timer with tag {@code outcome}
 * {@code success} or {@code failure}; {@code asyncore.offload.rejected} and {@code asyncore.offload.dropped}, counters),
 * and a loop's blocked episodes ({@code asyncore.loop.blocked}, a timer tagged by loop: its count is the episodes, its max
 * the longest). Bound on the thread that creates the registry; the timers record on executor and loop threads, the rest is
 * read on any thread from figures the core keeps for cross-thread reading.
 */
final class AsyncoreOffloadMetrics {

    private AsyncoreOffloadMetrics() {}

    /** Binds the meters of a server's offload, if it has one. */
    static void bind(MeterRegistry registry, AsyncoreServer server) {
        Offload offload = server.offload();
        if (offload == null) {
            return;
        }
        Tags tags = Tags.of("server", server.getName());
        Gauge.builder("asyncore.offload.in-flight", offload, Offload::inFlight)
                .description("Offloaded calls of the server running on the executor")
                .tags(tags)
                .register(registry);
        Gauge.builder("asyncore.offload.waiting", offload, Offload::waiting)
                .description("Offloaded calls of the server waiting for a place among max-in-flight")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("asyncore.offload.rejected", offload, Offload::rejected)
                .description("Offloaded calls refused because the server's limits were reached")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("asyncore.offload.dropped", offload, Offload::dropped)
                .description("Results of offloaded calls dropped because their connection had closed")
                .tags(tags)
                .register(registry);
        Timer success = calls(registry, tags, "success");
        Timer failure = calls(registry, tags, "failure");
        server.addOffloadListener(new Offload.Listener() {
            @Override
            public void callFinished(long durationNanos, boolean failed) {
                (failed ? failure : success).record(durationNanos, TimeUnit.NANOSECONDS);
            }
        });
    }

    private static Timer calls(MeterRegistry registry, Tags tags, String outcome) {
        return Timer.builder("asyncore.offload.calls")
                .description("Offloaded calls of the server, from the start of the call to its return, by outcome")
                .tags(tags.and("outcome", outcome))
                .register(registry);
    }

    /** Binds the blocked-loop timer of one loop. */
    static void bindBlocked(MeterRegistry registry, AsyncLoop loop) {
        Timer blocked = Timer.builder("asyncore.loop.blocked")
                .description("Episodes of one handler call holding the loop past asyncore.loop.blocked-warning, "
                        + "by how long it held it")
                .tag("loop", loop.threadName())
                .register(registry);
        loop.addListener(new AsyncLoop.Listener() {
            @Override
            public void blocked(BlockedLoop episode) {
                blocked.record(episode.duration());
            }
        });
    }
}
