package dev.asyncore.boot.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import dev.asyncore.handler.ClientHandlerFactory;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients in a full Boot web application over real HTTP: one connected to a live upstream, one whose upstream is away and
 * that is left out of readiness. The endpoint lists both, health shows each, readiness stays UP, the meters are there.
 */
@SpringBootTest(
        classes = ClientsActuatorHttpTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "asyncore.loop.thread-name=asyncore-clients-http-it",
            "asyncore.shutdown.timeout=1s",
            "asyncore.clients.live.host=127.0.0.1",
            "asyncore.clients.live.handler=lineHandler",
            "asyncore.clients.away.host=127.0.0.1",
            "asyncore.clients.away.handler=lineHandler",
            "asyncore.clients.away.health.readiness=false",
            "asyncore.clients.away.reconnect.initial-delay=100ms",
            "asyncore.clients.away.reconnect.max-delay=200ms",
            "management.endpoints.web.exposure.include=health,asyncore,metrics",
            "management.endpoint.health.show-details=always",
            "management.endpoint.health.probes.enabled=true"
        })
class ClientsActuatorHttpTests {

    private static final LoopbackServer UPSTREAM = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));

    @Value("${local.server.port}")
    int httpPort;

    @DynamicPropertySource
    static void ports(DynamicPropertyRegistry registry) throws IOException {
        registry.add("asyncore.clients.live.port", UPSTREAM::port);
        try (ServerSocket away = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = away.getLocalPort();
            registry.add("asyncore.clients.away.port", () -> port);
        }
    }

    @AfterAll
    static void closeUpstream() {
        UPSTREAM.close();
    }

    @Test
    void endpointHealthReadinessAndMetersShowTheClients() throws Exception {
        await().untilAsserted(() -> {
            JsonNode body = get("/actuator/asyncore", 200);
            assertThat(body.at("/clients/live/state").asString()).isEqualTo("CONNECTED");
            assertThat(body.at("/clients/away/reconnects").asLong()).isGreaterThanOrEqualTo(1);
        });
        JsonNode body = get("/actuator/asyncore", 200);
        assertThat(body.at("/clients/live/address").asString()).isEqualTo("127.0.0.1:" + UPSTREAM.port());
        assertThat(body.at("/clients/live/connectedSince").asString()).isNotBlank();
        assertThat(body.at("/clients/away/lastError").asString()).contains("ConnectException");

        JsonNode health = get("/actuator/health", 503);
        assertThat(health.at("/components/asyncoreClients/components/live/status")
                        .asString())
                .isEqualTo("UP");
        assertThat(health.at("/components/asyncoreClients/components/away/status")
                        .asString())
                .isEqualTo("DOWN");
        assertThat(health.at("/components/asyncoreClients/components/away/details/lastError")
                        .asString())
                .contains("ConnectException");

        JsonNode readiness = get("/actuator/health/readiness", 200);
        assertThat(readiness.at("/status").asString()).isEqualTo("UP");
        assertThat(readiness
                        .at("/components/asyncoreClients/components/live/status")
                        .asString())
                .isEqualTo("UP");
        assertThat(readiness.at("/components/asyncoreClients/components/away").isMissingNode())
                .isTrue();

        JsonNode connects = get("/actuator/metrics/asyncore.client.connects?tag=client:live&tag=outcome:success", 200);
        assertThat(connects.at("/measurements/0/value").asDouble()).isEqualTo(1.0);
        JsonNode connected = get("/actuator/metrics/asyncore.client.connected?tag=client:away", 200);
        assertThat(connected.at("/measurements/0/value").asDouble()).isZero();
        get("/actuator/metrics/asyncore.client.reconnects?tag=client:away", 200);
    }

    private JsonNode get(String path, int expectedStatus) throws IOException, InterruptedException {
        return new ActuatorClient(this.httpPort).get(path, expectedStatus);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        ClientHandlerFactory lineHandler() {
            return (channel, address, map) -> new EchoHandler(channel, map);
        }
    }
}
