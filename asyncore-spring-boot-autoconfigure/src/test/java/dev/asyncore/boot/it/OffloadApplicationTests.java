package dev.asyncore.boot.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.GatedLineHandler;
import dev.asyncore.boot.TestClients;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.HandlerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Boot web application whose server offloads its calls, over real sockets and real HTTP: while calls wait,
 * {@code /actuator/asyncore} shows them in flight on Spring Boot's {@code applicationTaskExecutor}; once they return, the
 * replies come in order and the {@code asyncore.offload.*} meters count them by server. A handler that sleeps on the loop
 * shows up as the loop's last blocked episode and in {@code asyncore.loop.blocked}.
 */
@SpringBootTest(
        classes = OffloadApplicationTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "asyncore.loop.thread-name=asyncore-offload-it",
            "asyncore.loop.blocked-warning=100ms",
            "asyncore.shutdown.timeout=1s",
            "asyncore.servers.gated.address=127.0.0.1",
            "asyncore.servers.gated.port=0",
            "asyncore.servers.gated.handler=gated",
            "asyncore.servers.sleepy.address=127.0.0.1",
            "asyncore.servers.sleepy.port=0",
            "asyncore.servers.sleepy.handler=sleepy",
            "management.endpoints.web.exposure.include=asyncore,metrics"
        })
class OffloadApplicationTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Value("${local.server.port}")
    int httpPort;

    @Value("${local.asyncore.servers.gated.port}")
    int gatedPort;

    @Value("${local.asyncore.servers.sleepy.port}")
    int sleepyPort;

    @Autowired
    GatedLineHandler.Gate gate;

    @Test
    void endpointAndMetricsShowTheServersOffloadedCalls() throws Exception {
        try (SocketChannel client = TestClients.connect(this.gatedPort)) {
            write(client, "one\ntwo\nthree\n");
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode offload = get("/actuator/asyncore/gated").at("/offload");
                assertThat(offload.at("/inFlight").asInt()).isEqualTo(3);
                assertThat(offload.at("/executor").asString()).isEqualTo("applicationTaskExecutor");
            });
            assertThat(get("/actuator/metrics/asyncore.offload.in-flight?tag=server:gated")
                            .at("/measurements/0/value")
                            .asDouble())
                    .isEqualTo(3.0);
            this.gate.open(3);
            assertThat(readLines(client, 3)).containsExactly("ONE", "TWO", "THREE");
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode offload = get("/actuator/asyncore").at("/servers/gated/offload");
                assertThat(offload.at("/inFlight").asInt()).isZero();
                assertThat(offload.at("/completed").asLong()).isEqualTo(3);
                assertThat(offload.at("/failed").asLong()).isZero();
                assertThat(offload.at("/rejected").asLong()).isZero();
                assertThat(offload.at("/dropped").asLong()).isZero();
            });
        }
        JsonNode calls = get("/actuator/metrics/asyncore.offload.calls?tag=server:gated&tag=outcome:success");
        assertThat(statistic(calls, "COUNT")).isEqualTo(3.0);
        assertThat(tagValues(get("/actuator/metrics/asyncore.offload.calls"), "outcome"))
                .contains("success", "failure");
        assertThat(tagValues(get("/actuator/metrics/asyncore.offload.rejected"), "server"))
                .contains("gated", "sleepy");
        get("/actuator/metrics/asyncore.offload.dropped?tag=server:gated");
        get("/actuator/metrics/asyncore.offload.waiting?tag=server:gated");
    }

    @Test
    void aHandlerThatSleepsOnTheLoopIsItsLastBlockedEpisode() throws Exception {
        try (SocketChannel client = TestClients.connect(this.sleepyPort)) {
            write(client, "nap\n");
            assertThat(readLines(client, 1)).containsExactly("slept");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode loop = get("/actuator/asyncore").at("/loop");
            assertThat(loop.at("/blocked").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(loop.at("/lastBlocked/handler").asString()).contains(SleepyHandler.class.getName());
            assertThat(loop.at("/lastBlocked/durationMillis").asLong()).isGreaterThanOrEqualTo(100);
            assertThat(loop.at("/lastBlocked/at").isMissingNode()).isFalse();
        });
        JsonNode blocked = get("/actuator/metrics/asyncore.loop.blocked?tag=loop:asyncore-offload-it");
        assertThat(statistic(blocked, "COUNT")).isGreaterThanOrEqualTo(1.0);
        assertThat(statistic(blocked, "MAX")).isGreaterThanOrEqualTo(0.1);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return new ActuatorClient(this.httpPort).get(path, 200);
    }

    private static double statistic(JsonNode metric, String name) {
        for (JsonNode measurement : metric.at("/measurements")) {
            if (name.equals(measurement.at("/statistic").asString())) {
                return measurement.at("/value").asDouble();
            }
        }
        throw new AssertionError("no " + name + " in " + metric);
    }

    private static List<String> tagValues(JsonNode metric, String tag) {
        List<String> values = new ArrayList<>();
        metric.at("/availableTags").forEach((each) -> {
            if (tag.equals(each.at("/tag").asString())) {
                each.at("/values").forEach((value) -> values.add(value.asString()));
            }
        });
        return values;
    }

    private static void write(SocketChannel client, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    /** Reads {@code n} lines (blocking channel; the test's connections answer or close). */
    static List<String> readLines(SocketChannel client, int n) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (lines.size() < n) {
            one.clear();
            if (client.read(one) < 0) {
                throw new IOException("end of stream after " + lines + " and '" + line + "'");
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                lines.add(line.toString());
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
        return lines;
    }

    /** Sleeps 300 ms on the loop for each line: what the watchdog is there to report. Loop thread. */
    static final class SleepyHandler extends AsyncChat {

        SleepyHandler(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
            setTerminator(new byte[] {'\n'});
        }

        @Override
        protected void collectIncomingData(byte[] data) {}

        @Override
        protected void foundTerminator() throws InterruptedException {
            Thread.sleep(300);
            push("slept\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        GatedLineHandler.Gate gate() {
            return new GatedLineHandler.Gate();
        }

        @Bean
        HandlerFactory gated(GatedLineHandler.Gate gate) {
            return GatedLineHandler.factory(gate);
        }

        @Bean
        HandlerFactory sleepy() {
            return (channel, peer, map) -> new SleepyHandler(channel, map);
        }
    }
}
