package dev.asyncore.reliability;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A million tasks queued from another thread do not keep the loop from serving its channels. */
class TaskFloodTest extends LoopTestSupport {

    private static final int TASKS = 1_000_000;
    private static final int ROUND_TRIPS = 20;

    @Test
    void echoRoundTripsAreServedWhileAMillionTasksWait() throws Exception {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.open(new InetSocketAddress("127.0.0.1", 0), 16);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        startLoop("task-flood");
        AtomicLong ran = new AtomicLong();
        Runnable task = () -> {
            long end = System.nanoTime() + 5_000;
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            ran.incrementAndGet();
        };

        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.setSoTimeout(30_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            roundTrip(out, in, "warm-up");
            for (int i = 0; i < TASKS; i++) {
                loop.execute(task);
            }
            long queuedAt = System.nanoTime();
            long[] ranAt = new long[ROUND_TRIPS];
            for (int i = 0; i < ROUND_TRIPS; i++) {
                roundTrip(out, in, "round trip " + i);
                ranAt[i] = ran.get();
            }
            long servedIn = System.nanoTime() - queuedAt;
            System.out.printf(
                    "%d echo round trips served in %d ms after %d tasks were queued; tasks run by then: %d to %d%n",
                    ROUND_TRIPS, TimeUnit.NANOSECONDS.toMillis(servedIn), TASKS, ranAt[0], ranAt[ROUND_TRIPS - 1]);
            assertThat(ranAt[ROUND_TRIPS - 1])
                    .as("tasks still queued after the last echo")
                    .isLessThan(TASKS);
        }
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> ran.get() == TASKS);
        System.out.printf(
                "the rest of the tasks ran within %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static void roundTrip(OutputStream out, InputStream in, String message) throws Exception {
        byte[] sent = (message + "\n").getBytes(StandardCharsets.US_ASCII);
        out.write(sent);
        out.flush();
        byte[] received = in.readNBytes(sent.length);
        assertThat(new String(received, StandardCharsets.US_ASCII)).isEqualTo(message + "\n");
    }
}
