package dev.asyncore.boot.it;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.UpperCaseHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Context close drains the loop: readiness refuses traffic, echo connections finish, stubborn ones are closed at the timeout. */
@ExtendWith(OutputCaptureExtension.class)
class GracefulShutdownTests {

    @Test
    void closeRefusesTrafficDrainsEchoConnectionsAndLogsTheOutcome(CapturedOutput output) throws Exception {
        ConfigurableApplicationContext context = start("asyncore.shutdown.timeout=10s");
        int port = context.getEnvironment().getProperty("local.asyncore.servers.echo.port", Integer.class);
        Readiness readiness = context.getBean(Readiness.class);
        SocketChannel client = TestClients.connect(port);
        try {
            assertThat(TestClients.roundTrip(client, "before shutdown")).isEqualTo("before shutdown");
            long started = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            // the echo handler half-closes once nothing is pending; the client sees end-of-stream, then hangs up
            assertThat(TestClients.closedByPeer(client)).isTrue();
            client.close();
            closing.get(8, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        } finally {
            client.close();
        }
        assertThat(readiness.states).contains(ReadinessState.REFUSING_TRAFFIC);
        assertThat(output)
                .contains("Commencing graceful shutdown of asyncore loop 'asyncore-graceful-loop'")
                .contains("Graceful shutdown of asyncore loop 'asyncore-graceful-loop' complete");
        await().atMost(Duration.ofSeconds(5)).until(() -> !TestClients.threadAlive("asyncore-graceful-loop"));
    }

    @Test
    void connectionsThatDoNotFinishAreClosedAtTheTimeout(CapturedOutput output) throws Exception {
        ConfigurableApplicationContext context =
                start("asyncore.shutdown.timeout=300ms", "asyncore.servers.echo.handler=upper");
        int port = context.getEnvironment().getProperty("local.asyncore.servers.echo.port", Integer.class);
        try (SocketChannel client = TestClients.connect(port)) {
            assertThat(TestClients.roundTrip(client, "stubborn")).isEqualTo("STUBBORN");
            context.close();
            assertThat(TestClients.closedByPeer(client)).isTrue();
        }
        assertThat(output).contains("Graceful shutdown of asyncore loop 'asyncore-graceful-loop' aborted after 300 ms");
        assertThat(TestClients.threadAlive("asyncore-graceful-loop")).isFalse();
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "asyncore.loop.thread-name=asyncore-graceful-loop",
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "spring.main.banner-mode=off")
                .properties(properties)
                .run();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        Readiness readiness() {
            return new Readiness();
        }

        @Bean
        @Scope("prototype")
        UpperCaseHandler upper(SocketChannel channel, dev.asyncore.DispatcherMap map) {
            return new UpperCaseHandler(channel, map);
        }
    }

    static class Readiness {

        final List<ReadinessState> states = new CopyOnWriteArrayList<>();

        @EventListener
        void on(AvailabilityChangeEvent<ReadinessState> event) {
            this.states.add(event.getState());
        }
    }
}
