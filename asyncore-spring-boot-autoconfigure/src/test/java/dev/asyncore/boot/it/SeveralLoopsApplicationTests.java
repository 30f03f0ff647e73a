package dev.asyncore.boot.it;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.server.AsyncoreServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code asyncore.loop.threads}: a real Boot web application with two loops. Both threads run, a declared server spreads its
 * connections over them, the endpoint and the metrics list each loop, and the graceful shutdown drains both.
 */
@ExtendWith(OutputCaptureExtension.class)
class SeveralLoopsApplicationTests {

    private static final int CONNECTIONS = 24;

    @Test
    void twoLoopsServeOneServerListEachLoopAndDrainTogether(CapturedOutput output) throws Exception {
        ConfigurableApplicationContext context = start(
                "asyncore.loop.threads=2",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.address=127.0.0.1",
                "asyncore.servers.single.port=0",
                "asyncore.servers.single.address=127.0.0.1",
                "asyncore.servers.single.spread=false");
        List<SocketChannel> clients = new ArrayList<>();
        try {
            assertThat(TestClients.threadAlive("asyncore-several-0")).isTrue();
            assertThat(TestClients.threadAlive("asyncore-several-1")).isTrue();
            assertThat(TestClients.threadAlive("asyncore-several")).isFalse();
            AsyncLoopGroup group = context.getBean(AsyncLoopGroup.class);
            assertThat(group.loops())
                    .extracting(AsyncLoop::threadName)
                    .containsExactly("asyncore-several-0", "asyncore-several-1");
            assertThat(context.getBean(AsyncLoop.class)).isSameAs(group.loop(0));
            assertThat(context.getBean(AsyncoreServers.class).get("echo").isSpread())
                    .isTrue();
            assertThat(context.getBean(AsyncoreServers.class).get("single").isSpread())
                    .isFalse();

            int port = context.getEnvironment().getProperty("local.asyncore.servers.echo.port", Integer.class);
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel client = TestClients.connect(port);
                clients.add(client);
                assertThat(TestClients.roundTrip(client, "client " + i)).isEqualTo("client " + i);
            }
            int single = context.getEnvironment().getProperty("local.asyncore.servers.single.port", Integer.class);
            SocketChannel onFirst = TestClients.connect(single);
            clients.add(onFirst);
            assertThat(TestClients.roundTrip(onFirst, "first loop")).isEqualTo("first loop");

            int http = context.getEnvironment().getProperty("local.server.port", Integer.class);
            ActuatorClient actuator = new ActuatorClient(http);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode body = actuator.get("/actuator/asyncore", 200);
                assertThat(body.at("/servers/echo/connections").asInt()).isEqualTo(CONNECTIONS);
                assertThat(body.at("/servers/single/connections").asInt()).isEqualTo(1);
                assertThat(body.at("/channels/connected").asInt()).isEqualTo(CONNECTIONS + 1);
                JsonNode loops = body.at("/loops");
                assertThat(loops.size()).isEqualTo(2);
                assertThat(loops.get(0).at("/loop/threadName").asString()).isEqualTo("asyncore-several-0");
                assertThat(loops.get(1).at("/loop/threadName").asString()).isEqualTo("asyncore-several-1");
                int connected0 = loops.get(0).at("/channels/connected").asInt();
                int connected1 = loops.get(1).at("/channels/connected").asInt();
                assertThat(connected0 + connected1).isEqualTo(CONNECTIONS + 1);
                assertThat(connected0).isPositive();
                assertThat(connected1).isPositive();
                assertThat(loops.get(1).at("/loop/running").asBoolean()).isTrue();
                assertThat(loops.get(1).at("/loop/passes").asLong()).isPositive();
            });
            JsonNode body = actuator.get("/actuator/asyncore", 200);
            System.out.println("asyncore.loop.threads=2: connected per loop "
                    + body.at("/loops/0/channels/connected").asInt() + " and "
                    + body.at("/loops/1/channels/connected").asInt());
            JsonNode health = actuator.get("/actuator/health", 200);
            assertThat(health.at("/components/asyncore/status").asString()).isEqualTo("UP");
            assertThat(health.at("/components/asyncore/details/loops/asyncore-several-1")
                            .asString())
                    .isEqualTo("running");
            assertThat(health.at("/components/asyncore/details/channels").asInt())
                    .isEqualTo(CONNECTIONS + 4);
            JsonNode passes = actuator.get("/actuator/metrics/asyncore.loop.passes?tag=loop:asyncore-several-1", 200);
            assertThat(passes.at("/measurements/0/value").asDouble()).isPositive();
            JsonNode channels = actuator.get("/actuator/metrics/asyncore.loop.channels", 200);
            List<String> loopTags = new ArrayList<>();
            channels.at("/availableTags").forEach((tag) -> {
                if ("loop".equals(tag.at("/tag").asString())) {
                    tag.at("/values").forEach((value) -> loopTags.add(value.asString()));
                }
            });
            assertThat(loopTags).containsExactlyInAnyOrder("asyncore-several-0", "asyncore-several-1");

            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            // the echo handlers of both loops half-close once nothing is pending; the clients then hang up
            for (SocketChannel client : clients) {
                assertThat(TestClients.closedByPeer(client)).isTrue();
                client.close();
            }
            closing.get(20, TimeUnit.SECONDS);
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
            context.close();
        }
        assertThat(output)
                .contains("Commencing graceful shutdown of asyncore loops 'asyncore-several-0', 'asyncore-several-1'")
                .contains("Graceful shutdown of asyncore loops 'asyncore-several-0', 'asyncore-several-1' complete");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !TestClients.threadAlive("asyncore-several-0")
                        && !TestClients.threadAlive("asyncore-several-1"));
    }

    @Test
    void aUnixDomainServerIsSpreadByHandingChannelsToTheLoops(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("echo.sock");
        try (ConfigurableApplicationContext context =
                start("asyncore.loop.threads=2", "asyncore.servers.unix.path=" + socket)) {
            AsyncLoopGroup group = context.getBean(AsyncLoopGroup.class);
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    SocketChannel client = TestClients.connect(UnixDomainSocketAddress.of(socket));
                    clients.add(client);
                    assertThat(TestClients.roundTrip(client, "unix " + i)).isEqualTo("unix " + i);
                }
                // one acceptor on the first loop, channels handed round-robin: two on each loop
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> group.loop(0).map().connected() == 2
                                && group.loop(1).map().connected() == 2);
                assertThat(context.getBean(AsyncoreServers.class).get("unix").connections())
                        .isEqualTo(4);
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void oneThreadKeepsTheThreadNameWithoutAnIndex() throws IOException {
        try (ConfigurableApplicationContext context = start("asyncore.loop.threads=1")) {
            assertThat(context.getBean(AsyncLoopGroup.class).size()).isEqualTo(1);
            assertThat(TestClients.threadAlive("asyncore-several")).isTrue();
        }
    }

    @Test
    void autoStartsALoopPerProcessor() {
        try (ConfigurableApplicationContext context = start("asyncore.loop.threads=auto")) {
            assertThat(context.getBean(AsyncLoopGroup.class).size())
                    .isEqualTo(Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void aBadThreadCountIsExplained(CapturedOutput output) {
        assertThatThrownBy(() -> start("asyncore.loop.threads=two")).isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property 'asyncore.loop.threads' has the value 'two', which cannot work: "
                        + "the number of loop threads is a number from 1 to 1024, or auto")
                .contains("Set asyncore.loop.threads to auto (one loop per available processor");
        assertThatThrownBy(() -> start("asyncore.loop.threads=0")).isNotNull();
        assertThat(output).contains("Property 'asyncore.loop.threads' has the value '0', which cannot work");
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties(
                        "asyncore.loop.thread-name=asyncore-several",
                        "asyncore.shutdown.timeout=10s",
                        "server.port=0",
                        "management.endpoints.web.exposure.include=health,asyncore,metrics",
                        "management.endpoint.health.show-details=always",
                        "spring.main.banner-mode=off")
                .properties(properties)
                .run();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
