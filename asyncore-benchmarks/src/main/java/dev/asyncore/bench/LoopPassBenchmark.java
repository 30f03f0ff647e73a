package dev.asyncore.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.asyncore.Asyncore;
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
 * The cost of one {@code Asyncore.poll}/{@code poll2} pass over {@code channels} channels of which one has a byte to read and
 * the rest are idle (see {@link IdleMap}): asyncore's structural cost, since a pass that asks every channel
 * {@code readable()}/{@code writable()} is O(all channels). Each operation writes one byte and runs one pass that reads it.
 * JMH calls every method on its benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoopPassBenchmark {
    /** Number of channels in the map, one of them active. */
    @Param({"100", "10000"})
    public int channels;

    private IdleMap idle;

    /**
     * Builds the map.
     *
     * @throws IOException when a channel cannot be opened
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        idle = new IdleMap(channels);
    }

    /**
     * Closes every channel.
     *
     * @throws IOException when closing fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        idle.close();
    }

    /**
     * One select-mode pass that reads one byte.
     *
     * @return bytes read so far
     * @throws IOException when the pipe fails
     */
    @Benchmark
    public long poll() throws IOException {
        idle.sendOne();
        Asyncore.poll(Duration.ZERO, idle.map);
        return idle.active.bytes;
    }

    /**
     * One poll-mode pass that reads one byte.
     *
     * @return bytes read so far
     * @throws IOException when the pipe fails
     */
    @Benchmark
    public long poll2() throws IOException {
        idle.sendOne();
        Asyncore.poll2(Duration.ZERO, idle.map);
        return idle.active.bytes;
    }
}
