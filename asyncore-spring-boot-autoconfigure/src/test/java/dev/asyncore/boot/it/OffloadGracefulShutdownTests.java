package dev.asyncore.boot.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.asyncore.Offload;
import dev.asyncore.boot.GatedLineHandler;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.handler.HandlerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown with offloaded calls in flight: a call that returns within {@code asyncore.shutdown.timeout} has its
 * reply flushed before the connection closes; one still running at the timeout has its connection closed without a reply
 * (nothing half-written) and its result dropped and counted.
 */
class OffloadGracefulShutdownTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aCallInFlightWhenShutdownBeginsHasItsReplyFlushedBeforeTheConnectionCloses() throws Exception {
        ConfigurableApplicationContext context = start("asyncore.shutdown.timeout=20s");
        GatedLineHandler.Gate gate = context.getBean(GatedLineHandler.Gate.class);
        AsyncoreServer server = context.getBean(AsyncoreServers.class).get("gated");
        Offload offload = server.offload();
        try (SocketChannel client = TestClients.connect(server.getPort())) {
            write(client, "finish me\n");
            await().atMost(WAIT).until(() -> offload.inFlight() == 1);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            await().atMost(WAIT).until(() -> !server.isListening());
            assertThat(closing).isNotDone();
            gate.open(1);
            assertThat(OffloadApplicationTests.readLines(client, 1)).containsExactly("FINISH ME");
            assertThat(TestClients.closedByPeer(client)).isTrue();
            closing.get();
        } finally {
            gate.openForGood();
            context.close();
        }
        assertThat(offload.dropped()).isZero();
        assertThat(offload.failed()).isZero();
    }

    @Test
    void aCallStillRunningAtTheTimeoutIsDroppedAndItsConnectionClosedWithoutAReply() throws Exception {
        ConfigurableApplicationContext context = start("asyncore.shutdown.timeout=300ms");
        GatedLineHandler.Gate gate = context.getBean(GatedLineHandler.Gate.class);
        AsyncoreServer server = context.getBean(AsyncoreServers.class).get("gated");
        Offload offload = server.offload();
        try (SocketChannel client = TestClients.connect(server.getPort())) {
            write(client, "too slow\n");
            await().atMost(WAIT).until(() -> offload.inFlight() == 1);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            ByteBuffer any = ByteBuffer.allocate(64);
            assertThat(client.read(any)).as("end of stream, no reply").isEqualTo(-1);
            // the call ends now; Spring's applicationTaskExecutor would otherwise hold the context's close for it
            gate.openForGood();
            closing.get();
        } finally {
            gate.openForGood();
            context.close();
        }
        // at least the call's own result; AsyncChat's graceful close counts a marker call of its own, dropped too
        await().atMost(WAIT).untilAsserted(() -> assertThat(offload.dropped()).isGreaterThanOrEqualTo(1));
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "asyncore.loop.thread-name=asyncore-offload-shutdown",
                        "asyncore.servers.gated.port=0",
                        "asyncore.servers.gated.address=127.0.0.1",
                        "asyncore.servers.gated.handler=gated",
                        "spring.main.banner-mode=off")
                .properties(properties)
                .run();
    }

    private static void write(SocketChannel client, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
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
    }
}
