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
 * send until its last byte is back, recorded in an HdrHistogram in nanoseconds.
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

    /**
     * Measures connection cycles per second: connect, send one byte, read its echo, close (with an RST, so that no
     * TIME_WAIT sockets pile up on the client). {@code concurrency} cycles run at once.
     *
     * @param address the echo server
     * @param concurrency cycles in flight, at least 1
     * @param warmup time run before counting
     * @param duration time counted
     * @return completed cycles per second
     * @throws IOException on a failure
     */
    public static double connectRate(InetSocketAddress address, int concurrency, Duration warmup, Duration duration)
            throws IOException {
        require(concurrency >= 1, "concurrency must be >= 1: " + concurrency);
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        ByteBuffer in = ByteBuffer.allocateDirect(16);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < concurrency; i++) {
                startConnect(selector, address);
            }
            long start = System.nanoTime();
            long measureStart = start + warmup.toNanos();
            long end = measureStart + duration.toNanos();
            long countedFrom = -1;
            long cycles = 0;
            long now = start;
            while (now < end) {
                if (countedFrom < 0 && now >= measureStart) {
                    countedFrom = cycles;
                    measureStart = now;
                }
                selector.select(10);
                now = System.nanoTime();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (step(key, one, in)) {
                        cycles++;
                        abort((SocketChannel) key.channel());
                        startConnect(selector, address);
                    }
                }
            }
            for (SelectionKey key : selector.keys()) {
                abort((SocketChannel) key.channel());
            }
            return (cycles - Math.max(0, countedFrom)) * 1e9 / (now - measureStart);
        }
    }

    private static void startConnect(Selector selector, InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (ch.connect(address)) {
            ch.register(selector, SelectionKey.OP_WRITE);
        } else {
            ch.register(selector, SelectionKey.OP_CONNECT);
        }
    }

    /** Advances one connect-ping cycle; true once the echo of the byte came back. */
    private static boolean step(SelectionKey key, ByteBuffer one, ByteBuffer in) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        if (key.isConnectable()) {
            ch.finishConnect();
            key.interestOps(SelectionKey.OP_WRITE);
            return false;
        }
        if (key.isWritable()) {
            one.clear();
            one.put(0, (byte) 'x');
            if (ch.write(one) == 1) {
                key.interestOps(SelectionKey.OP_READ);
            }
            return false;
        }
        if (key.isReadable()) {
            in.clear();
            int n = ch.read(in);
            if (n < 0) {
                throw new IOException("server closed a connection before echoing its byte");
            }
            if (n == 0) {
                return false;
            }
            if (n != 1 || in.get(0) != 'x') {
                throw new IOException("wrong echo on a new connection: " + n + " bytes, first " + in.get(0));
            }
            return true;
        }
        return false;
    }

    private static void abort(SocketChannel ch) {
        try {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
            // already broken: a plain close will do
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** Connections held open and idle; {@link #close()} resets them all. */
    public static final class IdleConnections implements AutoCloseable {
        private final List<SocketChannel> channels;
        private final long openNanos;

        IdleConnections(List<SocketChannel> channels, long openNanos) {
            this.channels = channels;
            this.openNanos = openNanos;
        }

        /**
         * Returns how many connections are held.
         *
         * @return the count
         */
        public int size() {
            return channels.size();
        }

        /**
         * Returns the time it took until the server had accepted every connection and echoed one byte on each.
         *
         * @return nanoseconds
         */
        public long openNanos() {
            return openNanos;
        }

        /** Closes every connection with an RST. Calling thread. */
        @Override
        public void close() {
            for (SocketChannel ch : channels) {
                abort(ch);
            }
            channels.clear();
        }
    }

    /**
     * Opens {@code count} connections, at most {@code concurrency} at a time, and proves that the server serves each by a
     * one-byte echo; they then stay open and idle.
     *
     * @param address the echo server
     * @param count number of connections
     * @param concurrency connection attempts in flight
     * @param timeout give up after this long
     * @return the open connections and the time it took
     * @throws IOException on a failure or timeout
     */
    public static IdleConnections openIdle(InetSocketAddress address, int count, int concurrency, Duration timeout)
            throws IOException {
        require(count >= 0, "count must be >= 0: " + count);
        require(concurrency >= 1, "concurrency must be >= 1: " + concurrency);
        List<SocketChannel> open = new ArrayList<>(count);
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        ByteBuffer in = ByteBuffer.allocateDirect(16);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean ok = false;
        try (Selector selector = Selector.open()) {
            int started = 0;
            while (started < Math.min(concurrency, count)) {
                startConnect(selector, address);
                started++;
            }
            while (open.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("opened only " + open.size() + " of " + count + " connections in " + timeout);
                }
                selector.select(10);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (step(key, one, in)) {
                        key.cancel();
                        open.add((SocketChannel) key.channel());
                        if (started < count) {
                            startConnect(selector, address);
                            started++;
                        }
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            ok = true;
            return new IdleConnections(open, nanos);
        } finally {
            if (!ok) {
                for (SocketChannel ch : open) {
                    abort(ch);
                }
            }
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
                        connectRate(address, o.integer("concurrency", 8), warmup, duration));
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
                try (IdleConnections idle =
                        openIdle(address, o.integer("idle", 10_000), 128, Duration.ofSeconds(120))) {
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
