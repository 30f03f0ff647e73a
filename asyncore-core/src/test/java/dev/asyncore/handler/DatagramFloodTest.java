package dev.asyncore.handler;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A flood of datagrams at a {@link DatagramServer} that shares its loop with a TCP echo server: the datagrams the server
 * cannot take are dropped by the system and counted, its output queue stays within its bound, and a TCP client on the same
 * loop keeps its echo throughout.
 */
class DatagramFloodTest {

    private static final int QUEUE_BYTES = 64 * 1024;

    private final DispatcherMap map = new DispatcherMap();
    private AsyncLoop loop;
    private Thread flooder;
    private final AtomicBoolean flooding = new AtomicBoolean(true);

    @AfterEach
    void tearDown() throws Exception {
        flooding.set(false);
        if (flooder != null) {
            flooder.join(10_000);
        }
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private Thread flood(SocketAddress target, AtomicLong sent) {
        Thread t = new Thread(
                () -> {
                    try (DatagramChannel channel = DatagramChannel.open()) {
                        ByteBuffer datagram = ByteBuffer.allocateDirect(1024);
                        while (flooding.get()) {
                            datagram.clear();
                            if (channel.send(datagram, target) > 0) {
                                sent.incrementAndGet();
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                "udp-flooder");
        t.start();
        return t;
    }

    private int queuedBytes(DatagramServer udp) throws Exception {
        return loop.submit(udp::queuedBytes).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFloodIsDroppedAndCountedWhileATcpClientOnTheSameLoopKeepsItsEcho() throws Exception {
        EchoServer tcp = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        DatagramServer udp = new DatagramServer(map, DatagramHandler.echo());
        udp.setReceiveBufferSize(16 * 1024);
        udp.setQueueLimits(64, QUEUE_BYTES);
        udp.open(new InetSocketAddress("127.0.0.1", 0));
        loop = AsyncLoop.builder(map)
                .threadName("flood-loop")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
        long dropsBefore = udp.stats().receiveDropped();
        AtomicLong floodSent = new AtomicLong();
        flooder = flood(udp.localAddress(), floodSent);
        await().atMost(Duration.ofSeconds(30)).until(() -> udp.stats().datagramsReceived() > 1000);

        int roundTrips = 500;
        long slowestNanos = 0;
        long started = System.nanoTime();
        try (Socket client = new Socket()) {
            client.connect(tcp.localAddress(), 10_000);
            client.setSoTimeout(30_000);
            OutputStream out = client.getOutputStream();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            for (int i = 0; i < roundTrips; i++) {
                long t0 = System.nanoTime();
                out.write(("tcp line " + i + " during the flood\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(in.readLine()).isEqualTo("tcp line " + i + " during the flood");
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - t0);
                if (i % 50 == 0) {
                    assertThat(queuedBytes(udp)).isLessThanOrEqualTo(QUEUE_BYTES);
                }
            }
        }
        long tcpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(flooder.isAlive())
                .as("the flood was still running during the TCP echo")
                .isTrue();
        if (dropsBefore >= 0) {
            await().atMost(Duration.ofSeconds(30)).until(() -> udp.stats().receiveDropped() > dropsBefore);
        }
        flooding.set(false);
        flooder.join(10_000);

        assertThat(queuedBytes(udp)).isLessThanOrEqualTo(QUEUE_BYTES);
        assertThat(udp.socket().isOpen()).isTrue();
        assertThat(loop.isRunning()).isTrue();
        System.out.printf(
                "flood: %d datagrams sent, %d received and %d echoed by the server, %d dropped by the system at its"
                        + " receive buffer, %d dropped from its output queue; %d TCP round trips in %d ms during the"
                        + " flood, slowest %.1f ms%n",
                floodSent.get(),
                udp.stats().datagramsReceived(),
                udp.stats().datagramsSent(),
                udp.stats().receiveDropped() - dropsBefore,
                udp.stats().datagramsDropped(),
                roundTrips,
                tcpMillis,
                slowestNanos / 1e6);
        assumeTrue(dropsBefore >= 0, "this system does not report UDP receive drops: the drop count was not checked");
    }
}
