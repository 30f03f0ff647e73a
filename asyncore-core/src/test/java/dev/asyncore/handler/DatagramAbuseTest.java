package dev.asyncore.handler;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DatagramStats;
import dev.asyncore.DispatcherMap;
import dev.asyncore.internal.util.FailureLogLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A {@link DatagramServer} cannot be turned against itself or others: a datagram from one of the process's own UDP sockets
 * (the echo loop), from port 0, or past a source's rate is dropped unanswered and counted, and failing datagrams do not
 * flood the log. Real UDP sockets on loopback; the forged-source cases send through a raw socket ({@code python3} as
 * root) and skip where that is not allowed.
 */
class DatagramAbuseTest {

    private static final Duration QUIET = Duration.ofSeconds(1);

    private final DispatcherMap map = new DispatcherMap();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private AsyncLoop loop;

    @AfterEach
    void tearDown() throws Exception {
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private DatagramServer open(String host, DatagramHandler handler) throws IOException {
        DatagramServer server = new DatagramServer(map, handler);
        server.open(new InetSocketAddress(host, 0));
        return server;
    }

    private void run() {
        map.setLogSink((d, type, message) -> log.add(type + ": " + message));
        loop = AsyncLoop.builder(map).threadName("datagram-abuse").build();
        loop.start();
    }

    private DatagramSocket client(String host) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, 0));
        socket.setSoTimeout(10_000);
        closeables.add(socket);
        return socket;
    }

    private static void send(DatagramSocket socket, String text, SocketAddress to) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(data, data.length, to));
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    private static InetSocketAddress loopbackTo(DatagramServer server) throws IOException {
        return new InetSocketAddress("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** Sends from the server's own socket (source: its own address and port), as a forged datagram would arrive. */
    private void sendFromServer(DatagramServer from, SocketAddress to) {
        loop.submit(() -> from.reply(ByteBuffer.wrap("loop?".getBytes(StandardCharsets.US_ASCII)), to))
                .join();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0"})
    void aDatagramFromItsOwnSocketIsNotAnswered(String host) throws Exception {
        DatagramServer server = open(host, DatagramHandler.echo());
        run();
        sendFromServer(server, loopbackTo(server));
        await().until(() -> server.stats().datagramsDroppedOwnSource() == 1);
        DatagramSocket client = client("127.0.0.1");
        send(client, "marker", loopbackTo(server));
        assertThat(receive(client)).isEqualTo("marker");
        DatagramStats stats = server.stats();
        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(() -> stats.datagramsSent() == 2);
        System.out.printf(
                "self-addressed datagram to %s: %d datagrams sent in the %d ms after it (0/s), %d dropped as own%n",
                host, stats.datagramsSent() - 2, QUIET.toMillis(), stats.datagramsDroppedOwnSource());
        assertThat(stats.datagramsReceived()).isEqualTo(2);
        assertThat(stats.datagramsDroppedOwnSource()).isEqualTo(1);
    }

    @Test
    void twoServersSpoofedAtEachOtherDoNotLoop() throws Exception {
        DatagramServer a = open("127.0.0.1", DatagramHandler.echo());
        DatagramServer b = open("127.0.0.1", DatagramHandler.echo());
        run();
        sendFromServer(a, b.localAddress());
        await().until(() -> b.stats().datagramsDroppedOwnSource() == 1);
        await().during(QUIET)
                .atMost(QUIET.multipliedBy(3))
                .until(() -> a.stats().datagramsReceived() == 0);
        assertThat(a.stats().datagramsSent()).isEqualTo(1);
        assertThat(b.stats().datagramsSent()).isZero();
    }

    @Test
    void aForgedSelfAddressedDatagramIsNotAnswered() throws Exception {
        DatagramServer server = open("127.0.0.1", DatagramHandler.echo());
        run();
        int port = loopbackTo(server).getPort();
        spoof("127.0.0.1", port, port, 1);
        await().until(() -> server.stats().datagramsDroppedOwnSource() == 1);
        await().during(QUIET)
                .atMost(QUIET.multipliedBy(3))
                .until(() -> server.stats().datagramsSent() == 0);
        assertThat(server.stats().datagramsReceived()).isEqualTo(1);
    }

    @Test
    void datagramsFromPortZeroAreDroppedWithoutALogLine() throws Exception {
        DatagramServer server = open("127.0.0.1", DatagramHandler.echo());
        server.setReceiveBufferSize(4 * 1024 * 1024);
        run();
        int count = 100_000;
        spoof("127.0.0.1", 0, loopbackTo(server).getPort(), count);
        DatagramStats stats = server.stats();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stats.datagramsReceived() + Math.max(0, stats.receiveDropped()) >= count);
        await().until(() -> stats.datagramsDroppedInvalidSource() == stats.datagramsReceived());
        System.out.printf(
                "%d port-0 datagrams: %d received, %d dropped as invalid, %d sent, %d log lines%n",
                count,
                stats.datagramsReceived(),
                stats.datagramsDroppedInvalidSource(),
                stats.datagramsSent(),
                log.size());
        assertThat(stats.datagramsSent()).isZero();
        assertThat(log).isEmpty();
    }

    @Test
    void failingDatagramsLogAFewLinesAMinute() throws Exception {
        DatagramServer server = open("127.0.0.1", (data, sender, s) -> {
            throw new IllegalStateException("refused");
        });
        run();
        DatagramSocket client = client("127.0.0.1");
        int count = 2_000;
        for (int i = 0; i < count; i++) {
            send(client, "x", loopbackTo(server));
            if (i % 200 == 199) {
                int sent = i + 1;
                await().until(() -> server.stats().datagramsReceived() >= sent);
            }
        }
        assertThat(server.stats().datagramsReceived()).isEqualTo(count);
        synchronized (log) {
            assertThat(log.stream().filter(l -> l.contains("datagram handler failed")))
                    .hasSize(FailureLogLimit.LINES_PER_WINDOW);
            assertThat(log).hasSize(FailureLogLimit.LINES_PER_WINDOW + 1);
            assertThat(log.get(log.size() - 1)).startsWith("warning: ").contains("failed datagrams");
        }
    }

    @Test
    void oneSourcePastItsRateIsDroppedWhileOthersAreServed() throws Exception {
        DatagramServer server = new DatagramServer(map, DatagramHandler.echo());
        server.setRateLimitPerSource(1, 5);
        server.open(new InetSocketAddress("127.0.0.1", 0));
        run();
        DatagramSocket flooder = client("127.0.0.1");
        long start = System.nanoTime();
        int count = 200;
        for (int i = 0; i < count; i++) {
            send(flooder, "f" + i, server.localAddress());
        }
        DatagramStats stats = server.stats();
        await().until(() -> stats.datagramsReceived() + Math.max(0, stats.receiveDropped()) >= count);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
        assertThat(stats.datagramsSent()).isBetween(5L, 5 + seconds);
        assertThat(stats.datagramsDroppedRateLimited()).isEqualTo(stats.datagramsReceived() - stats.datagramsSent());
        DatagramSocket other = client("127.0.0.2");
        send(other, "other", server.localAddress());
        assertThat(receive(other)).isEqualTo("other");
    }

    @Test
    void anEmptyEchoedDatagramIsCountedAsSent() throws Exception {
        DatagramServer server = open("127.0.0.1", DatagramHandler.echo());
        run();
        DatagramSocket client = client("127.0.0.1");
        send(client, "", server.localAddress());
        assertThat(receive(client)).isEmpty();
        await().until(() -> server.stats().datagramsSent() == 1);
        assertThat(server.stats().bytesSent()).isZero();
    }

    /** Sends forged datagrams from 127.0.0.1 through a raw socket, or skips where that is not allowed. */
    private static void spoof(String source, int sourcePort, int port, int count) throws Exception {
        Path script =
                Path.of(DatagramAbuseTest.class.getResource("/spoof_udp.py").toURI());
        Process p;
        try {
            p = new ProcessBuilder(
                            "python3",
                            script.toString(),
                            source,
                            Integer.toString(sourcePort),
                            "127.0.0.1",
                            Integer.toString(port),
                            Integer.toString(count))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is required to forge a datagram's source: " + e);
            return;
        }
        String output;
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
        assumeTrue(p.exitValue() != 77, "raw sockets (root or CAP_NET_RAW) are required to forge a datagram's source");
        assertThat(p.exitValue()).as(output).isZero();
    }
}
