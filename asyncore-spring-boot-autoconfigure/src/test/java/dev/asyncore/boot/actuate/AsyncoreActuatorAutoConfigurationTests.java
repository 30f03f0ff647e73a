package dev.asyncore.boot.actuate;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.autoconfigure.AsyncoreAutoConfiguration;
import dev.asyncore.boot.autoconfigure.AsyncoreEndpointAutoConfiguration;
import dev.asyncore.boot.autoconfigure.AsyncoreHealthContributorAutoConfiguration;
import dev.asyncore.boot.autoconfigure.AsyncoreMetricsAutoConfiguration;
import dev.asyncore.handler.HandlerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class AsyncoreActuatorAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AsyncoreAutoConfiguration.class,
                    AsyncoreEndpointAutoConfiguration.class,
                    AsyncoreHealthContributorAutoConfiguration.class,
                    AsyncoreMetricsAutoConfiguration.class,
                    ApplicationAvailabilityAutoConfiguration.class))
            .withPropertyValues(
                    "asyncore.loop.thread-name=asyncore-actuator-loop",
                    "asyncore.shutdown.timeout=1s",
                    "asyncore.servers.echo.port=0",
                    "asyncore.servers.echo.address=127.0.0.1",
                    "management.endpoints.web.exposure.include=asyncore");

    @Test
    void endpointHealthIndicatorAndMetricsAreCreatedWhenActuatorAndMicrometerArePresent() {
        this.runner.run((context) -> assertThat(context)
                .hasSingleBean(AsyncoreEndpoint.class)
                .hasSingleBean(AsyncoreMetrics.class)
                .hasBean("asyncoreHealthIndicator"));
    }

    @Test
    void endpointBacksOffWithoutActuator() {
        this.runner
                .withClassLoader(new FilteredClassLoader(Endpoint.class))
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(AsyncoreEndpoint.class)
                        .hasSingleBean(AsyncLoop.class));
    }

    @Test
    void endpointBacksOffWhenNotExposed() {
        this.runner
                .withPropertyValues("management.endpoints.web.exposure.include=health")
                .run((context) -> assertThat(context).doesNotHaveBean(AsyncoreEndpoint.class));
    }

    @Test
    void healthIndicatorBacksOffWithoutHealthSupport() {
        this.runner
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("asyncoreHealthIndicator"));
    }

    @Test
    void healthIndicatorBacksOffWhenDisabled() {
        this.runner
                .withPropertyValues("management.health.asyncore.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean("asyncoreHealthIndicator"));
    }

    @Test
    void metricsBackOffWithoutMicrometer() {
        this.runner
                .withClassLoader(new FilteredClassLoader(MeterBinder.class))
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(AsyncoreMetrics.class)
                        .hasSingleBean(AsyncLoop.class));
    }

    @Test
    void everyPartBacksOffWhenAsyncoreIsDisabled() {
        this.runner
                .withPropertyValues("asyncore.enabled=false")
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(AsyncoreEndpoint.class)
                        .doesNotHaveBean(AsyncoreMetrics.class)
                        .doesNotHaveBean("asyncoreHealthIndicator"));
    }

    @Test
    void everyPartBacksOffWithoutCore() {
        this.runner
                .withClassLoader(new FilteredClassLoader(AsyncLoop.class))
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(AsyncoreEndpoint.class)
                        .doesNotHaveBean(AsyncoreMetrics.class)
                        .doesNotHaveBean("asyncoreHealthIndicator"));
    }

    @Test
    void healthIsUpWhileTheLoopRunsAndEveryServerListens() {
        this.runner.run((context) -> {
            Health health = context.getBean("asyncoreHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("loop", "running").containsKey("servers");
        });
    }

    @Test
    void healthIsDownWhenAServerStopsListening() {
        this.runner.run((context) -> {
            AsyncLoop loop = context.getBean(AsyncLoop.class);
            dev.asyncore.boot.server.AsyncoreServer echo = context.getBean(
                            dev.asyncore.boot.server.AsyncoreServers.class)
                    .get("echo");
            loop.execute(echo::stop);
            HealthIndicator indicator = context.getBean("asyncoreHealthIndicator", HealthIndicator.class);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> indicator.health().getStatus().equals(Status.DOWN));
            assertThat(indicator.health().getDetails().get("servers"))
                    .asString()
                    .contains("echo=closed");
        });
    }

    @Test
    void loopThreadDeathTurnsHealthDownAndLivenessBrokenAndIsLoggedOnce(CapturedOutput output) {
        this.runner.run((context) -> {
            AsyncLoop loop = context.getBean(AsyncLoop.class);
            HealthIndicator indicator = context.getBean("asyncoreHealthIndicator", HealthIndicator.class);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            loop.execute(() -> {
                throw new AssertionError("simulated fatal loop error");
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> indicator.health().getStatus().equals(Status.DOWN));
            Health health = indicator.health();
            assertThat(health.getDetails()).containsEntry("loop", "died");
            assertThat(health.getDetails().get("error")).asString().contains("simulated fatal loop error");
            assertThat(context.getBean(ApplicationAvailability.class).getLivenessState())
                    .isEqualTo(LivenessState.BROKEN);
            assertThat(TestClients.threadAlive("asyncore-actuator-loop")).isFalse();
            assertThat(output.getAll().split("asyncore loop thread 'asyncore-actuator-loop' died", -1))
                    .hasSize(2);
        });
    }

    @Test
    void endpointReportsLoopChannelsAndServersAndOneServerBySelector() throws Exception {
        this.runner.run((context) -> {
            AsyncoreEndpoint endpoint = context.getBean(AsyncoreEndpoint.class);
            AsyncoreEndpoint.AsyncoreDescriptor before = endpoint.asyncore();
            assertThat(before.loop().threadName()).isEqualTo("asyncore-actuator-loop");
            assertThat(before.loop().running()).isTrue();
            assertThat(before.loop().dispatch()).isEqualTo("select");
            assertThat(before.channels().listening()).isEqualTo(1);
            int port = before.servers().get("echo").port();
            assertThat(before.servers().get("echo").address()).isEqualTo("127.0.0.1");
            try (var client = TestClients.connect(port)) {
                assertThat(TestClients.roundTrip(client, "abc")).isEqualTo("abc");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> endpoint.server("echo").connections() == 1);
                AsyncoreEndpoint.ServerDescriptor echo = endpoint.server("echo");
                assertThat(echo.accepted()).isEqualTo(1);
                assertThat(echo.listening()).isTrue();
                assertThat(echo.bytesReceived()).isEqualTo(3);
                assertThat(echo.bytesSent()).isEqualTo(3);
                assertThat(endpoint.asyncore().channels().total()).isEqualTo(2);
                assertThat(endpoint.asyncore().loop().passes()).isPositive();
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> endpoint.server("echo").connections() == 0);
            assertThat(endpoint.server("nope")).isNull();
        });
    }

    @Test
    void metricsCountChannelsConnectionsAndBytesPerServer() {
        this.runner.run((context) -> {
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(AsyncoreMetrics.class).bindTo(registry);
            int port = context.getBean(dev.asyncore.boot.server.AsyncoreServers.class)
                    .get("echo")
                    .getPort();
            try (var client = TestClients.connect(port)) {
                assertThat(TestClients.roundTrip(client, "12345")).isEqualTo("12345");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> registry.get("asyncore.channels")
                                        .tags("server", "echo", "state", "connected")
                                        .gauge()
                                        .value()
                                == 1.0);
                assertThat(registry.get("asyncore.channels")
                                .tags("server", "echo", "state", "listening")
                                .gauge()
                                .value())
                        .isEqualTo(1.0);
                assertThat(registry.get("asyncore.connections.accepted")
                                .tag("server", "echo")
                                .functionCounter()
                                .count())
                        .isEqualTo(1.0);
                assertThat(registry.get("asyncore.connections.rejected")
                                .tag("server", "echo")
                                .functionCounter()
                                .count())
                        .isZero();
                assertThat(registry.get("asyncore.bytes.received")
                                .tag("server", "echo")
                                .functionCounter()
                                .count())
                        .isEqualTo(5.0);
                assertThat(registry.get("asyncore.bytes.sent")
                                .tag("server", "echo")
                                .functionCounter()
                                .count())
                        .isEqualTo(5.0);
                assertThat(registry.get("asyncore.channels")
                                .tags("server", AsyncoreMetrics.NO_SERVER, "state", "connected")
                                .gauge()
                                .value())
                        .isZero();
                assertThat(registry.get("asyncore.loop.passes")
                                .functionCounter()
                                .count())
                        .isPositive();
            }
        });
    }

    @Test
    void slowConsumersClosedOverTheOutputBudgetAreShownByTheEndpointAndTheMetrics() {
        byte[] chunk = new byte[512 * 1024];
        this.runner
                .withBean("flood", HandlerFactory.class, () -> (channel, peer, map) -> new Flooder(channel, map, chunk))
                .withPropertyValues(
                        "asyncore.servers.echo.handler=flood",
                        "asyncore.servers.echo.send-buffer-size=8KB",
                        "asyncore.servers.echo.max-queued-bytes=1MB")
                .run((context) -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(AsyncoreMetrics.class).bindTo(registry);
                    AsyncoreEndpoint endpoint = context.getBean(AsyncoreEndpoint.class);
                    assertThat(endpoint.server("echo").output().maxQueuedBytes())
                            .isEqualTo(1 << 20);
                    assertThat(registry.get("asyncore.output.budget")
                                    .tag("server", "echo")
                                    .gauge()
                                    .value())
                            .isEqualTo(1 << 20);
                    try (Socket client = new Socket()) {
                        client.setReceiveBufferSize(4 * 1024);
                        client.connect(new InetSocketAddress(
                                "127.0.0.1", endpoint.server("echo").port()));
                        for (int i = 0;
                                i < 8 && endpoint.server("echo").output().slowConsumerDrops() == 0;
                                i++) {
                            client.getOutputStream().write('x');
                            int sent = i + 1;
                            await().atMost(Duration.ofSeconds(10))
                                    .until(() ->
                                            endpoint.server("echo").output().slowConsumerDrops() > 0
                                                    || endpoint.server("echo").bytesReceived() >= sent);
                        }
                        await().atMost(Duration.ofSeconds(10))
                                .until(() -> endpoint.server("echo").output().slowConsumerDrops() == 1);
                    }
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> endpoint.server("echo").connections() == 0);
                    assertThat(endpoint.server("echo").output().queuedBytes()).isZero();
                    assertThat(registry.get("asyncore.output.slow-consumer-drops")
                                    .tag("server", "echo")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get("asyncore.output.queued")
                                    .tag("server", "echo")
                                    .gauge()
                                    .value())
                            .isZero();
                });
    }

    /** Queues a chunk through {@link DispatcherWithSend}'s buffer for each byte it receives. */
    private static final class Flooder extends DispatcherWithSend {

        private final byte[] chunk;

        Flooder(SocketChannel channel, DispatcherMap map, byte[] chunk) {
            super(channel, map);
            this.chunk = chunk;
        }

        @Override
        public void handleRead() throws Exception {
            if (recv(1).length > 0) {
                send(chunk);
            }
        }
    }

    @Test
    void refusedConnectionsAreCountedByReasonInTheEndpointAndTheMetric() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.proxy-protocol=true",
                        "asyncore.servers.echo.proxy-protocol-timeout=200ms",
                        "asyncore.servers.echo.deny=10.0.0.0/8")
                .run((context) -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(AsyncoreMetrics.class).bindTo(registry);
                    AsyncoreEndpoint endpoint = context.getBean(AsyncoreEndpoint.class);
                    int port = endpoint.server("echo").port();
                    try (var noHeader = TestClients.connect(port);
                            var denied = TestClients.connect(port);
                            var silent = TestClients.connect(port)) {
                        noHeader.write(java.nio.ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
                        denied.write(java.nio.ByteBuffer.wrap(
                                "PROXY TCP4 10.1.2.3 127.0.0.1 5000 7\r\n".getBytes(StandardCharsets.US_ASCII)));
                        assertThat(TestClients.closedByPeer(noHeader)).isTrue();
                        assertThat(TestClients.closedByPeer(denied)).isTrue();
                        assertThat(TestClients.closedByPeer(silent)).isTrue();
                    }
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        AsyncoreEndpoint.ServerDescriptor echo = endpoint.server("echo");
                        assertThat(echo.proxyProtocol()).isTrue();
                        assertThat(echo.refused()).isEqualTo(new AsyncoreEndpoint.RefusedDescriptor(1, 1, 1, 0, 0));
                        assertThat(echo.accepted()).isZero();
                    });
                    for (String reason : new String[] {"proxy-header", "proxy-header-timeout", "denied"}) {
                        assertThat(registry.get("asyncore.connections.refused")
                                        .tags("server", "echo", "reason", reason)
                                        .functionCounter()
                                        .count())
                                .as(reason)
                                .isEqualTo(1.0);
                    }
                });
    }

    @Test
    void untrustedProxiesAndPerAddressRefusalsAreCountedInTheEndpointAndTheMetric() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.proxy-protocol=true",
                        "asyncore.servers.echo.proxy-protocol-trusted=10.0.0.0/8",
                        "asyncore.servers.open.port=0",
                        "asyncore.servers.open.address=127.0.0.1",
                        "asyncore.servers.open.max-connections-per-address=1")
                .run((context) -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(AsyncoreMetrics.class).bindTo(registry);
                    AsyncoreEndpoint endpoint = context.getBean(AsyncoreEndpoint.class);
                    try (var untrusted =
                                    TestClients.connect(endpoint.server("echo").port());
                            var first =
                                    TestClients.connect(endpoint.server("open").port());
                            var second =
                                    TestClients.connect(endpoint.server("open").port())) {
                        assertThat(TestClients.closedByPeer(untrusted)).isTrue();
                        assertThat(TestClients.closedByPeer(second)).isTrue();
                        assertThat(first.isOpen()).isTrue();
                    }
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(endpoint.server("echo").refused())
                                .isEqualTo(new AsyncoreEndpoint.RefusedDescriptor(0, 0, 0, 1, 0));
                        assertThat(endpoint.server("open").refused())
                                .isEqualTo(new AsyncoreEndpoint.RefusedDescriptor(0, 0, 0, 0, 1));
                    });
                    assertThat(registry.get("asyncore.connections.refused")
                                    .tags("server", "echo", "reason", "untrusted-proxy")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get("asyncore.connections.refused")
                                    .tags("server", "open", "reason", "max-connections-per-address")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                });
    }
}
