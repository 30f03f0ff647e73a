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
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An echo server in a child JVM under {@code ulimit -n}, and the client that drives bursts of connections past that limit:
 * shared by the core's and the starter's exhaustion tests. The child prints a line starting with a port prefix, then
 * answers each {@code stats} line on its standard input with
 * {@code STATS <acceptErrors> <backingOff> <loopCpuNanos> <wallNanos> <connections> [<health>]}. Everything it opens
 * (the child, the clients, the selector) is closed by {@link #close()}.
 */
public final class ExhaustedServerProcess implements AutoCloseable {

    /** One {@code STATS} answer of the child. */
    public record Stats(
            long acceptErrors, boolean backingOff, long cpuNanos, long wallNanos, int connections, String health) {}

    private final Process child;
    private final Path output;
    private final Selector selector;
    private final List<SocketChannel> clients = new ArrayList<>();

    private ExhaustedServerProcess(Process child, Path output) throws IOException {
        this.child = child;
        this.output = output;
        this.selector = Selector.open();
    }

    /**
     * Starts {@code mainClass} from this JVM's class path in a child JVM whose descriptor limit is {@code limit}; skips the
     * test where Linux descriptor limits or bash are missing.
     *
     * @param limit the child's {@code ulimit -n}
     * @param output the file the child's output goes to
     * @param mainClass the child's main class
     * @param arguments the child's arguments, joined with spaces
     * @return the running child
     * @throws IOException if it cannot start
     */
    public static ExhaustedServerProcess start(int limit, Path output, String mainClass, String arguments)
            throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux descriptor limits");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        "/bin/bash",
                        "-c",
                        "ulimit -n " + limit + " && exec \"$0\" -ea -cp \"$1\" " + mainClass + " " + arguments,
                        java,
                        System.getProperty("java.class.path"))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new ExhaustedServerProcess(child, output);
    }

    /**
     * Waits for the first output line with a prefix.
     *
     * @param prefix the prefix
     * @param wait the longest wait
     * @return the rest of the line
     */
    public String awaitLine(String prefix, Duration wait) {
        return await().atMost(wait).until(() -> line(prefix), (l) -> l != null);
    }

    /**
     * Every line the child has printed so far.
     *
     * @return the lines
     * @throws IOException if the output cannot be read
     */
    public List<String> lines() throws IOException {
        return Files.readAllLines(output);
    }

    /**
     * Asks the child for its figures and waits for the answer.
     *
     * @return the figures
     * @throws IOException if the child cannot be asked
     */
    public Stats stats() throws IOException {
        long seen = lines().stream().filter((l) -> l.startsWith("STATS ")).count();
        OutputStream commands = child.getOutputStream();
        commands.write("stats\n".getBytes(StandardCharsets.US_ASCII));
        commands.flush();
        String[] f = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> lines().stream()
                                .filter((l) -> l.startsWith("STATS "))
                                .skip(seen)
                                .findFirst()
                                .orElse(null),
                        (l) -> l != null)
                .split(" ", 7);
        return new Stats(
                Long.parseLong(f[1]),
                Boolean.parseBoolean(f[2]),
                Long.parseLong(f[3]),
                Long.parseLong(f[4]),
                Integer.parseInt(f[5]),
                f.length > 6 ? f[6] : "");
    }

    /**
     * Opens {@code size} connections, each sending one line, past the child's descriptor limit; waits until the server
     * backs off and has failed six more accepts (checking that its loop thread used under half of one core meanwhile, and
     * handing the figures of that moment to {@code whileBackingOff}); closes the connections it served, and waits until
     * every connection that waited in the backlog has its line echoed. Prints the figures.
     *
     * @param address the server
     * @param burst the burst's number, for the output
     * @param size connections in the burst
     * @param whileBackingOff told of the figures taken while the server backs off
     * @throws Exception if a connection fails
     */
    public void runBurst(InetSocketAddress address, int burst, int size, Consumer<Stats> whileBackingOff)
            throws Exception {
        Stats before = stats();
        List<SocketChannel> opened = new ArrayList<>();
        for (int i = 0; i < size; i++) {
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
            return s.acceptErrors() > before.acceptErrors() && s.backingOff();
        });
        Stats start = stats();
        await().atMost(Duration.ofSeconds(30)).until(() -> stats().acceptErrors() >= start.acceptErrors() + 6);
        Stats end = stats();
        whileBackingOff.accept(end);
        double ratio = (end.cpuNanos() - start.cpuNanos()) / (double) (end.wallNanos() - start.wallNanos());
        System.out.printf(
                "burst %d: %d accepted before the limit, %d failed accepts in %d ms of exhaustion, loop thread CPU %d ms"
                        + " (%.1f%% of one core)%n",
                burst,
                start.connections(),
                end.acceptErrors() - start.acceptErrors(),
                TimeUnit.NANOSECONDS.toMillis(end.wallNanos() - start.wallNanos()),
                TimeUnit.NANOSECONDS.toMillis(end.cpuNanos() - start.cpuNanos()),
                ratio * 100);
        assertThat(ratio).as("loop thread CPU share while backing off").isLessThan(0.5);

        List<SocketChannel> served = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            collectEchoes(served);
            return served.size() == start.connections();
        });
        assertThat(served.size()).isLessThan(size);
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
            return waited.size() == size - served.size();
        });
        System.out.printf(
                "burst %d: first backlog connection echoed %d ms after descriptors were freed; all %d served%n",
                burst, TimeUnit.NANOSECONDS.toMillis(firstEcho - freed), waited.size());
        for (SocketChannel client : opened) {
            client.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> stats().connections() == 0);
    }

    /**
     * Checks the log over all bursts: one warning and one recovery line per episode (each burst makes one, or two when
     * the listener recovers for a moment and hits the limit again), never one per failed accept, and no channel closed by
     * an uncaught exception. Prints those lines.
     *
     * @param bursts the number of bursts run
     * @throws IOException if the output cannot be read
     */
    public void assertOneLogLinePerEpisode(int bursts) throws IOException {
        List<String> lines = lines();
        long episodes = lines.stream()
                .filter((l) -> l.contains("cannot accept: Too many open files"))
                .count();
        long recoveries =
                lines.stream().filter((l) -> l.contains("accepts again after")).count();
        Stats after = stats();
        System.out.println("accept errors " + after.acceptErrors() + ", warning lines " + episodes + ", recovery lines "
                + recoveries + " over " + bursts + " bursts");
        lines.stream()
                .filter((l) -> l.contains("cannot accept:") || l.contains("accepts again after"))
                .forEach((l) -> System.out.println("child: " + l));
        assertThat(after.acceptErrors()).isGreaterThanOrEqualTo(bursts * 6L);
        assertThat(after.backingOff()).isFalse();
        // One warning and one recovery line per episode, never one per failed accept. A burst is usually one episode;
        // a listener that recovers for a moment and hits the limit again starts a second one.
        assertThat(episodes).isBetween((long) bursts, 2L * bursts);
        assertThat(recoveries).isEqualTo(episodes);
        assertThat(after.acceptErrors()).isGreaterThanOrEqualTo(3 * episodes);
        assertThat(lines).noneMatch((l) -> l.contains("uncaptured java exception"));
    }

    /** Closes the clients and the selector, and stops the child. */
    @Override
    public void close() throws Exception {
        for (SocketChannel client : clients) {
            client.close();
        }
        selector.close();
        if (child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
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

    private String line(String prefix) throws IOException {
        return lines().stream()
                .filter((l) -> l.startsWith(prefix))
                .map((l) -> l.substring(prefix.length()))
                .findFirst()
                .orElse(null);
    }
}
