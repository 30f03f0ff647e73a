package dev.asyncore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import com.sun.management.OperatingSystemMXBean;
import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Offload;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.EchoServer;
import dev.asyncore.handler.ServerDispatcher;

/**
 * What a blocking call costs the loop, with and without {@link AsyncChat#pushBlocking}: one {@link AsyncLoop} runs a line
 * server whose reply needs a call that blocks 20 ms ({@code Thread.sleep} in the call) and a plain echo server. Many
 * clients (default 500) each send a line and wait for its reply, again and again; one more client pings the echo server
 * every millisecond and records the round trips. Prints the line server's requests per second against the ideal for its
 * concurrency ({@code min(in-flight capacity, clients) / call time}) and the echo's latency percentiles. Mode
 * {@code offload} makes the call through {@code pushBlocking}; mode {@code on-loop} ({@code --on-loop}) makes it in
 * {@code foundTerminator}, on the loop, to show the stall. Main thread; everything runs in this one process.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.asyncore.bench.OffloadCompare [--mode both|offload|on-loop] [--on-loop]
 * [--clients 500] [--call-ms 20] [--warmup 2] [--duration 10] [--executor virtual|pool] [--threads 512]}.
 */
public final class OffloadCompare {

    private static final byte[] PING = "ping\n".getBytes(StandardCharsets.US_ASCII);

    private final Options options;
    private final int clients;
    private final long callMillis;

    private OffloadCompare(Options options) {
        this.options = options;
        this.clients = options.integer("clients", 500);
        this.callMillis = options.integer("call-ms", 20);
    }

    /**
     * Runs the comparison. Main thread.
     *
     * @param args options, see the class comment
     * @throws Exception on a failure
     */
    public static void main(String[] args) throws Exception {
        List<String> list = new ArrayList<>(Arrays.asList(args));
        if (list.remove("--on-loop")) {
            list.addAll(List.of("--mode", "on-loop"));
        }
        new OffloadCompare(Options.parse(list.toArray(new String[0]), 0)).run();
    }

    private void run() throws Exception {
        String mode = options.string("mode", "both");
        System.out.printf(
                Locale.ROOT,
                "java %s, %d cpus, %d clients, call %d ms, warmup %s, duration %s%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                clients,
                callMillis,
                options.seconds("warmup", 2),
                options.seconds("duration", 10));
        if (!mode.equals("on-loop")) {
            measure(false);
        }
        if (!mode.equals("offload")) {
            measure(true);
        }
    }

    private void measure(boolean onLoop) throws Exception {
        ExecutorService executor = executor();
        int threads = options.integer("threads", 512);
        Offload offload = Offload.builder()
                .executor(executor)
                .maxInFlight(Math.max(clients, threads))
                .name("bench")
                .build();
        DispatcherMap map = new DispatcherMap();
        AtomicBoolean stopping = new AtomicBoolean();
        ServerDispatcher lines = new ServerDispatcher(
                map, (channel, peer, m) -> new BlockingLineHandler(channel, m, onLoop, callMillis, stopping));
        lines.setOffload(offload);
        lines.open(new InetSocketAddress("127.0.0.1", 0), 1024);
        EchoServer echo = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        AsyncLoop loop = AsyncLoop.builder(map).threadName("offload-bench").build();
        loop.start();
        try {
            Duration warmup = options.seconds("warmup", 2);
            Duration duration = options.seconds("duration", 10);
            Pinger pinger = new Pinger((InetSocketAddress) echo.localAddress());
            try (Clients load = new Clients((InetSocketAddress) lines.localAddress(), clients)) {
                Thread pinging = new Thread(pinger, "pinger");
                pinging.start();
                long[] cpu = new long[2];
                long done = load.run(
                        warmup,
                        duration,
                        () -> {
                            pinger.reset();
                            cpu[0] = processCpuNanos();
                        },
                        () -> {
                            cpu[1] = processCpuNanos();
                            pinger.stop();
                            stopping.set(true);
                        });
                pinging.join();
                report(onLoop, done / (duration.toNanos() / 1e9), offload, pinger.sorted());
                System.out.printf(
                        Locale.ROOT,
                        "         CPU of the whole process (server, clients, calls) %.1f us per request%n",
                        done == 0 ? 0 : (cpu[1] - cpu[0]) / 1e3 / done);
            }
        } finally {
            stopping.set(true);
            loop.shutdownGracefully(Duration.ofSeconds(5));
            executor.shutdownNow();
        }
    }

