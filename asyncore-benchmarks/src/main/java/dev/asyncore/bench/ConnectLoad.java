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

/**
 * Connection loads on one NIO thread, beside {@link LoadGen}'s echo load: connect/echo/close cycles per second, and idle
 * connections held open while the echo load runs. Each connection proves it is served by a one-byte echo. Every method
 * runs entirely on the calling thread.
 */
public final class ConnectLoad {

    private ConnectLoad() {}

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
        LoadGen.require(concurrency >= 1, "concurrency must be >= 1: " + concurrency);
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
        LoadGen.require(count >= 0, "count must be >= 0: " + count);
        LoadGen.require(concurrency >= 1, "concurrency must be >= 1: " + concurrency);
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
}
