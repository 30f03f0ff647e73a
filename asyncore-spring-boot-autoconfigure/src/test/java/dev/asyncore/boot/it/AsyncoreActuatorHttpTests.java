package dev.asyncore.boot.it;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.boot.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Actuator over HTTP in a full Boot web application: endpoint, health, readiness group (with probes enabled, the
 * {@code asyncore} component joins it without further configuration) and metrics.
 */
@SpringBootTest(
        classes = AsyncoreActuatorHttpTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "asyncore.loop.thread-name=asyncore-http-it",
            "asyncore.shutdown.timeout=1s",
            "asyncore.servers.echo.address=127.0.0.1",
            "asyncore.servers.echo.port=0",
            "management.endpoints.web.exposure.include=health,asyncore,metrics",
            "management.endpoint.health.show-details=always",
            "management.endpoint.health.probes.enabled=true"
        })
class AsyncoreActuatorHttpTests {

    @Value("${local.server.port}")
    int httpPort;

    @Value("${local.asyncore.servers.echo.port}")
    int echoPort;

    private final List<SocketChannel> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws IOException {
        for (SocketChannel client : this.clients) {
            client.close();
        }
    }

    @Test
    void endpointCountsConnectionsOfADeclaredServerAndGoesBackWhenTheyClose() throws Exception {
        for (int i = 0; i < 3; i++) {
            SocketChannel client = TestClients.connect(this.echoPort);
            this.clients.add(client);
            assertThat(TestClients.roundTrip(client, "client " + i)).isEqualTo("client " + i);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode body = get("/actuator/asyncore", 200);
            assertThat(body.at("/servers/echo/connections").asInt()).isEqualTo(3);
            assertThat(body.at("/channels/total").asInt()).isEqualTo(4);
            assertThat(body.at("/channels/connected").asInt()).isEqualTo(3);
            assertThat(body.at("/channels/listening").asInt()).isEqualTo(1);
        });
        JsonNode body = get("/actuator/asyncore", 200);
        assertThat(body.at("/servers/echo/port").asInt()).isEqualTo(this.echoPort);
        assertThat(body.at("/servers/echo/address").asString()).isEqualTo("127.0.0.1");
        assertThat(body.at("/servers/echo/accepted").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(body.at("/loop/threadName").asString()).isEqualTo("asyncore-http-it");
        assertThat(body.at("/loop/running").asBoolean()).isTrue();
        assertThat(body.at("/loop/dispatch").asString()).isEqualTo("select");
        assertThat(body.toString())
                .doesNotContain(String.valueOf(
                        ((java.net.InetSocketAddress) this.clients.get(0).getLocalAddress()).getPort()));

        for (SocketChannel client : this.clients) {
            client.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode after = get("/actuator/asyncore", 200);
            assertThat(after.at("/servers/echo/connections").asInt()).isZero();
            assertThat(after.at("/channels/total").asInt()).isEqualTo(1);
        });
    }

    @Test
    void selectorShowsOneServerAndAnUnknownNameIsNotFound() throws Exception {
        JsonNode echo = get("/actuator/asyncore/echo", 200);
        assertThat(echo.at("/port").asInt()).isEqualTo(this.echoPort);
        assertThat(echo.at("/listening").asBoolean()).isTrue();
        get("/actuator/asyncore/nope", 404);
    }

    @Test
    void healthShowsAsyncoreUpAlsoInTheReadinessGroup() throws Exception {
        JsonNode health = get("/actuator/health", 200);
        assertThat(health.at("/components/asyncore/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/asyncore/details/servers/echo").asString())
                .isEqualTo("listening");
        JsonNode readiness = get("/actuator/health/readiness", 200);
        assertThat(readiness.at("/status").asString()).isEqualTo("UP");
        assertThat(readiness.at("/components/asyncore/status").asString()).isEqualTo("UP");
    }

    @Test
    void channelsMetricHasTheServerTag() throws Exception {
        JsonNode metric = get("/actuator/metrics/asyncore.channels", 200);
        List<String> tags = new ArrayList<>();
        metric.at("/availableTags").forEach((tag) -> tags.add(tag.at("/tag").asString()));
        assertThat(tags).contains("server", "state");
        List<String> servers = new ArrayList<>();
        metric.at("/availableTags").forEach((tag) -> {
            if ("server".equals(tag.at("/tag").asString())) {
                tag.at("/values").forEach((value) -> servers.add(value.asString()));
            }
        });
        assertThat(servers).contains("echo");
        JsonNode listening = get("/actuator/metrics/asyncore.channels?tag=server:echo&tag=state:listening", 200);
        assertThat(listening.at("/measurements/0/value").asDouble()).isEqualTo(1.0);
        get("/actuator/metrics/asyncore.connections.accepted?tag=server:echo", 200);
    }

    private JsonNode get(String path, int expectedStatus) throws IOException, InterruptedException {
        return new ActuatorClient(this.httpPort).get(path, expectedStatus);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
