package dev.asyncore.boot.autoconfigure;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.Offload;
import dev.asyncore.boot.GatedLineHandler;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.actuate.AsyncoreMetrics;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.handler.HandlerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code asyncore.offload.*}, {@code asyncore.servers.<name>.offload.*} and {@code asyncore.loop.blocked-warning}: each TCP
 * server gets an offload of its own on the executor the settings choose (Spring Boot's {@code applicationTaskExecutor}
 * where the application has one), bad values fail startup naming the property, and calls really run on that executor.
 */
class AsyncoreOffloadAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncoreAutoConfiguration.class))
            .withUserConfiguration(GatedHandlerConfiguration.class)
            .withPropertyValues(
                    "asyncore.loop.thread-name=asyncore-offload-acr-loop",
                    "asyncore.shutdown.timeout=1s",
                    "asyncore.servers.gated.port=0",
                    "asyncore.servers.gated.address=127.0.0.1",
                    "asyncore.servers.gated.handler=gated");

    @Test
    void withoutAnApplicationTaskExecutorEachServerUsesAsyncoresOwnExecutor() {
        this.runner
                .withPropertyValues("asyncore.servers.other.port=0", "asyncore.servers.other.handler=echo")
                .run((context) -> {
                    AsyncoreServer gated = server(context, "gated");
                    AsyncoreServer other = server(context, "other");
                    assertThat(gated.offload()).isNotNull().isNotSameAs(other.offload());
                    assertThat(gated.offloadExecutor()).isEqualTo("asyncore");
                    assertThat(other.offloadExecutor()).isEqualTo("asyncore");
                    assertThat(roundTripOnGate(context)).isEqualTo("HELLO");
                });
    }

    @Test
    void autoPicksSpringBootsApplicationTaskExecutorWhenThereIsOne() {
        this.runner
                .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
                .run((context) -> {
                    assertThat(context).hasBean("applicationTaskExecutor");
                    assertThat(server(context, "gated").offloadExecutor()).isEqualTo("applicationTaskExecutor");
                    assertThat(roundTripOnGate(context)).isEqualTo("HELLO");
                    assertThat(gate(context).lastCaller().getName()).startsWith("task-");
                });
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void virtualThreadsOfSpringBootReachTheOffload() {
        this.runner
                .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
                .withPropertyValues("spring.threads.virtual.enabled=true")
                .run((context) -> {
                    assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(SimpleAsyncTaskExecutor.class);
                    assertThat(server(context, "gated").offloadExecutor()).isEqualTo("applicationTaskExecutor");
                    assertThat(roundTripOnGate(context)).isEqualTo("HELLO");
                    // Thread.isVirtual() is Java 21 API and this module compiles for 17: a virtual thread names its
                    // class
                    assertThat(gate(context).lastCaller().toString()).startsWith("VirtualThread");
                });
    }

    @Test
    void asyncoreKeepsAsyncoresOwnExecutorBesideAnApplicationTaskExecutor() {
        this.runner
                .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
                .withPropertyValues("asyncore.offload.executor=asyncore")
                .run((context) -> {
                    assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
                    assertThat(server(context, "gated").offloadExecutor()).isEqualTo("asyncore");
                    assertThat(roundTripOnGate(context)).isEqualTo("HELLO");
                    assertThat(gate(context).lastCaller().getName()).doesNotStartWith("task-");
                });
    }

    @Test
    void applicationRequiresAnApplicationTaskExecutor() {
        this.runner
                .withPropertyValues("asyncore.offload.executor=application")
                .run((context) -> assertInvalid(context, "asyncore.offload.executor", "applicationTaskExecutor"));
    }

    @Test
    void aBeanNameSelectsThatExecutor() {
        this.runner
                .withUserConfiguration(NamedExecutorConfiguration.class)
                .withPropertyValues("asyncore.offload.executor=kvCalls")
                .run((context) -> {
                    assertThat(server(context, "gated").offloadExecutor()).isEqualTo("kvCalls");
                    assertThat(roundTripOnGate(context)).isEqualTo("HELLO");
                    assertThat(gate(context).lastCaller().getName()).isEqualTo("kv-calls");
                });
    }

    @Test
    void anUnknownExecutorNameFailsStartupListingTheExecutorBeans() {
        this.runner
                .withUserConfiguration(NamedExecutorConfiguration.class)
                .withPropertyValues("asyncore.offload.executor=nope")
                .run((context) -> {
                    assertInvalid(context, "asyncore.offload.executor", "kvCalls");
                    InvalidAsyncorePropertyException invalid =
                            (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
                    assertThat(invalid.getAction()).doesNotContain("asyncoreLoop");
                });
    }

    @Test
    void theLoopItselfIsRefusedAsTheExecutor() {
        this.runner
                .withPropertyValues("asyncore.offload.executor=asyncoreLoop")
                .run((context) -> assertInvalid(context, "asyncore.offload.executor", "is an asyncore loop"));
    }

    @Test
    void limitsBelowOneFailStartupNamingTheProperty() {
        this.runner
                .withPropertyValues("asyncore.offload.max-in-flight=0")
                .run((context) -> assertInvalid(context, "asyncore.offload.max-in-flight", "'0'"));
        this.runner
                .withPropertyValues("asyncore.offload.max-in-flight-per-connection=0")
                .run((context) -> assertInvalid(context, "asyncore.offload.max-in-flight-per-connection", "'0'"));
        this.runner
                .withPropertyValues("asyncore.offload.max-waiting=-1")
                .run((context) -> assertInvalid(context, "asyncore.offload.max-waiting", "'-1'"));
    }

    @Test
    void aServersOwnLimitsWinOverTheDefaults() {
        this.runner
                .withPropertyValues(
                        "asyncore.offload.max-in-flight=32",
                        "asyncore.offload.max-waiting=7",
                        "asyncore.offload.interrupt-on-close=true",
                        "asyncore.servers.gated.offload.max-in-flight-per-connection=1",
                        "asyncore.servers.gated.offload.max-in-flight=4",
                        "asyncore.servers.other.port=0",
                        "asyncore.servers.other.handler=echo")
                .run((context) -> {
                    Offload gated = server(context, "gated").offload();
                    assertThat(gated.maxInFlightPerDispatcher()).isEqualTo(1);
                    assertThat(gated.maxInFlight()).isEqualTo(4);
                    assertThat(gated.maxWaiting()).isEqualTo(7);
                    assertThat(gated.interruptOnClose()).isTrue();
                    assertThat(gated.name()).isEqualTo("gated");
                    Offload other = server(context, "other").offload();
                    assertThat(other.maxInFlightPerDispatcher()).isEqualTo(16);
                    assertThat(other.maxInFlight()).isEqualTo(32);
                    assertThat(other.executor()).isSameAs(gated.executor());
                });
    }

    @Test
    void aServersOwnLimitIsReportedUnderItsOwnName() {
        this.runner
                .withPropertyValues("asyncore.servers.gated.offload.max-in-flight=-3")
                .run((context) -> assertInvalid(context, "asyncore.servers.gated.offload.max-in-flight", "'-3'"));
    }

    @Test
    void aBadValueIsReportedBeforeAnyBeanIsLookedUp() {
        // an unknown handler and an unknown executor, which only a bean lookup finds out, and a limit that cannot work:
        // the values are checked first, so the report names the limit
        this.runner
                .withPropertyValues(
                        "asyncore.offload.executor=nope",
                        "asyncore.servers.other.port=0",
                        "asyncore.servers.other.handler=nope",
                        "asyncore.servers.other.offload.max-waiting=-1")
                .run((context) -> assertInvalid(context, "asyncore.servers.other.offload.max-waiting", "'-1'"));
    }

    @Test
    void aBlankExecutorFailsStartup() {
        this.runner
                .withPropertyValues("asyncore.offload.executor= ")
                .run((context) -> assertInvalid(context, "asyncore.offload.executor", "auto"));
    }

    @Test
    void blockedWarningReachesEveryLoopAndZeroTurnsItOff() {
        this.runner.run((context) -> assertThat(context.getBean(AsyncLoop.class).blockedWarning())
                .isEqualTo(AsyncLoop.DEFAULT_BLOCKED_WARNING));
        this.runner
                .withPropertyValues("asyncore.loop.blocked-warning=250ms", "asyncore.loop.threads=2")
                .run((context) -> {
                    for (AsyncLoop loop : context.getBean(AsyncLoopGroup.class)) {
                        assertThat(loop.blockedWarning()).isEqualTo(Duration.ofMillis(250));
                    }
                });
        this.runner
                .withPropertyValues("asyncore.loop.blocked-warning=0")
                .run((context) -> assertThat(context.getBean(AsyncLoop.class).blockedWarning())
                        .isEqualTo(Duration.ZERO));
    }

    @Test
    void aNegativeBlockedWarningFailsStartup() {
        this.runner
                .withPropertyValues("asyncore.loop.blocked-warning=-1ms")
                .run((context) -> assertInvalid(context, "asyncore.loop.blocked-warning", "0"));
    }

    @Test
    void theOffloadCountsTheServersCalls() {
        this.runner.run((context) -> {
            Offload offload = server(context, "gated").offload();
            assertThat(roundTripOnGate(context)).isEqualTo("HELLO");
            // the reply is pushed before the offload counts the call done
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(offload.completed()).isEqualTo(1));
            assertThat(offload.inFlight()).isZero();
            assertThat(offload.maxInFlight()).isEqualTo(256);
        });
    }

    @Test
    void aServerSpreadOverSeveralLoopsGivesItsOffloadToTheConnectionsOfEveryLoop() {
        this.runner.withPropertyValues("asyncore.loop.threads=2").run((context) -> {
            AsyncoreServer gated = server(context, "gated");
            assertThat(gated.isSpread()).isTrue();
            GatedLineHandler.Gate gate = gate(context);
            gate.openForGood();
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    SocketChannel client = TestClients.connect(gated.getPort());
                    clients.add(client);
                    assertThat(TestClients.roundTrip(client, "line " + i + "\n").trim())
                            .isEqualTo("LINE " + i);
                }
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
            // every call went through the server's offload, whichever loop its connection was on
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(gated.offload().completed()).isEqualTo(8));
        });
    }

    @Test
    void metersTagTheOffloadsByServerAndTheBlockedEpisodesByLoop() {
        this.runner
                .withConfiguration(AutoConfigurations.of(AsyncoreMetricsAutoConfiguration.class))
                .run((context) -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(AsyncoreMetrics.class).bindTo(registry);
                    assertThat(roundTripOnGate(context)).isEqualTo("HELLO");
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(registry.get("asyncore.offload.calls")
                                            .tags("server", "gated", "outcome", "success")
                                            .timer()
                                            .count())
                                    .isEqualTo(1));
                    assertThat(registry.get("asyncore.offload.calls")
                                    .tags("server", "gated", "outcome", "failure")
                                    .timer()
                                    .count())
                            .isZero();
                    assertThat(registry.get("asyncore.offload.in-flight")
                                    .tag("server", "gated")
                                    .gauge()
                                    .value())
                            .isZero();
                    assertThat(registry.get("asyncore.offload.waiting")
                                    .tag("server", "gated")
                                    .gauge()
                                    .value())
                            .isZero();
                    assertThat(registry.get("asyncore.offload.rejected")
                                    .tag("server", "gated")
                                    .functionCounter()
                                    .count())
                            .isZero();
                    assertThat(registry.get("asyncore.offload.dropped")
                                    .tag("server", "gated")
                                    .functionCounter()
                                    .count())
                            .isZero();
                    assertThat(registry.get("asyncore.loop.blocked")
                                    .tag("loop", "asyncore-offload-acr-loop")
                                    .timer()
                                    .count())
                            .isZero();
                });
    }

    private static String roundTripOnGate(AssertableApplicationContext context) throws Exception {
        assertThat(context).hasNotFailed();
        gate(context).open(1);
        try (SocketChannel client = TestClients.connect(server(context, "gated").getPort())) {
            return TestClients.roundTrip(client, "hello\n").trim();
        }
    }

    private static GatedLineHandler.Gate gate(AssertableApplicationContext context) {
        return context.getBean(GatedLineHandler.Gate.class);
    }

    private static AsyncoreServer server(AssertableApplicationContext context, String name) {
        assertThat(context).hasNotFailed();
        return context.getBean(AsyncoreServers.class).get(name);
    }

    /** Startup failed on {@code property}; {@code inReport} is in the message or the action (the failure analysis). */
    private static void assertInvalid(AssertableApplicationContext context, String property, String inReport) {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure())
                .rootCause()
                .isInstanceOf(InvalidAsyncorePropertyException.class)
                .hasMessageContaining(property);
        InvalidAsyncorePropertyException invalid =
                (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
        assertThat(invalid.getProperty()).isEqualTo(property);
        assertThat(invalid.getMessage() + " " + invalid.getAction()).contains(inReport);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Configuration(proxyBeanMethods = false)
    static class GatedHandlerConfiguration {

        @Bean
        GatedLineHandler.Gate gate() {
            return new GatedLineHandler.Gate();
        }

        @Bean
        HandlerFactory gated(GatedLineHandler.Gate gate) {
            return GatedLineHandler.factory(gate);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NamedExecutorConfiguration {

        @Bean(destroyMethod = "shutdownNow")
        ExecutorService kvCalls() {
            return Executors.newSingleThreadExecutor((task) -> new Thread(task, "kv-calls"));
        }

        @Bean
        Executor unrelated() {
            return Runnable::run;
        }
    }
}
