package dev.asyncore.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.handler.ClientConnectorBuilder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The IDE metadata describes every key of a client, with the core's defaults and hints for handler and failover. */
class ClientConfigurationMetadataTests {

    @Test
    void everyClientKeyIsDescribedWithItsDefault() throws IOException {
        JsonNode metadata = read();
        List<String> names = new ArrayList<>();
        metadata.at("/properties").forEach((p) -> {
            if (p.at("/name").asString().startsWith("asyncore.clients")) {
                names.add(p.at("/name").asString());
                assertThat(p.at("/description").asString())
                        .as(p.at("/name").asString())
                        .isNotBlank();
            }
        });
        assertThat(names)
                .contains(
                        "asyncore.clients",
                        "asyncore.clients.*.host",
                        "asyncore.clients.*.port",
                        "asyncore.clients.*.hosts",
                        "asyncore.clients.*.failover",
                        "asyncore.clients.*.handler",
                        "asyncore.clients.*.connect-timeout",
                        "asyncore.clients.*.idle-timeout",
                        "asyncore.clients.*.reconnect.enabled",
                        "asyncore.clients.*.reconnect.initial-delay",
                        "asyncore.clients.*.reconnect.multiplier",
                        "asyncore.clients.*.reconnect.max-delay",
                        "asyncore.clients.*.reconnect.jitter",
                        "asyncore.clients.*.ssl.bundle",
                        "asyncore.clients.*.ssl.server-name",
                        "asyncore.clients.*.ssl.application-protocols",
                        "asyncore.clients.*.health.readiness",
                        "asyncore.clients.*.enabled");
        assertThat(defaultOf(metadata, "asyncore.clients.*.connect-timeout"))
                .isEqualTo(ClientConnectorBuilder.DEFAULT_CONNECT_TIMEOUT.toSeconds() + "s");
        ClientProperties.Reconnect defaults = new ClientProperties().getReconnect();
        assertThat(defaultOf(metadata, "asyncore.clients.*.reconnect.initial-delay"))
                .isEqualTo(defaults.getInitialDelay().toSeconds() + "s");
        assertThat(defaultOf(metadata, "asyncore.clients.*.reconnect.max-delay"))
                .isEqualTo(defaults.getMaxDelay().toSeconds() + "s");
        assertThat(Double.parseDouble(defaultOf(metadata, "asyncore.clients.*.reconnect.multiplier")))
                .isEqualTo(defaults.getMultiplier());
        assertThat(Double.parseDouble(defaultOf(metadata, "asyncore.clients.*.reconnect.jitter")))
                .isEqualTo(defaults.getJitter());
    }

    @Test
    void handlerAndFailoverHaveHints() throws IOException {
        JsonNode metadata = read();
        List<String> failover = new ArrayList<>();
        String handlerTarget = null;
        for (JsonNode hint : metadata.at("/hints")) {
            String name = hint.at("/name").asString();
            if (name.equals("asyncore.clients.*.failover")) {
                hint.at("/values").forEach((v) -> failover.add(v.at("/value").asString()));
            }
            if (name.equals("asyncore.clients.*.handler")) {
                handlerTarget = hint.at("/providers/0/parameters/target").asString();
            }
        }
        assertThat(failover).containsExactly("in-order", "round-robin");
        assertThat(handlerTarget).isEqualTo("dev.asyncore.handler.ClientHandlerFactory");
    }

    private static String defaultOf(JsonNode metadata, String name) {
        for (JsonNode property : metadata.at("/properties")) {
            if (property.at("/name").asString().equals(name)) {
                return property.at("/defaultValue").asString();
            }
        }
        throw new AssertionError("no property " + name);
    }

    private static JsonNode read() throws IOException {
        try (InputStream in = ClientConfigurationMetadataTests.class
                .getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            return JsonMapper.builder().build().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
