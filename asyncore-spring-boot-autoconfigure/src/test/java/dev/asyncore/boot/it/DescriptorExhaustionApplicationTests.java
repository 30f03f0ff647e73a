package dev.asyncore.boot.it;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.asyncore.reliability.ExhaustedServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Boot application in a child JVM with {@code ulimit -n} set low gets bursts of connections past the limit: the echo
 * server keeps listening and backs off without spinning, health stays UP and says so, the failed accepts are counted on
 * {@code /actuator/asyncore} and in {@code asyncore.accept.errors}, one warning is logged per episode, and the connections
 * that waited in the backlog are served as soon as descriptors come back.
 */
class DescriptorExhaustionApplicationTests {

    private static final int LIMIT = 640;
    private static final int BURST = 640;
    private static final int BURSTS = 2;

    private ExhaustedServerProcess server;

    private Path output;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (output != null && Files.exists(output)) {
            List<String> lines = Files.readAllLines(output).stream()
                    .filter((l) -> !l.startsWith("STATS "))
                    .toList();
            System.out.println("last lines of the application's output:");
            lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(System.out::println);
        }
    }

    @Test
    void listenerSurvivesBurstsPastTheDescriptorLimit(@TempDir Path directory) throws Exception {
        output = directory.resolve("child.out");
        server = ExhaustedServerProcess.start(
                LIMIT,
                output,
                ExhaustionWebApplication.class.getName(),
                "--server.address=127.0.0.1 --server.port=0 --spring.main.banner-mode=off"
                        + " --asyncore.loop.thread-name=asyncore-exhausted --asyncore.servers.echo.address=127.0.0.1"
                        + " --asyncore.servers.echo.port=0 --asyncore.servers.echo.backlog=1024"
                        + " --management.endpoints.web.exposure.include=health,asyncore,metrics"
                        + " --management.endpoint.health.show-details=always");
        String[] ports = server.awaitLine("PORTS ", Duration.ofSeconds(90)).split(" ");
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(ports[0]));
        ActuatorClient actuator = new ActuatorClient(Integer.parseInt(ports[1]));
        assertThat(server.stats().acceptErrors()).isZero();

        for (int burst = 1; burst <= BURSTS; burst++) {
            int number = burst;
            server.runBurst(address, burst, BURST, (stats) -> {
                System.out.println("burst " + number + ": health while backing off: " + stats.health());
                assertThat(stats.health()).startsWith("UP {echo=accepting is backing off after failed accepts (");
            });
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(actuator.get("/actuator/health", 200)
                                    .at("/status")
                                    .asString())
                            .isEqualTo("UP"));
        }
        JsonNode asyncore = actuator.get("/actuator/asyncore", 200);
        JsonNode metric = actuator.get("/actuator/metrics/asyncore.accept.errors?tag=server:echo", 200);
        JsonNode health = actuator.get("/actuator/health", 200);
        System.out.println("after the bursts: /actuator/asyncore servers.echo " + asyncore.at("/servers/echo")
                + "; asyncore.accept.errors " + metric.at("/measurements/0/value") + "; health "
                + health.at("/components/asyncore"));
        assertThat(asyncore.at("/servers/echo/listening").asBoolean()).isTrue();
        assertThat(asyncore.at("/servers/echo/acceptErrors").asLong()).isGreaterThanOrEqualTo(BURSTS * 6L);
        assertThat(asyncore.at("/servers/echo/acceptBackingOff").asBoolean()).isFalse();
        assertThat(metric.at("/measurements/0/value").asDouble())
                .isEqualTo((double) asyncore.at("/servers/echo/acceptErrors").asLong());
        assertThat(health.at("/components/asyncore/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/asyncore/details/accepting").isMissingNode())
                .isTrue();

        server.assertOneLogLinePerEpisode(BURSTS);
    }
}
