package dev.asyncore.boot.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.TestClients;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.HandlerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile clients and faulty handlers in a full Boot web application: the connection limit rejects the excess and keeps
 * serving, and a handler that throws (in its constructor, {@code handleRead}, {@code handleWrite}, or even
 * {@code handleError}) loses its own channel only, while the endpoint and health stay right.
 */
@SpringBootTest(
        classes = HostileClientsApplicationTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "asyncore.loop.thread-name=asyncore-hostile-it",
            "asyncore.shutdown.timeout=1s",
            "asyncore.servers.limited.address=127.0.0.1",
            "asyncore.servers.limited.port=0",
            "asyncore.servers.limited.max-connections=10",
            "asyncore.servers.faulty.address=127.0.0.1",
            "asyncore.servers.faulty.port=0",
            "asyncore.servers.faulty.handler=faultyHandlers",
            "management.endpoints.web.exposure.include=health,asyncore",
            "management.endpoint.health.show-details=always"
        })
class HostileClientsApplicationTests {

    /** Set by the test: the next handler construction throws. */
    static final AtomicBoolean FAIL_NEXT_CONSTRUCTION = new AtomicBoolean();

    @Value("${local.server.port}")
    int httpPort;

    @Value("${local.asyncore.servers.limited.port}")
    int limitedPort;

    @Value("${local.asyncore.servers.faulty.port}")
    int faultyPort;

    private final List<SocketChannel> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws IOException {
        for (SocketChannel client : this.clients) {
            client.close();
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                get("/actuator/asyncore").at("/channels/total").asInt())
                        .isEqualTo(2));
    }

    @Test
    void maxConnectionsServesTenAndClosesTheOtherTenAtOnce() throws Exception {
        long rejectedBefore = get("/actuator/asyncore/limited").at("/rejected").asLong();
        for (int i = 0; i < 10; i++) {
            SocketChannel client = open(this.limitedPort);
            assertThat(TestClients.roundTrip(client, "served " + i)).isEqualTo("served " + i);
        }
        List<SocketChannel> excess = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            excess.add(open(this.limitedPort));
        }
        for (SocketChannel client : excess) {
            assertThat(TestClients.closedByPeer(client))
                    .as("an excess connection is closed at once")
                    .isTrue();
        }
        assertThat(TestClients.roundTrip(this.clients.get(0), "still served")).isEqualTo("still served");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode limited = get("/actuator/asyncore/limited");
            assertThat(limited.at("/rejected").asLong() - rejectedBefore).isEqualTo(10);
            assertThat(limited.at("/connections").asInt()).isEqualTo(10);
        });
        assertThat(get("/actuator/health").at("/components/asyncore/status").asString())
                .isEqualTo("UP");
    }

    @Test
    void aThrowingHandlerClosesOnlyItsOwnChannel() throws Exception {
        SocketChannel bystander = open(this.faultyPort);
        assertThat(TestClients.roundTrip(bystander, "hello")).isEqualTo("hello");

        FAIL_NEXT_CONSTRUCTION.set(true);
        assertThat(TestClients.closedByPeer(open(this.faultyPort)))
                .as("constructor threw")
                .isTrue();
        for (String fault : List.of("!read", "!write", "!error")) {
            SocketChannel victim = open(this.faultyPort);
            send(victim, fault);
            assertThat(TestClients.closedByPeer(victim)).as(fault).isTrue();
            assertThat(TestClients.roundTrip(bystander, "after " + fault)).isEqualTo("after " + fault);
        }
        assertThat(TestClients.roundTrip(this.faultyPort, "new connection")).isEqualTo("new connection");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode faulty = get("/actuator/asyncore/faulty");
            assertThat(faulty.at("/connections").asInt()).isEqualTo(1);
            assertThat(faulty.at("/listening").asBoolean()).isTrue();
        });
        JsonNode health = get("/actuator/health");
        assertThat(health.at("/components/asyncore/status").asString()).isEqualTo("UP");
        assertThat(get("/actuator/asyncore").at("/loop/running").asBoolean()).isTrue();
    }

    private SocketChannel open(int port) throws IOException {
        SocketChannel client = TestClients.connect(port);
        this.clients.add(client);
        return client;
    }

    private static void send(SocketChannel channel, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return new ActuatorClient(this.httpPort).get(path, 200);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        HandlerFactory faultyHandlers() {
            return (channel, peer, map) -> {
                if (FAIL_NEXT_CONSTRUCTION.getAndSet(false)) {
                    throw new IllegalStateException("handler constructor failed on purpose");
                }
                return new FaultyEcho(channel, map);
            };
        }
    }

    /** An echo that fails on purpose when a message starts with '!': in handleRead, in handleWrite, or in handleError too. */
    static final class FaultyEcho extends EchoHandler {

        private boolean failWrite;

        private boolean failError;

        FaultyEcho(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public void handleRead() throws IOException {
            ByteBuffer peek = ByteBuffer.allocate(16);
            int n = recv(peek);
            if (n <= 0) {
                return;
            }
            String text = new String(peek.array(), 0, n, StandardCharsets.US_ASCII);
            switch (text) {
                case "!read" -> throw new IllegalStateException("handleRead failed on purpose");
                case "!write" -> {
                    this.failWrite = true;
                    interestChanged();
                }
                case "!error" -> {
                    this.failError = true;
                    throw new IllegalStateException("handleRead failed on purpose, and handleError will too");
                }
                default -> {
                    peek.flip();
                    while (peek.hasRemaining() && send(peek) > 0) {
                        // a short echo fits in the socket buffer
                    }
                }
            }
        }

        @Override
        public boolean writable() {
            return this.failWrite || super.writable();
        }

        @Override
        public void handleWrite() throws IOException {
            if (this.failWrite) {
                throw new IllegalStateException("handleWrite failed on purpose");
            }
            super.handleWrite();
        }

        @Override
        public void handleError(Throwable t) {
            if (this.failError) {
                throw new IllegalStateException("handleError failed on purpose");
            }
            super.handleError(t);
        }
    }
}
