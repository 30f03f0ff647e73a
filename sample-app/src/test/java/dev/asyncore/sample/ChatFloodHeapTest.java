package dev.asyncore.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static dev.asyncore.sample.SampleClients.WAIT;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The chat attack, against the sample app as shipped (its {@code application.yml}, no profile) in a child JVM with
 * {@code -Xmx256m}: 1,000 chat members that never read (4 KB receive buffers) and one sender of 65,000-byte lines for 10
 * seconds. Before the output budget each member held its own copy of every line until 256 KB and the heap ran out within
 * 10 seconds. Now the line is one shared array and {@code asyncore.servers.chat.max-queued-bytes} bounds what the members
 * hold together, so the app must still echo, relay a line to a new member, and answer health UP afterwards. The child runs
 * with {@code -XX:+ExitOnOutOfMemoryError}, so any {@code OutOfMemoryError} ends it and fails the test. The heap in use
 * after the attack (from {@code /actuator/metrics/jvm.memory.used}) is printed.
 */
class ChatFloodHeapTest {

    private static final int MEMBERS = 1000;
    private static final int LINE = 65_000;
    private static final Duration ATTACK = Duration.ofSeconds(10);
    private static final Duration STARTUP = Duration.ofSeconds(150);
    private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on port (\\d+)");

    @Test
    void aThousandMembersThatNeverReadLeaveA256MbAppServing() throws Exception {
        long limit = descriptorLimit();
        assumeTrue(
                limit >= 2L * MEMBERS + 1000,
                "needs a descriptor limit of " + (2 * MEMBERS + 1000) + " (this JVM and the app's), have " + limit
                        + ": raise ulimit -n");
        Path log = Files.createDirectories(Path.of("target", "chat-flood")).resolve("sample-app.log");
        Process app = start(log);
        List<Socket> members = new ArrayList<>();
        try {
            int http = awaitHttpPort(app, log);
            int chat = port(http, "chat");
            for (int i = 0; i < MEMBERS; i++) {
                Socket member = new Socket();
                member.setReceiveBufferSize(4096);
                member.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), chat));
                members.add(member);
            }
            await().atMost(WAIT.multipliedBy(3)).until(() -> connections(http, "chat") >= MEMBERS);

            AtomicLong lines = new AtomicLong();
            try (Socket sender = connect(chat)) {
                Thread flood = new Thread(() -> flood(sender, lines), "chat-flood-sender");
                flood.start();
                flood.join(ATTACK.plusSeconds(5).toMillis());
                if (flood.isAlive()) {
                    sender.close();
                    flood.join(WAIT.toMillis());
                }
            }
            assertThat(app.isAlive()).as("the app survived; its log: %s", log).isTrue();
            for (Socket member : members) {
                member.close();
            }
            // the attack is over once the app has read the sender's last line and every member is gone
            await().atMost(WAIT.multipliedBy(3)).until(() -> connections(http, "chat") == 0);

            try (Socket echo = connect(port(http, "echo"))) {
                send(echo, "still serving\n");
                assertThat(readLine(echo.getInputStream())).isEqualTo("still serving");
            }
            try (Socket alice = connect(chat);
                    Socket bob = connect(chat)) {
                await().atMost(WAIT).until(() -> connections(http, "chat") == 2);
                send(alice, "after the flood\n");
                assertThat(readLine(bob.getInputStream())).isEqualTo("after the flood");
            }
            String health = SampleClients.get(http, "/actuator/health");
            assertThat((String) JsonPath.read(health, "$.status")).isEqualTo("UP");
            assertThat(health).as("no details without the dev profile").doesNotContain("components");

            String output = SampleClients.get(http, "/actuator/asyncore/chat");
            long drops = ((Number) JsonPath.read(output, "$.output.slowConsumerDrops")).longValue();
            long budget = ((Number) JsonPath.read(output, "$.output.maxQueuedBytes")).longValue();
            assertThat(drops)
                    .as("members closed as slow consumers, over the budget or their watermark")
                    .isPositive();
            assertThat(((Number) JsonPath.read(output, "$.output.queuedBytes")).longValue())
                    .isLessThanOrEqualTo(budget);
            double heap = JsonPath.<Number>read(
                            SampleClients.get(http, "/actuator/metrics/jvm.memory.used?tag=area:heap"),
                            "$.measurements[0].value")
                    .doubleValue();
            System.out.printf(
                    "chat flood at -Xmx256m: %d lines of %d bytes to %d members in %d s; %d members closed as slow"
                            + " consumers (max-queued-bytes %d); %d log lines about them; heap used after the attack:"
                            + " %.1f MiB%n",
                    lines.get(),
                    LINE,
                    MEMBERS,
                    ATTACK.toSeconds(),
                    drops,
                    budget,
                    slowConsumerLines(log),
                    heap / (1024 * 1024));
            assertThat(slowConsumerLines(log)).as("drop lines, rate-limited").isLessThan(50);
            assertThat(heap).isLessThan(256.0 * 1024 * 1024);
        } finally {
            for (Socket member : members) {
                member.close();
            }
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process start(Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SampleApplication.class.getName(),
                        "--server.port=0",
                        "--asyncore.servers.echo.port=0",
                        "--asyncore.servers.chat.port=0",
                        "--asyncore.servers.udp-echo.port=0",
                        "--asyncore.servers.echo-tls.port=0",
                        "--asyncore.shutdown.timeout=1s")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Writes 65,000-byte lines until the attack's time is up (or the socket is closed under it). */
    private static void flood(Socket sender, AtomicLong lines) {
        byte[] line = new byte[LINE + 1];
        Arrays.fill(line, (byte) 'x');
        line[LINE] = '\n';
        long end = System.nanoTime() + ATTACK.toNanos();
        try {
            OutputStream out = sender.getOutputStream();
            while (System.nanoTime() - end < 0) {
                out.write(line);
                lines.incrementAndGet();
            }
        } catch (IOException closed) {
            // closed by the test, or by the server
        }
    }

    private static long slowConsumerLines(Path log) throws IOException {
        try (var lines = Files.lines(log)) {
            return lines.filter((line) -> line.contains("closing slow consumer"))
                    .count();
        }
    }

    private static int awaitHttpPort(Process app, Path log) {
        int[] port = new int[1];
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(app.isAlive()).as("the app is running; its log: %s", log).isTrue();
            Matcher m = HTTP_PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
            port[0] = m.find() ? Integer.parseInt(m.group(1)) : 0;
            return port[0] > 0;
        });
        return port[0];
    }

    private static int port(int http, String server) throws IOException {
        return JsonPath.read(SampleClients.get(http, "/actuator/asyncore/" + server), "$.port");
    }

    private static int connections(int http, String server) throws IOException {
        return JsonPath.read(SampleClients.get(http, "/actuator/asyncore/" + server), "$.connections");
    }

    /** The soft descriptor limit of this process (a child inherits it), or {@code Long.MAX_VALUE} where unknown. */
    private static long descriptorLimit() throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.isReadable(limits)) {
            return Long.MAX_VALUE;
        }
        for (String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }
}
