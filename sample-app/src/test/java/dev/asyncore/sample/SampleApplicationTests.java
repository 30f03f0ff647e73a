package dev.asyncore.sample;

import java.io.IOException;
import java.net.Socket;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static dev.asyncore.sample.SampleClients.WAIT;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the sample application as the README describes it, with every port 0, and checks what the README promises over
 * real sockets and real HTTP: each echo server echoes, the chat server relays a line, {@code /actuator/asyncore} shows an open
 * connection, health is UP, the metrics are there, and the application's own HTTP client dispatcher fetched its health at
 * startup. Runs with the {@code dev} profile, as the README's run command does, so that health shows its details.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "asyncore.servers.echo.port=0",
            "asyncore.servers.chat.port=0",
            "asyncore.servers.udp-echo.port=0",
            "asyncore.servers.echo-tls.port=0",
            "asyncore.servers.kv.port=0",
            "spring.datasource.url=jdbc:h2:mem:sample-application-tests",
            "asyncore.shutdown.timeout=1s"
        })
@ActiveProfiles("dev")
@DirtiesContext
class SampleApplicationTests {

    @LocalServerPort
    private int httpPort;

    @Value("${local.asyncore.servers.echo.port}")
    private int echoPort;

    @Value("${local.asyncore.servers.chat.port}")
    private int chatPort;

    @Value("${local.asyncore.servers.echo-any-port.port}")
    private int anyPort;

    @Value("${local.asyncore.servers.udp-echo.port}")
    private int udpPort;

    @Autowired
    private HealthCheckClient healthCheckClient;

    @Test
    void udpEchoServerSendsEachDatagramBack() throws Exception {
        try (java.net.DatagramSocket client = new java.net.DatagramSocket()) {
            client.setSoTimeout((int) WAIT.toMillis());
            byte[] data = "hello over udp".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            client.send(new java.net.DatagramPacket(
                    data, data.length, new java.net.InetSocketAddress("127.0.0.1", this.udpPort)));
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[100], 100);
            client.receive(reply);
            assertThat(new String(reply.getData(), 0, reply.getLength(), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("hello over udp");
        }
        await().atMost(WAIT).until(() -> serverDatagramsReceived("udp-echo") >= 1);
    }

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
                        .isEqualTo(5);
                assertThat((Integer) JsonPath.read(body, "$.channels.total")).isGreaterThanOrEqualTo(6);
                assertThat((Boolean) JsonPath.read(body, "$.servers.echo-tls.tls.enabled"))
                        .isTrue();
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
        assertThat(servers).contains("echo", "echo-any-port", "chat", "kv");
    }

    @Test
    void healthCheckClientFetchedTheHealthEndpointAtStartup() {
        await().atMost(WAIT).until(() -> this.healthCheckClient.statusLine() != null);
        assertThat(this.healthCheckClient.statusLine()).startsWith("HTTP/1.1 200");
    }

    private int serverConnections(String server) throws IOException {
        return JsonPath.read(get("/actuator/asyncore/" + server), "$.connections");
    }

    private long serverDatagramsReceived(String server) throws IOException {
        String body = get("/actuator/asyncore/" + server);
        assertThat((String) JsonPath.read(body, "$.protocol")).isEqualTo("udp");
        return ((Number) JsonPath.read(body, "$.datagrams.received")).longValue();
    }

    private String get(String path) throws IOException {
        return SampleClients.get(this.httpPort, path);
    }
}
