package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * Closed-loop echo load generator on one NIO thread; every method runs entirely on the calling thread.
 *
 * <p>Each connection keeps {@code window} messages of {@code size} bytes in flight: a message is sent as soon as an earlier
 * one has come back whole. The bytes a connection sends are a fixed pseudo-random pattern read from a per-connection starting
 * offset, so every echoed byte is checked against the pattern with one vectorised {@link ByteBuffer#mismatch} per read; a
 * wrong byte fails the run with the connection and stream offset. Latency is the time from a message becoming eligible to
 * send until its last byte is back, recorded in an HdrHistogram in nanoseconds. The connection-cycle and idle-connection
 * loads are {@link ConnectLoad}'s; {@link #main} runs either.
 */
public final class LoadGen {
    /** Pattern period: a prime, so message boundaries do not line up with it. */
    static final int PERIOD = 65_521;
    /** Largest single write or read. */
    static final int MAX_IO = 256 * 1024;

    private static final ByteBuffer PATTERN = pattern();

    private LoadGen() {}

    private static ByteBuffer pattern() {
        ByteBuffer b = ByteBuffer.allocateDirect(PERIOD + MAX_IO);
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < PERIOD; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.put(i, (byte) x);
        }
        for (int i = PERIOD; i < b.capacity(); i++) {
            b.put(i, b.get(i - PERIOD));
        }
        return b;
    }

    /** Reads counters of the server under test (CPU nanoseconds, allocated bytes, ...), -1 where unknown. */
    @FunctionalInterface
    public interface Probe {
        /**
         * Reads the counters. Load generator thread.
         *
         * @return index 0: the server's CPU time in nanoseconds; index 1: bytes the server has allocated
         */
        long[] read();
    }

    /** What one echo run measured; {@code serverDelta} is the change of the {@link Probe} counters, or null. */
    public record EchoResult(long messages, long bytes, long nanos, Histogram latency, long[] serverDelta) {
        /**
         * Returns messages per second.
         *
         * @return messages per second
         */
        public double messagesPerSecond() {
            return messages * 1e9 / nanos;
        }

        /**
         * Returns megabytes (10^6 bytes) echoed per second, counting each byte once.
         *
         * @return MB/s
         */
        public double megabytesPerSecond() {
            return bytes * 1e3 / nanos;
        }

        /**
         * Returns a latency percentile in microseconds.
         *
         * @param percentile 0..100
         * @return microseconds
         */
        public double latencyMicros(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e3;
        }

        /**
         * Returns the server's CPU time per message in nanoseconds, or NaN when it was not measured.
         *
         * @return nanoseconds per message
         */
        public double serverCpuPerMessage() {
            return perMessage(0);
        }

        /**
         * Returns the bytes the server allocated per message, or NaN when it was not measured.
         *
         * @return bytes per message
         */
        public double serverAllocationPerMessage() {
            return perMessage(1);
        }

        private double perMessage(int counter) {
            return serverDelta == null || serverDelta[counter] < 0
                    ? Double.NaN
                    : (double) serverDelta[counter] / messages;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%,.0f msg/s  %,.1f MB/s  p50 %.1f us  p99 %.1f us  p999 %.1f us%s",
                    messagesPerSecond(),
                    megabytesPerSecond(),
                    latencyMicros(50),
                    latencyMicros(99),
                    latencyMicros(99.9),
                    (Double.isNaN(serverCpuPerMessage())
                                    ? ""
                                    : String.format(Locale.ROOT, "  server CPU %.0f ns/msg", serverCpuPerMessage()))
                            + (Double.isNaN(serverAllocationPerMessage())
                                    ? ""
                                    : String.format(
                                            Locale.ROOT, "  %.2f B/msg allocated", serverAllocationPerMessage())));
        }
    }

    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer send = PATTERN.duplicate();
        final long base;
        final long[] stamps;
        final int size;
        SelectionKey key;
        long sent;
        long received;
        long target;
        int head;
        int tail;
        boolean wantWrite;

        Conn(int id, SocketChannel channel, int window, int size) {
            this.id = id;
            this.channel = channel;
            this.base = (id * 7919L) % PERIOD;
            this.stamps =
                    new long[Integer.highestOneBit(window) == window ? window : Integer.highestOneBit(window) << 1];
            this.size = size;
        }
    }

    /**
     * Runs a closed-loop echo load.
     *
     * @param address the echo server
     * @param connections number of connections, at least 1
     * @param window messages in flight per connection, at least 1
     * @param size message size in bytes, at least 1
     * @param warmup time run before measuring (not counted)
     * @param duration time measured
     * @param probe read at the start and end of the measured time, or null
     * @return what was measured
     * @throws IOException on a connection failure or a wrong echoed byte
     */
    public static EchoResult echo(
            InetSocketAddress address,
            int connections,
            int window,
            int size,
            Duration warmup,
            Duration duration,
            Probe probe)
            throws IOException {
        require(connections >= 1, "connections must be >= 1: " + connections);
        require(window >= 1, "window must be >= 1: " + window);
        require(size >= 1, "size must be >= 1: " + size);
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer expect = PATTERN.duplicate();
        List<Conn> conns = new ArrayList<>(connections);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                Conn c = new Conn(i, ch, window, size);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                conns.add(c);
            }
            long start = System.nanoTime();
            for (Conn c : conns) {
                topUp(c, window, start);
            }
            long measureStart = start + warmup.toNanos();
            long end = measureStart + duration.toNanos();
            boolean measuring = warmup.isZero();
            long messagesAtStart = 0;
            long[] atStart = measuring && probe != null ? probe.read() : null;
            long completed = 0;
            long now = start;
            while (now < end) {
                if (!measuring && now >= measureStart) {
                    measuring = true;
                    histogram.reset();
                    messagesAtStart = completed;
                    atStart = probe != null ? probe.read() : null;
                    measureStart = System.nanoTime();
                }
                selector.select(10);
                now = System.nanoTime();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn c = (Conn) key.attachment();
                    if (key.isReadable()) {
                        completed += read(c, in, expect, histogram, now);
                        topUp(c, window, now);
                    } else if (key.isWritable()) {
                        write(c);
                    }
                }
            }
            long[] delta = null;
            if (atStart != null) {
                long[] atEnd = probe.read();
                delta = new long[atStart.length];
                for (int i = 0; i < delta.length; i++) {
                    delta[i] = atStart[i] < 0 || atEnd[i] < 0 ? -1 : atEnd[i] - atStart[i];
                }
            }
            long messages = completed - messagesAtStart;
            return new EchoResult(messages, messages * size, now - measureStart, histogram, delta);
        } finally {
            for (Conn c : conns) {
                c.channel.close();
            }
        }
    }

    private static int read(Conn c, ByteBuffer in, ByteBuffer expect, Histogram histogram, long now)
            throws IOException {
        in.clear();
        int n = c.channel.read(in);
        if (n < 0) {
            throw new IOException("connection " + c.id + " closed by the server after " + c.received + " bytes");
        }
        if (n == 0) {
            return 0;
        }
        if (c.received + n > c.sent) {
            throw new IOException(
                    "connection " + c.id + " received " + (c.received + n) + " bytes but sent only " + c.sent);
        }
        in.flip();
        int pos = (int) ((c.base + c.received) % PERIOD);
        expect.limit(pos + n).position(pos);
        int bad = in.mismatch(expect);
        if (bad >= 0) {
            throw new IOException("connection " + c.id + ": wrong echoed byte at stream offset " + (c.received + bad)
                    + ": got " + in.get(bad) + ", expected " + expect.get(pos + bad));
        }
        long before = c.received / c.size;
        c.received += n;
        long done = c.received / c.size - before;
        int mask = c.stamps.length - 1;
        for (long i = 0; i < done; i++) {
            histogram.recordValue(Math.max(0, now - c.stamps[c.head]));
            c.head = (c.head + 1) & mask;
        }
        return (int) done;
    }

    private static void topUp(Conn c, int window, long now) throws IOException {
        long newTarget = (c.received / c.size + window) * c.size;
        if (newTarget > c.target) {
            int mask = c.stamps.length - 1;
            for (long m = (newTarget - c.target) / c.size; m > 0; m--) {
                c.stamps[c.tail] = now;
                c.tail = (c.tail + 1) & mask;
            }
            c.target = newTarget;
        }
        write(c);
    }

    private static void write(Conn c) throws IOException {
        while (c.sent < c.target) {
            int pos = (int) ((c.base + c.sent) % PERIOD);
            int len = (int) Math.min(c.target - c.sent, MAX_IO);
            c.send.limit(pos + len).position(pos);
            int w = c.channel.write(c.send);
            c.sent += w;
            if (w < len) {
                if (!c.wantWrite) {
                    c.wantWrite = true;
                    c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
                return;
            }
        }
        if (c.wantWrite) {
            c.wantWrite = false;
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Command line: {@code LoadGen <host> <port> <mode> [options]}; modes {@code echo}, {@code pingpong}, {@code bulk},
     * {@code connect}, {@code idle}. Options: {@code --conns N --window W --size S --warmup SEC --duration SEC --idle K}.
     * Main thread.
     *
     * @param args the arguments
     * @throws Exception on a failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println(
                    "usage: LoadGen <host> <port> <echo|pingpong|bulk|connect|idle> [--conns N] [--window W] "
                            + "[--size S] [--warmup SEC] [--duration SEC] [--idle K]");
            System.exit(2);
        }
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        String mode = args[2];
        Options o = Options.parse(args, 3);
        Duration warmup = o.seconds("warmup", 1);
        Duration duration = o.seconds("duration", 3);
        switch (mode) {
            case "echo" ->
                System.out.println(echo(
                        address,
                        o.integer("conns", 50),
                        o.integer("window", 16),
                        o.integer("size", 64),
                        warmup,
                        duration,
                        null));
            case "pingpong" ->
                System.out.println(
                        echo(address, o.integer("conns", 1), 1, o.integer("size", 64), warmup, duration, null));
            case "bulk" ->
                System.out.println(echo(
                        address,
                        o.integer("conns", 50),
                        o.integer("window", 4),
                        o.integer("size", 16384),
                        warmup,
                        duration,
                        null));
            case "connect" ->
                System.out.printf(
                        Locale.ROOT,
                        "%,.0f connects/s%n",
                        ConnectLoad.connectRate(address, o.integer("concurrency", 8), warmup, duration));
            case "idle" -> {
                System.out.println("without idle connections: "
                        + echo(
                                address,
                                o.integer("conns", 50),
                                o.integer("window", 16),
                                o.integer("size", 64),
                                warmup,
                                duration,
                                null));
                try (ConnectLoad.IdleConnections idle =
                        ConnectLoad.openIdle(address, o.integer("idle", 10_000), 128, Duration.ofSeconds(120))) {
                    System.out.printf(
                            Locale.ROOT,
                            "opened %,d idle connections in %.0f ms%n",
                            idle.size(),
                            idle.openNanos() / 1e6);
                    System.out.println("with idle connections:    "
                            + echo(
                                    address,
                                    o.integer("conns", 50),
                                    o.integer("window", 16),
                                    o.integer("size", 64),
                                    warmup,
                                    duration,
                                    null));
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown mode '" + mode + "': expected echo, pingpong, bulk, connect or idle");
        }
    }
}
