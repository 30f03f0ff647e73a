package dev.asyncore.boot.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Datagram;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TrackedInterest;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.actuate.AsyncoreEndpoint;
import dev.asyncore.boot.actuate.AsyncoreMetrics;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.handler.DatagramDispatcherFactory;
import dev.asyncore.handler.DatagramHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Boot application with UDP and TCP servers declared side by side in YAML (application-udp.yml), all on port 0: the
 * built-in echo, a {@link DatagramHandler} bean and a user's {@link DatagramDispatcherFactory} bean, {@code nc -u} against
 * the YAML server, and the endpoint's and the metrics' datagram figures.
 */
@SpringBootTest(
        classes = DatagramServersApplicationTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("udp")
class DatagramServersApplicationTests {

    @Value("${local.asyncore.servers.tcp-echo.port}")
    int tcpPort;

    @Value("${local.asyncore.servers.udp-echo.port}")
    int udpPort;

    @Value("${local.asyncore.servers.udp-upper.port}")
    int upperPort;

    @Value("${local.asyncore.servers.udp-own.port}")
    int ownPort;

    @Autowired
    AsyncLoop loop;

    @Autowired
    AsyncoreServers servers;

    @TempDir
    Path dir;

    private static String exchange(int port, String text) throws IOException {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(10_000);
            byte[] data = text.getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(data, data.length, new InetSocketAddress("127.0.0.1", port)));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            client.receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void udpAndTcpServersAnswerSideBySideOnTheirPublishedPorts() throws IOException {
        assertThat(this.tcpPort).isPositive();
        assertThat(this.udpPort).isPositive();
        assertThat(TestClients.roundTrip(this.tcpPort, "over tcp")).isEqualTo("over tcp");
        assertThat(exchange(this.udpPort, "over udp")).isEqualTo("over udp");
        assertThat(exchange(this.upperPort, "shout")).isEqualTo("SHOUT");
        assertThat(exchange(this.ownPort, "drawer")).isEqualTo("reward");
        assertThat(this.servers.get("udp-echo").getPort()).isEqualTo(this.udpPort);
    }

    @Test
    void netcatGetsItsDatagramsEchoedByTheYamlServer() throws Exception {
        assumeTrue(commandExists("nc"), "nc is required for this test (the CI script installs it)");
        Path input = Files.writeString(this.dir.resolve("in.txt"), "hello from nc -u\n");
        Process nc = new ProcessBuilder("nc", "-u", "-w", "2", "127.0.0.1", String.valueOf(this.udpPort))
                .redirectInput(input.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertThat(nc.waitFor(30, TimeUnit.SECONDS)).as("nc ended").isTrue();
            assertThat(new String(nc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello from nc -u\n");
        } finally {
            nc.destroyForcibly();
        }
    }

    @Test
    void theEndpointAndTheMetricsCountDatagrams() throws IOException {
        long before = this.servers.get("udp-echo").datagramStats().datagramsReceived();
        for (int i = 0; i < 3; i++) {
            assertThat(exchange(this.udpPort, "count me " + i)).isEqualTo("count me " + i);
        }
        await().until(() -> this.servers.get("udp-echo").datagramStats().datagramsSent() >= before + 3);
        AsyncoreEndpoint.ServerDescriptor described = new AsyncoreEndpoint(this.loop, this.servers).server("udp-echo");
        assertThat(described.protocol()).isEqualTo("udp");
        assertThat(described.port()).isEqualTo(this.udpPort);
        assertThat(described.listening()).isTrue();
        assertThat(described.datagrams().received()).isGreaterThanOrEqualTo(before + 3);
        assertThat(described.datagrams().dropped()).isZero();
        assertThat(described.bytesReceived()).isGreaterThanOrEqualTo(3 * "count me 0".length());
        assertThat(new AsyncoreEndpoint(this.loop, this.servers)
                        .server("tcp-echo")
                        .protocol())
                .isEqualTo("tcp");
        assertThat(new AsyncoreEndpoint(this.loop, this.servers)
                        .server("tcp-echo")
                        .datagrams())
                .isNull();

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new AsyncoreMetrics(this.loop, this.servers).bindTo(registry);
        assertThat(registry.get("asyncore.datagrams.received")
                        .tag("server", "udp-echo")
                        .functionCounter()
                        .count())
                .isGreaterThanOrEqualTo(before + 3);
        assertThat(registry.get("asyncore.datagrams.dropped")
                        .tags("server", "udp-echo", "reason", "queue-full")
                        .functionCounter()
                        .count())
                .isZero();
        assertThat(registry.get("asyncore.datagrams.dropped")
                        .tags("server", "udp-echo", "reason", "receive-buffer")
                        .functionCounter()
                        .count())
                .isGreaterThanOrEqualTo(0);
        assertThat(registry.get("asyncore.channels")
                        .tags("server", "udp-echo", "state", "bound")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("asyncore.channels")
                        .tags("server", "none", "state", "listening")
                        .gauge()
                        .value())
                .as("UDP servers are not counted as listening channels of no server")
                .isZero();
    }

    @Test
    void healthCountsTheUdpServersAsListening() {
        org.springframework.boot.health.contributor.Health health =
                new dev.asyncore.boot.actuate.AsyncoreHealthIndicator(this.loop, this.servers).health();
        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
        assertThat(health.getDetails().get("servers"))
                .isEqualTo(java.util.Map.of(
                        "tcp-echo", "listening",
                        "udp-echo", "listening",
                        "udp-upper", "listening",
                        "udp-own", "listening"));
    }

    private static boolean commandExists(String command) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + command)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A user's dispatcher on the bound socket: answers each datagram with its bytes reversed. */
    @TrackedInterest
    static final class Reverser extends Dispatcher {

        Reverser(DatagramChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleRead() throws IOException {
            Datagram d = recvfrom(2048);
            if (d != null) {
                byte[] reversed = new StringBuilder(new String(d.data(), StandardCharsets.US_ASCII))
                        .reverse()
                        .toString()
                        .getBytes(StandardCharsets.US_ASCII);
                sendto(reversed, d.address());
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        DatagramHandler upperCaseDatagrams() {
            return (data, sender, server) -> {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                server.reply(
                        ByteBuffer.wrap(new String(bytes, StandardCharsets.US_ASCII)
                                .toUpperCase()
                                .getBytes(StandardCharsets.US_ASCII)),
                        sender);
            };
        }

        @Bean
        DatagramDispatcherFactory reverser() {
            return Reverser::new;
        }
    }
}
