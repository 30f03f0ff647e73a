package dev.asyncore.boot.it;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.HandlerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real HAProxy in front of two instances of a Boot application, each with {@code proxy-protocol: true} and a deny rule:
 * HAProxy sends PROXY v2 to the asyncore port and checks {@code /actuator/health/readiness} on the HTTP port. Shows that
 * the instances see the client's address through the balancer, that a direct connection without a header is refused and
 * counted, and that a rolling stop of one instance (readiness down, the balancer takes it out, then a graceful drain) loses
 * none of the connections that keep arriving. Skipped where {@code haproxy} is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyRollingRestartTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A client source address both instances serve. */
    private static final String SERVED = "127.0.0.1";

    /** A client source address both instances deny ({@code deny: 127.0.0.2}). */
    private static final String DENIED = "127.0.0.2";

    @TempDir
    static Path dir;

    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private Process haproxy;
    private int frontendPort;
    private Path statsSocket;

    @BeforeAll
    void start() throws Exception {
        String binary = findHaproxy();
        if (binary == null) {
            return;
        }
        a = startInstance("a");
        b = startInstance("b");
        frontendPort = freePort();
        statsSocket = dir.resolve("admin.sock");
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, config(frontendPort, statsSocket, a, b));
        haproxy = new ProcessBuilder(binary, "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile())
                .start();
        // the stats socket appears once HAProxy has read its configuration
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> {
                    assertThat(haproxy.isAlive())
                            .as("haproxy runs; its log: %s", log())
                            .isTrue();
                    assertThat(serverStatus("a")).isEqualTo("UP");
                    assertThat(serverStatus("b")).isEqualTo("UP");
                });
    }

    @BeforeEach
    void requireHaproxy() {
        assumeTrue(
                haproxy != null,
                "haproxy is not installed (not on PATH nor in /usr/sbin): the HAProxy test is skipped");
    }

    @AfterAll
    void stop() throws InterruptedException {
        try {
            if (haproxy != null) {
                haproxy.destroy();
                if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                    haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }

    @Test
    @Order(1)
    void theInstancesSeeTheClientsAddressThroughTheBalancer() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(echo(DENIED, "denied " + i)).as("from 127.0.0.2").isNull();
        }
        await().atMost(WAIT).until(() -> denied(a) + denied(b) == 4);
        List<SocketAddress> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Socket s = connect(SERVED)) {
                assertThat(roundTrip(s, "served " + i)).isEqualTo("served " + i);
                clients.add(s.getLocalSocketAddress());
            }
        }
        List<SocketAddress> seen = new ArrayList<>(peers(a));
        seen.addAll(peers(b));
        assertThat(seen).containsAll(clients);
        assertThat(peers(a)).isNotEmpty();
        assertThat(peers(b)).isNotEmpty();
        JsonNode metric = new ActuatorClient(httpPort(a))
                .get("/actuator/metrics/asyncore.connections.refused?tag=server:echo&tag=reason:denied", 200);
        assertThat(metric.at("/measurements/0/value").asDouble()).isEqualTo(denied(a));
        System.out.printf(
                "through HAProxy: 4 connections from 127.0.0.2 denied (a %d, b %d), 4 from 127.0.0.1 served with"
                        + " their own source ports%n",
                denied(a), denied(b));
    }

    @Test
    @Order(2)
    void aDirectConnectionWithoutAHeaderIsRefusedAndCounted() throws Exception {
        int echoPort = echoPort(a);
        try (Socket direct = new Socket("127.0.0.1", echoPort)) {
            direct.setSoTimeout((int) WAIT.toMillis());
            direct.getOutputStream().write("hello without a header\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(closedByServer(direct)).isTrue();
        }
        ActuatorClient actuator = new ActuatorClient(httpPort(a));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(actuator.get("/actuator/asyncore/echo", 200)
                                .at("/refused/proxyHeader")
                                .asLong())
                        .isEqualTo(1));
        JsonNode metric = actuator.get("/actuator/metrics/asyncore.connections.refused?tag=reason:proxy-header", 200);
        assertThat(metric.at("/measurements/0/value").asDouble()).isEqualTo(1.0);
    }

    @Test
    @Order(3)
    void aRollingStopOfOneInstanceLosesNoConnection() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger made = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> clients = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20_000 && !done.get(); i++) {
                String message = "connection " + i;
                try (Socket s = connect(SERVED)) {
                    String got = roundTrip(s, message);
                    if (!message.equals(got)) {
                        failures.add(message + " -> " + got);
                    }
                } catch (IOException ex) {
                    failures.add(message + " -> " + ex);
                }
                made.incrementAndGet();
            }
        });
        try {
            await().atMost(WAIT).until(() -> made.get() >= 100);
            int servedByABefore = peers(a).size();

            long t0 = System.nanoTime();
            int madeAtReadinessDown = made.get();
            AvailabilityChangeEvent.publish(a, ReadinessState.REFUSING_TRAFFIC);
            assertThat(new ActuatorClient(httpPort(a))
                            .send("/actuator/health/readiness")
                            .statusCode())
                    .isEqualTo(503);
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> serverStatus("a").startsWith("DOWN"));
            long outOfBalancer = System.nanoTime() - t0;
            int madeWhenOut = made.get();
            // the client is sequential: once two more connections are done, none opened before DOWN is still in flight
            await().atMost(WAIT).until(() -> made.get() >= madeWhenOut + 2);
            AsyncoreServer serverA = a.getBean(AsyncoreServers.class).get("echo");
            long acceptedByA = serverA.accepted();
            await().atMost(WAIT).until(() -> made.get() >= madeWhenOut + 52);
            assertThat(serverA.accepted())
                    .as("accepted by a once HAProxy took it out")
                    .isEqualTo(acceptedByA);
            assertThat(serverA.isListening()).isTrue();

            long t1 = System.nanoTime();
            a.close();
            long drained = System.nanoTime() - t1;
            int madeWhenStopped = made.get();

            await().atMost(WAIT).until(() -> made.get() >= madeWhenStopped + 200);
            done.set(true);
            clients.get(60, TimeUnit.SECONDS);

            Map<String, String> statsB = stats("b");
            System.out.printf(
                    "rolling stop: %d connections through HAProxy, %d failed; instance a served %d before its"
                            + " readiness went down and %d in all (none once HAProxy took it out, while still"
                            + " listening); HAProxy took it out after %d ms (%d connections meanwhile), its drain took"
                            + " %d ms; b then served the %d after; HAProxy retries %s, redispatches %s%n",
                    made.get(),
                    failures.size(),
                    servedByABefore,
                    acceptedByA,
                    TimeUnit.NANOSECONDS.toMillis(outOfBalancer),
                    madeWhenOut - madeAtReadinessDown,
                    TimeUnit.NANOSECONDS.toMillis(drained),
                    made.get() - madeWhenStopped,
                    statsB.get("wretr"),
                    statsB.get("wredis"));
            assertThat(failures).isEmpty();
            assertThat(made.get()).isGreaterThanOrEqualTo(madeWhenStopped + 200);
            assertThat(serverStatus("b")).isEqualTo("UP");
        } finally {
            done.set(true);
            clients.get(60, TimeUnit.SECONDS);
        }
    }

    private Socket connect(String source) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(source, 0));
            s.setSoTimeout((int) WAIT.toMillis());
            s.connect(new InetSocketAddress("127.0.0.1", frontendPort), 5000);
            return s;
        } catch (IOException ex) {
            s.close();
            throw ex;
        }
    }

    /** Echoes one line from a source address; null if the connection was closed without an answer. */
    private String echo(String source, String message) throws IOException {
        try (Socket s = connect(source)) {
            String got = roundTrip(s, message);
            return got.isEmpty() ? null : got;
        } catch (SocketException reset) {
            return null;
        }
    }

    private static String roundTrip(Socket s, String message) throws IOException {
        byte[] line = (message + "\n").getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(line);
        byte[] got = s.getInputStream().readNBytes(line.length);
        return got.length == 0 ? "" : new String(got, 0, Math.max(0, got.length - 1), StandardCharsets.US_ASCII);
    }

    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static ConfigurableApplicationContext startInstance(String name) {
        return new SpringApplicationBuilder(App.class)
                .properties(
                        "spring.main.banner-mode=off",
                        "server.address=127.0.0.1",
                        "server.port=0",
                        "asyncore.loop.thread-name=asyncore-haproxy-" + name,
                        "asyncore.shutdown.timeout=10s",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.handler=recordingEcho",
                        "asyncore.servers.echo.proxy-protocol=true",
                        "asyncore.servers.echo.deny=127.0.0.2",
                        "management.endpoints.web.exposure.include=health,asyncore,metrics",
                        "management.endpoint.health.probes.enabled=true")
                .run();
    }

    private static String config(
            int frontend, Path stats, ConfigurableApplicationContext a, ConfigurableApplicationContext b) {
        return String.join(
                "\n",
                "global",
                "    maxconn 1000",
                "    stats socket " + stats + " mode 600 level admin",
                "defaults",
                "    mode tcp",
                "    timeout connect 2s",
                "    timeout client 30s",
                "    timeout server 30s",
                "    retries 3",
                "    option redispatch",
                "frontend echo",
                "    bind 127.0.0.1:" + frontend,
                "    default_backend instances",
                "backend instances",
                "    balance roundrobin",
                "    option httpchk GET /actuator/health/readiness",
                "    http-check expect status 200",
                "    default-server inter 200ms fall 2 rise 2 send-proxy-v2",
                "    server a 127.0.0.1:" + echoPort(a) + " check port " + httpPort(a),
                "    server b 127.0.0.1:" + echoPort(b) + " check port " + httpPort(b),
                "");
    }

    private static int echoPort(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.asyncore.servers.echo.port", Integer.class);
    }

    private static int httpPort(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private static long denied(ConfigurableApplicationContext context) {
        return context.getBean(AsyncoreServers.class).get("echo").denied();
    }

    private static List<SocketAddress> peers(ConfigurableApplicationContext context) {
        return context.getBean(Peers.class).addresses;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String findHaproxy() {
        List<String> dirs = new ArrayList<>(
                Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin"));
        for (String d : dirs) {
            File candidate = new File(d, "haproxy");
            if (!d.isEmpty() && candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    /** One server's row of HAProxy's {@code show stat}, by column name. */
    private Map<String, String> stats(String server) throws IOException {
        String csv = adminCommand("show stat");
        String[] lines = csv.split("\n");
        String[] header = lines[0].replaceFirst("^# ", "").split(",", -1);
        for (String line : lines) {
            String[] values = line.split(",", -1);
            if (values.length > 1 && values[0].equals("instances") && values[1].equals(server)) {
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < Math.min(header.length, values.length); i++) {
                    row.put(header[i], values[i]);
                }
                return row;
            }
        }
        throw new AssertionError("no server " + server + " in HAProxy's stats: " + csv);
    }

    private String serverStatus(String server) throws IOException {
        return stats(server).get("status");
    }

    private String adminCommand(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(statsSocket))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (channel.read(in) >= 0 && in.hasRemaining()) {
                // read until HAProxy closes the command connection
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }
    }

    /** The client addresses the instance's handler factory was given. */
    static class Peers {
        final List<SocketAddress> addresses = new CopyOnWriteArrayList<>();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        Peers peers() {
            return new Peers();
        }

        @Bean
        HandlerFactory recordingEcho(Peers peers) {
            return (channel, address, map) -> {
                peers.addresses.add(address);
                return new EchoHandler(channel, map);
            };
        }
    }
}
