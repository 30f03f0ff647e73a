package dev.asyncore.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A server in a child JVM with {@code ulimit -n} set low gets bursts of connections past the limit: the listener stays
 * open, backs off without spinning, counts the failed accepts, logs one line per episode, and serves the connections that
 * waited in the backlog as soon as descriptors come back; on an {@code AsyncLoop} and on Python's pass
 * ({@code Asyncore.loop}), which has no timers and learns of the resume from {@code readable()}.
 */
class DescriptorExhaustionTest {

    private static final int LIMIT = 256;
    private static final int BURST = 300;
    private static final int BURSTS = 3;

    private Process child;
    private Path output;
    private Selector selector;
    private final List<SocketChannel> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (SocketChannel client : clients) {
            client.close();
        }
        if (selector != null) {
            selector.close();
        }
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"async-loop", "asyncore-loop"})
    void listenerSurvivesBurstsPastTheDescriptorLimit(String loopKind, @TempDir Path directory) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux descriptor limits");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        System.out.println("server on " + loopKind + ", ulimit -n " + LIMIT + ", bursts of " + BURST + " connections");
        output = directory.resolve("child.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(
                        "/bin/bash",
                        "-c",
                        "ulimit -n " + LIMIT + " && exec \"$0\" -ea -cp \"$1\" " + ExhaustedEchoServer.class.getName()
                                + " " + loopKind,
                        java,
                        System.getProperty("java.class.path"))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        int port =
                Integer.parseInt(await().atMost(Duration.ofSeconds(30)).until(() -> line("PORT "), (l) -> l != null));
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        selector = Selector.open();
        Stats before = stats();
        assertThat(before.acceptErrors).isZero();

        for (int burst = 1; burst <= BURSTS; burst++) {
            runBurst(address, burst);
        }

        Stats after = stats();
        List<String> lines = Files.readAllLines(output);
        long episodes = lines.stream()
                .filter((l) -> l.contains("cannot accept: Too many open files"))
                .count();
        long recoveries =
                lines.stream().filter((l) -> l.contains("accepts again after")).count();
        System.out.println("accept errors " + after.acceptErrors + ", warning lines " + episodes + ", recovery lines "
                + recoveries + " over " + BURSTS + " bursts");
        lines.stream()
                .filter((l) -> l.contains("cannot accept:") || l.contains("accepts again after"))
                .forEach((l) -> System.out.println("child: " + l));
        assertThat(after.acceptErrors).isGreaterThanOrEqualTo(BURSTS * 6L);
        assertThat(after.backingOff).isFalse();
        assertThat(episodes).isEqualTo(BURSTS);
        assertThat(recoveries).isEqualTo(BURSTS);
        assertThat(lines).noneMatch((l) -> l.contains("uncaptured java exception"));
    }

    private void runBurst(InetSocketAddress address, int burst) throws Exception {
        Stats before = stats();
        List<SocketChannel> opened = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            SocketChannel client = SocketChannel.open(address);
            clients.add(client);
            opened.add(client);
            client.write(
                    ByteBuffer.wrap(("burst " + burst + " client " + i + "\n").getBytes(StandardCharsets.US_ASCII)));
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(64));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Stats s = stats();
            return s.acceptErrors > before.acceptErrors && s.backingOff;
        });
        Stats start = stats();
        await().atMost(Duration.ofSeconds(30)).until(() -> stats().acceptErrors >= start.acceptErrors + 6);
        Stats end = stats();
        double ratio = (end.cpuNanos - start.cpuNanos) / (double) (end.wallNanos - start.wallNanos);
        System.out.printf(
                "burst %d: %d accepted before the limit, %d failed accepts in %d ms of exhaustion, loop thread CPU %d ms"
                        + " (%.1f%% of one core)%n",
                burst,
                start.connections,
                end.acceptErrors - start.acceptErrors,
                TimeUnit.NANOSECONDS.toMillis(end.wallNanos - start.wallNanos),
                TimeUnit.NANOSECONDS.toMillis(end.cpuNanos - start.cpuNanos),
                ratio * 100);
        assertThat(ratio).as("loop thread CPU share while backing off").isLessThan(0.5);

        List<SocketChannel> served = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            collectEchoes(served);
            return served.size() == start.connections;
        });
        assertThat(served.size()).isLessThan(BURST);
        for (SocketChannel client : served) {
            client.close();
        }
        long freed = System.nanoTime();
        List<SocketChannel> waited = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            collectEchoes(waited);
            return !waited.isEmpty();
        });
        long firstEcho = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            collectEchoes(waited);
            return waited.size() == BURST - served.size();
        });
        System.out.printf(
                "burst %d: first backlog connection echoed %d ms after descriptors were freed; all %d served%n",
                burst, TimeUnit.NANOSECONDS.toMillis(firstEcho - freed), waited.size());
        for (SocketChannel client : opened) {
            client.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> stats().connections == 0);
    }

    /** Reads what has arrived and moves every client whose echoed line is complete into {@code echoed}. */
    private void collectEchoes(List<SocketChannel> echoed) throws IOException {
        selector.selectNow();
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel client = (SocketChannel) key.channel();
            ByteBuffer buffer = (ByteBuffer) key.attachment();
            int n = client.read(buffer);
            assertThat(n).as("echo stream of %s", client).isNotNegative();
            if (buffer.position() > 0 && buffer.get(buffer.position() - 1) == '\n') {
                key.cancel();
                echoed.add(client);
            }
        }
        selector.selectedKeys().clear();
    }

    private Stats stats() throws IOException {
        long seen = Files.readAllLines(output).stream()
                .filter((l) -> l.startsWith("STATS "))
                .count();
        OutputStream commands = child.getOutputStream();
        commands.write("stats\n".getBytes(StandardCharsets.US_ASCII));
        commands.flush();
        String[] f = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> Files.readAllLines(output).stream()
                                .filter((l) -> l.startsWith("STATS "))
                                .skip(seen)
                                .findFirst()
                                .orElse(null),
                        (l) -> l != null)
                .split(" ");
        return new Stats(
                Long.parseLong(f[1]),
                Boolean.parseBoolean(f[2]),
                Long.parseLong(f[3]),
                Long.parseLong(f[4]),
                Integer.parseInt(f[5]));
    }

    private String line(String prefix) throws IOException {
        return Files.readAllLines(output).stream()
                .filter((l) -> l.startsWith(prefix))
                .map((l) -> l.substring(prefix.length()))
                .findFirst()
                .orElse(null);
    }

    private record Stats(long acceptErrors, boolean backingOff, long cpuNanos, long wallNanos, int connections) {}
}
