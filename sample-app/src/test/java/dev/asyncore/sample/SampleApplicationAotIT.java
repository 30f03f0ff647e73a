package dev.asyncore.sample;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.asyncore.sample.SampleClients.WAIT;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the packaged sample app as the build's {@code process-aot} step left it, in a child JVM with
 * {@code -Dspring.aot.enabled=true}: the bean definitions the AOT step generated replace the ones found at runtime, as in a
 * native image. Every port is 0; the HTTP port is read from the child's log and the asyncore ports from
 * {@code /actuator/asyncore}. The {@code dev} profile shows health's details, as the README's run command does. Checks
 * echo over a real socket, the chat relay and the endpoint, then stops the child.
 */
class SampleApplicationAotIT {

    private static final Duration STARTUP = Duration.ofSeconds(150);

    private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on port (\\d+)");

    private static Process app;

    private static Path log;

    private static int httpPort;

    @BeforeAll
    static void startAotProcessedApp() throws IOException {
        Path jar = Path.of(System.getProperty("sample.jar"));
        assertThat(jar).as("the packaged sample app").isRegularFile();
        Path dir = Files.createDirectories(Path.of(System.getProperty("sample.log.dir")));
        log = dir.resolve("sample-app.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        app = new ProcessBuilder(
                        java,
                        "-Dspring.aot.enabled=true",
                        "-jar",
                        jar.toString(),
                        "--spring.profiles.active=dev",
                        "--server.port=0",
                        "--asyncore.servers.echo.port=0",
                        "--asyncore.servers.chat.port=0",
                        "--asyncore.servers.udp-echo.port=0",
                        "--asyncore.servers.echo-tls.port=0",
                        "--asyncore.servers.kv.port=0",
                        "--spring.datasource.url=jdbc:h2:file:"
                                + dir.resolve("data/kv").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
                        "--asyncore.shutdown.timeout=1s")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(app.isAlive()).as("the app is running; its log: %s", log).isTrue();
            return httpPort() > 0;
        });
        httpPort = httpPort();
        System.out.println("AOT-processed sample app up, HTTP on port " + httpPort);
    }

    @AfterAll
    static void stopApp() throws InterruptedException {
        if (app == null) {
            return;
        }
        app.destroy();
        if (!app.waitFor(30, TimeUnit.SECONDS)) {
            app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void appRanWithTheAheadOfTimeGeneratedContext() throws IOException {
        assertThat(Files.readString(log)).contains("Starting AOT-processed SampleApplication");
    }

    @Test
    void echoServerEchoesWhatItReceives() throws IOException {
        try (Socket client = connect(serverPort("echo"))) {
            send(client, "hello, AOT\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("hello, AOT");
        }
    }

    @Test
    void chatServerRelaysALineToTheOtherClient() throws IOException {
        int port = serverPort("chat");
        try (Socket alice = connect(port);
                Socket bob = connect(port)) {
            await().atMost(WAIT).until(() -> connections("chat") == 2);
            send(alice, "hi bob\n");
            assertThat(readLine(bob.getInputStream())).isEqualTo("hi bob");
        }
    }

    @Test
    void asyncoreEndpointShowsTheServersAndAnOpenConnection() throws IOException {
        try (Socket client = connect(serverPort("echo-any-port"))) {
            send(client, "ping\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("ping");
            await().atMost(WAIT).untilAsserted(() -> {
                String body = get("/actuator/asyncore");
                assertThat((Integer) JsonPath.read(body, "$.servers.echo-any-port.connections"))
                        .isEqualTo(1);
                assertThat((Integer) JsonPath.read(body, "$.channels.listening"))
                        .isEqualTo(5);
                List<Boolean> listening = JsonPath.read(body, "$.servers[*].listening");
                assertThat(listening).containsExactly(true, true, true, true, true, true);
                assertThat((Boolean) JsonPath.read(body, "$.servers.echo-tls.tls.enabled"))
                        .isTrue();
                assertThat((Boolean) JsonPath.read(body, "$.loop.running")).isTrue();
            });
        }
    }

    @Test
    void udpEchoServerSendsADatagramBack() throws IOException {
        try (java.net.DatagramSocket client = new java.net.DatagramSocket()) {
            client.setSoTimeout((int) WAIT.toMillis());
            byte[] data = "hello, AOT over udp".getBytes(StandardCharsets.US_ASCII);
            client.send(new java.net.DatagramPacket(
                    data, data.length, new java.net.InetSocketAddress("127.0.0.1", serverPort("udp-echo"))));
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[100], 100);
            client.receive(reply);
            assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello, AOT over udp");
        }
    }

    @Test
    void kvServerStoresAndAnswersThroughItsRepository() throws IOException {
        try (Socket client = connect(serverPort("kv"))) {
            send(client, "SET aot generated context\nGET aot\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("OK");
            assertThat(readLine(client.getInputStream())).isEqualTo("VALUE generated context");
        }
    }

    @Test
    void healthIsUpWithTheAsyncoreComponent() throws IOException {
        String body = get("/actuator/health");
        assertThat((String) JsonPath.read(body, "$.components.asyncore.status")).isEqualTo("UP");
    }

    /** The HTTP port the child's log announces, or 0 before it does. */
    private static int httpPort() throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        Matcher matcher = HTTP_PORT.matcher(Files.readString(log, StandardCharsets.UTF_8));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static int serverPort(String server) throws IOException {
        int port = JsonPath.read(get("/actuator/asyncore/" + server), "$.port");
        assertThat(port).as("port of server %s", server).isPositive();
        return port;
    }

    private static int connections(String server) throws IOException {
        return JsonPath.read(get("/actuator/asyncore/" + server), "$.connections");
    }

    private static String get(String path) throws IOException {
        return SampleClients.get(httpPort, path);
    }
}