    private void report(boolean onLoop, double perSecond, Offload offload, long[] pings) {
        // A call of 0 ms has no ideal: the figures then show what the machinery costs per request.
        double ideal = Math.min(offload.maxInFlight(), clients) * 1000.0 / Math.max(1, callMillis);
        System.out.printf(
                Locale.ROOT,
                "%-8s %,8.0f req/s = %5.1f%% of ideal %,.0f (%d in flight / %d ms)%s, mean request round trip %.1f ms%n"
                        + "         echo pings %,d: p50 %.2f ms, p99 %.2f ms, max %.2f ms; load average %s%n",
                onLoop ? "on-loop" : "offload",
                perSecond,
                100 * perSecond / ideal,
                ideal,
                Math.min(offload.maxInFlight(), clients),
                callMillis,
                onLoop
                        ? String.format(
                                Locale.ROOT, "; on the loop one call at a time: %,.0f at most", 1000.0 / callMillis)
                        : "",
                perSecond == 0 ? 0 : clients * 1000 / perSecond,
                pings.length,
                percentile(pings, 0.50) / 1e6,
                percentile(pings, 0.99) / 1e6,
                pings.length == 0 ? 0 : pings[pings.length - 1] / 1e6,
                loadAverage());
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private ExecutorService executor() throws ReflectiveOperationException {
        String kind = options.string("executor", Runtime.version().feature() >= 21 ? "virtual" : "pool");
        if (kind.equals("virtual")) {
            return (ExecutorService)
                    Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        }
        return Executors.newFixedThreadPool(options.integer("threads", 512));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** The line server's handler: each line's reply needs a call that blocks; offloaded or made on the loop. */
    static final class BlockingLineHandler extends AsyncChat {
        private final boolean onLoop;
        private final long callMillis;
        private final AtomicBoolean stopping;

        BlockingLineHandler(
                SocketChannel sock, DispatcherMap map, boolean onLoop, long callMillis, AtomicBoolean stopping) {
            super(sock, map);
            this.onLoop = onLoop;
            this.callMillis = callMillis;
            this.stopping = stopping;
            setTerminator(new byte[] {'\n'});
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            collectIncomingDataDefault(data);
        }

        @Override
        protected void foundTerminator() throws Exception {
            byte[] line = getData();
            if (onLoop) {
                push(call(line));
            } else {
                pushBlocking(() -> call(line));
            }
        }

        private byte[] call(byte[] line) throws InterruptedException {
            if (!stopping.get()) {
                Thread.sleep(callMillis);
            }
            byte[] reply = Arrays.copyOf(line, line.length + 1);
            reply[line.length] = '\n';
            return reply;
        }
    }

    /** The clients of the line server on one selector thread: each sends a line and waits for its reply. */
    static final class Clients implements AutoCloseable {
        private static final byte[] REQUEST = "request\n".getBytes(StandardCharsets.US_ASCII);

        private final Selector selector = Selector.open();
        private final List<SocketChannel> channels = new ArrayList<>();
        private final ByteBuffer in = ByteBuffer.allocate(4096);

        Clients(InetSocketAddress address, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                SocketChannel c = SocketChannel.open(address);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ);
                channels.add(c);
            }
        }

        /**
         * Sends a request on every connection and answers each reply with the next; counts the replies between the end
         * of the warm-up and the end of the measurement, then stops sending and waits for the replies still due.
         */
        long run(Duration warmup, Duration duration, Runnable measuring, Runnable ending) throws IOException {
            long start = System.nanoTime() + warmup.toNanos();
            long end = start + duration.toNanos();
            boolean counting = false;
            long done = 0;
            for (SocketChannel c : channels) {
                c.write(ByteBuffer.wrap(REQUEST));
            }
            int outstanding = channels.size();
            while (outstanding > 0) {
                selector.select(10);
                long now = System.nanoTime();
                if (!counting && now - start >= 0) {
                    counting = true;
                    measuring.run();
                }
                boolean more = now - end < 0;
                if (!more && ending != null) {
                    ending.run();
                    ending = null;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel c = (SocketChannel) key.channel();
                    in.clear();
                    int n = c.read(in);
                    if (n < 0) {
                        throw new IOException("the line server closed a connection");
                    }
                    // Replies are one short line each and a client has one request out at a time.
                    if (n > 0 && in.get(n - 1) == '\n') {
                        if (more) {
                            done += counting ? 1 : 0;
                            c.write(ByteBuffer.wrap(REQUEST));
                        } else {
                            outstanding--;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            return done;
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel c : channels) {
                c.close();
            }
            selector.close();
        }
    }

    /** Pings the echo server once a millisecond, recording each round trip. */
    static final class Pinger implements Runnable {
        private final InetSocketAddress address;
        private volatile boolean stop;
        private volatile boolean reset;
        private long[] samples = new long[1 << 16];
        private int count;

        Pinger(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public void run() {
            try (Socket s = new Socket()) {
                s.connect(address, 5000);
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                byte[] reply = new byte[PING.length];
                while (!stop) {
                    long start = System.nanoTime();
                    out.write(PING);
                    int got = 0;
                    while (got < reply.length) {
                        int n = in.read(reply, got, reply.length - got);
                        if (n < 0) {
                            throw new IOException("the echo server closed the connection");
                        }
                        got += n;
                    }
                    record(System.nanoTime() - start);
                    LockSupport.parkNanos(1_000_000);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private synchronized void record(long nanos) {
            if (reset) {
                count = 0;
                reset = false;
            }
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, count * 2);
            }
            samples[count++] = nanos;
        }

        void reset() {
            reset = true;
        }

        void stop() {
            stop = true;
        }

        synchronized long[] sorted() {
            long[] s = Arrays.copyOf(samples, count);
            Arrays.sort(s);
            return s;
        }
    }
}
