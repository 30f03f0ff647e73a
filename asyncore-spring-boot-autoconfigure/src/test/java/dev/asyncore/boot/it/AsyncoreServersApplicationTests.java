package dev.asyncore.boot.it;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.UpperCaseHandler;
import dev.asyncore.boot.context.AsyncoreServerInitializedEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Scope;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A real Boot application with two servers declared in YAML (application-servers.yml) and a component client. */
@SpringBootTest(
        classes = AsyncoreServersApplicationTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("servers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AsyncoreServersApplicationTests {

    @Value("${local.asyncore.servers.echo.port}")
    int echoPort;

    @Value("${local.asyncore.servers.upper.port}")
    int upperPort;

    private static final List<SocketChannel> closing = new CopyOnWriteArrayList<>();

    private static DispatcherMap closedMap;

    private static AsyncLoop closedLoop;

    private static EchoClient closedClient;

    private static List<Integer> closedPorts;

    @Autowired
    EchoClient client;

    @Autowired
    DispatcherMap map;

    @Autowired
    AsyncLoop loop;

    @Autowired
    ServerEvents events;

    @Test
    @Order(1)
    void echoServerAnswersOnThePublishedPort() throws IOException {
        assertThat(this.echoPort).isPositive();
        assertThat(TestClients.roundTrip(this.echoPort, "declared in yaml")).isEqualTo("declared in yaml");
    }

    @Test
    @Order(2)
    void secondServerUsesThePrototypeHandlerBean() throws IOException {
        assertThat(this.upperPort).isPositive().isNotEqualTo(this.echoPort);
        assertThat(TestClients.roundTrip(this.upperPort, "second server")).isEqualTo("SECOND SERVER");
    }

    @Test
    @Order(3)
    void componentClientDispatcherTalksToTheEchoServerOnTheManagedLoop() throws Exception {
        assertThat(this.client.map()).isSameAs(this.map);
        assertThat(this.client.reply.get(10, TimeUnit.SECONDS)).isEqualTo(EchoClient.GREETING);
    }

    @Test
    @Order(4)
    void eventsCarryTheBoundPorts() {
        assertThat(this.events.ports).containsEntry("echo", this.echoPort).containsEntry("upper", this.upperPort);
        assertThat(this.loop.threadName()).isEqualTo("asyncore-servers-it");
    }

    @Test
    @Order(5)
    @DirtiesContext
    void openConnectionsBeforeTheContextCloses() throws IOException {
        closing.add(TestClients.connect(this.echoPort));
        closing.add(TestClients.connect(this.upperPort));
        await().atMost(Duration.ofSeconds(5)).until(() -> this.map.connected() >= 3);
        closedMap = this.map;
        closedLoop = this.loop;
        closedClient = this.client;
        closedPorts = List.of(this.echoPort, this.upperPort);
    }

    /** Runs after {@code @DirtiesContext} closed the context: nothing of it may remain. */
    @AfterAll
    static void closingTheContextClosedEverySocketAndEndedTheLoopThread() throws IOException {
        try {
            assertThat(TestClients.threadAlive("asyncore-servers-it")).isFalse();
            assertThat(closedLoop.isTerminated()).isTrue();
            assertThat(closedMap.total()).isZero();
            assertThat(closedClient.socket() == null || !closedClient.socket().isOpen())
                    .isTrue();
            for (SocketChannel channel : closing) {
                assertThat(TestClients.closedByPeer(channel)).isTrue();
            }
            for (int port : closedPorts) {
                assertThatThrownBy(() -> TestClients.connect(port).close()).isInstanceOf(ConnectException.class);
            }
        } finally {
            for (SocketChannel channel : closing) {
                channel.close();
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({EchoClient.class, ServerEvents.class})
    static class App {

        @Bean
        @Scope("prototype")
        UpperCaseHandler upperCaseHandler(SocketChannel channel, DispatcherMap map) {
            return new UpperCaseHandler(channel, map);
        }
    }

    static class ServerEvents {

        final Map<String, Integer> ports = new ConcurrentHashMap<>();

        @EventListener
        void onServer(AsyncoreServerInitializedEvent event) {
            this.ports.put(event.getServerName(), event.getPort());
        }
    }
}
