package dev.asyncore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the sample application as the README describes it, with every port 0, and checks what the README promises over
 * real sockets and real HTTP: each echo server echoes, the chat server relays a line, {@code /actuator/asyncore} shows an open
 * connection, health is UP, the metrics are there, and the application's own HTTP client dispatcher fetched its health at
 * startup.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"asyncore.servers.echo.port=0", "asyncore.servers.chat.port=0", "asyncore.shutdown.timeout=1s"})
@DirtiesContext
class SampleApplicationTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @LocalServerPort
    private int httpPort;

    @Value("${local.asyncore.servers.echo.port}")
    private int echoPort;

    @Value("${local.asyncore.servers.chat.port}")
    private int chatPort;

    @Value("${local.asyncore.servers.echo-any-port.port}")
    private int anyPort;

    @Autowired
    private HealthCheckClient healthCheckClient;

    @Test
    void tcpEchoServerEchoesWhatItReceives() throws IOException {
        try (Socket client = connect(this.echoPort)) {
            send(client, "hello, asyncore\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("hello, asyncore");
        }
    }

    @Test
    void echoServerOnAPortTheSystemPickedEchoesToo() throws IOException {
        assertThat(this.anyPort).isPositive().isNotEqualTo(this.echoPort);
        try (Socket client = connect(this.anyPort)) {
            send(client, "on any port\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("on any port");
        }
    }

    @Test
    void chatServerRelaysALineToTheOtherClient() throws Exception {
        try (Socket alice = connect(this.chatPort);
                Socket bob = connect(this.chatPort)) {
            await().atMost(WAIT).until(() -> serverConnections("chat") == 2);
            send(alice, "hi bob\r\n");
            assertThat(readLine(bob.getInputStream())).isEqualTo("hi bob");
            send(bob, "hi alice\n");
            assertThat(readLine(alice.getInputStream())).isEqualTo("hi alice");
        }
    }

    @Test
    void asyncoreEndpointShowsAConnectionWhileItIsOpen() throws Exception {
        try (Socket client = connect(this.echoPort)) {
            send(client, "ping\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("ping");
            await().atMost(WAIT).untilAsserted(() -> {
                String body = get("/actuator/asyncore");
                assertThat((Integer) JsonPath.read(body, "$.servers.echo.connections"))
                        .isEqualTo(1);
                assertThat((Integer) JsonPath.read(body, "$.servers.echo.port")).isEqualTo(this.echoPort);
                assertThat((Boolean) JsonPath.read(body, "$.servers.echo.listening"))
                        .isTrue();
                assertThat((Integer) JsonPath.read(body, "$.servers.echo-any-port.port"))
                        .isEqualTo(this.anyPort);
                assertThat((Integer) JsonPath.read(body, "$.channels.listening"))
                        .isEqualTo(3);
                assertThat((Integer) JsonPath.read(body, "$.channels.total")).isGreaterThanOrEqualTo(4);
                assertThat((Boolean) JsonPath.read(body, "$.loop.running")).isTrue();
            });
        }
        await().atMost(WAIT).until(() -> serverConnections("echo") == 0);
    }

    @Test
    void healthIsUpWithTheAsyncoreComponent() throws Exception {
        String body = get("/actuator/health");
        assertThat((String) JsonPath.read(body, "$.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(body, "$.components.asyncore.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(body, "$.components.asyncore.details.servers.chat"))
                .isEqualTo("listening");
    }

    @Test
    void metricsCountChannelsByServer() throws Exception {
        String body = get("/actuator/metrics/asyncore.channels");
        List<String> tags = JsonPath.read(body, "$.availableTags[*].tag");
        assertThat(tags).contains("server", "state");
        List<String> servers = JsonPath.read(body, "$.availableTags[?(@.tag == 'server')].values[*]");
        assertThat(servers).contains("echo", "echo-any-port", "chat");
    }

    @Test
    void healthCheckClientFetchedTheHealthEndpointAtStartup() {
        await().atMost(WAIT).until(() -> this.healthCheckClient.statusLine() != null);
        assertThat(this.healthCheckClient.statusLine()).startsWith("HTTP/1.1 200");
    }

    private int serverConnections(String server) throws IOException {
        return JsonPath.read(get("/actuator/asyncore/" + server), "$.connections");
    }

    private String get(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                URI.create("http://localhost:" + this.httpPort + path).toURL().openConnection();
        try {
            connection.setConnectTimeout((int) WAIT.toMillis());
            connection.setReadTimeout((int) WAIT.toMillis());
            assertThat(connection.getResponseCode()).as("GET %s", path).isEqualTo(200);
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads up to a newline, dropping it and a {@code \r} before it; fails at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("end of stream after '" + line + "'");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }
}
