package dev.asyncore.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;

/**
 * An echo server for {@link DescriptorExhaustionTest}, run in a child JVM under a low descriptor limit. Prints
 * {@code PORT <port>}, then answers each {@code stats} line on standard input with
 * {@code STATS <acceptErrors> <backingOff> <loopCpuNanos> <wallNanos> <connections>}; {@code quit} stops it. Runs an
 * {@link AsyncLoop}, or Python's pass ({@link Asyncore#loop}) on a daemon thread when the first argument is
 * {@code asyncore-loop}.
 */
public final class ExhaustedEchoServer {

    private ExhaustedEchoServer() {}

    /**
     * Runs the server until {@code quit} or the end of standard input.
     *
     * @param args {@code asyncore-loop} for Python's pass, else nothing
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        DispatcherMap map = new DispatcherMap();
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.open(new InetSocketAddress("127.0.0.1", 0), 512);
        boolean pythonLoop = args.length > 0 && args[0].equals("asyncore-loop");
        AsyncLoop loop = null;
        AtomicLong loopThread = new AtomicLong(-1);
        if (pythonLoop) {
            Thread thread = new Thread(
                    () -> {
                        loopThread.set(Thread.currentThread().getId());
                        Asyncore.loop(Duration.ofMillis(500), false, map);
                    },
                    "exhausted-loop");
            thread.setDaemon(true);
            thread.start();
        } else {
            loop = AsyncLoop.builder(map)
                    .threadName("exhausted-loop")
                    .timeout(Duration.ofMillis(500))
                    .build();
            loop.start();
            loop.execute(() -> loopThread.set(Thread.currentThread().getId()));
        }
        while (loopThread.get() < 0) {
            Thread.onSpinWait();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            if (line.equals("stats")) {
                System.out.println("STATS " + server.stats().acceptErrors() + " "
                        + server.stats().acceptBackingOff() + " " + threads.getThreadCpuTime(loopThread.get()) + " "
                        + System.nanoTime() + " " + server.stats().connections());
            }
        }
        if (loop != null) {
            loop.close();
            map.close();
        }
    }
}
