package dev.asyncore.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One byte through a running {@link AsyncLoop} whose map holds {@code channels} channels, all idle but one (see
 * {@link IdleMap}): the benchmark thread writes a byte and spins until the loop thread has read it, so an operation is one
 * wake-up plus one pass. With {@code tracked=false} every idle channel is asked {@code readable()}/{@code writable()} on
 * every pass, as in Python. Needs two cores to mean anything. JMH calls every method on its benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AsyncLoopPassBenchmark {
    /** Number of channels in the map, one of them active. */
    @Param({"100", "10000"})
    public int channels;

    /**
     * Whether the idle channels' class declares {@code @TrackedInterest} (asked only on their own events) or defines its
     * own {@code writable()} without it (asked every pass, Python's cost).
     */
    @Param({"true", "false"})
    public boolean tracked;

    private IdleMap idle;
    private AsyncLoop loop;

    /**
     * Builds the map and starts its loop thread.
     *
     * @throws IOException when a channel cannot be opened
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        idle = new IdleMap(channels, tracked);
        loop = AsyncLoop.builder(idle.map).threadName("bench-loop").daemon(true).build();
        loop.start();
    }

    /**
     * Stops the loop and closes every channel.
     *
     * @throws IOException when closing fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        loop.shutdownGracefully(Duration.ofSeconds(1));
        idle.close();
    }

    /**
     * Writes one byte and waits until the loop thread has read it.
     *
     * @return bytes read so far
     * @throws IOException when the pipe fails
     */
    @Benchmark
    public long onePass() throws IOException {
        long before = idle.active.bytes;
        idle.sendOne();
        long now;
        while ((now = idle.active.bytes) == before) {
            Thread.onSpinWait();
        }
        return now;
    }
}
