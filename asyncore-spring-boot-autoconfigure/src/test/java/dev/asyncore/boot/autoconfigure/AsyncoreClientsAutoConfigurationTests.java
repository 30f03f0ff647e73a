package dev.asyncore.boot.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.boot.actuate.AsyncoreClientMetrics;
import dev.asyncore.boot.client.AsyncoreClient;
import dev.asyncore.boot.client.AsyncoreClients;
import dev.asyncore.boot.client.AsyncoreClientsLifecycle;
import dev.asyncore.boot.context.AsyncorePortInfoApplicationContextInitializer;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.UnknownSslBundleException;
import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ClientHandlerFactory;
import dev.asyncore.handler.ClientState;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.testing.LoopbackServer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Clients declared under asyncore.clients: bound, connected, shown in health and meters, validated, stopped. */
class AsyncoreClientsAutoConfigurationTests {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AsyncoreAutoConfiguration.class,
                    AsyncoreClientsAutoConfiguration.class,
                    SslAutoConfiguration.class))
            .withUserConfiguration(Handlers.class)
            .withPropertyValues("asyncore.loop.thread-name=asyncore-clients-acr", "asyncore.shutdown.timeout=2s");

    private LoopbackServer upstream;

    @AfterEach
    void closeUpstream() {
        if (this.upstream != null) {
            this.upstream.close();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Handlers {

        final List<Dispatcher> made = new CopyOnWriteArrayList<>();

        @Bean
        ClientHandlerFactory probeHandler() {
            return (channel, address, map) -> {
                Dispatcher d = new EchoHandler(channel, map);
                this.made.add(d);
                return d;
            };
        }
    }

    private String upstreamPort() {
        this.upstream = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
        return String.valueOf(this.upstream.port());
    }

    private static AsyncoreClient client(AssertableApplicationContext context, String name) {
        return context.getBean(AsyncoreClients.class).all().get(name);
    }

    private static Health health(AssertableApplicationContext context, String name) {
        CompositeHealthContributor composite =
                context.getBean("asyncoreClientsHealthContributor", CompositeHealthContributor.class);
        return ((HealthIndicator) composite.getContributor(name)).health(true);
    }

    @Test
    void aDeclaredClientConnectsWhenTheContextStartsAndShowsInHealthAndMeters() {
        String port = upstreamPort();
        this.runner
                .withPropertyValues(
                        "asyncore.clients.probe.host=127.0.0.1",
                        "asyncore.clients.probe.port=" + port,
                        "asyncore.clients.probe.handler=probeHandler")
                .run((context) -> {
                    assertThat(context)
                            .hasSingleBean(AsyncoreClients.class)
                            .hasSingleBean(AsyncoreClientsLifecycle.class);
                    AsyncoreClient probe = client(context, "probe");
                    await().until(probe::isConnected);
                    assertThat(context.getBean(Handlers.class).made).hasSize(1);
                    assertThat(probe.isReadiness()).isTrue();
                    Health health = health(context, "probe");
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails())
                            .containsEntry("state", "CONNECTED")
                            .containsEntry("address", "127.0.0.1:" + port)
                            .containsKey("connectedSince");

                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(AsyncoreClientMetrics.class).bindTo(registry);
                    assertThat(registry.get("asyncore.client.connects")
                                    .tags("client", "probe", "outcome", "success")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get("asyncore.client.connected")
                                    .tag("client", "probe")
                                    .gauge()
                                    .value())
                            .isEqualTo(1.0);
                    assertThat(registry.get("asyncore.client.reconnects")
                                    .tag("client", "probe")
                                    .functionCounter()
                                    .count())
                            .isZero();
                });
    }

    @Test
    void aClientIsUnknownWhileItsFirstAttemptIsUnderWayThenDownOnceItFails() throws IOException {
        List<Socket> fillers = new CopyOnWriteArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK)) {
            InetSocketAddress target = new InetSocketAddress(LOOPBACK, full.getLocalPort());
            // a listener that never accepts, its accept queue full: a connect to it neither completes nor is refused
            for (int i = 0; i < 16 && fillers.size() == i; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(target, 500);
                    fillers.add(filler);
                } catch (IOException queueFull) {
                    filler.close();
                }
            }
            this.runner
                    .withPropertyValues(
                            "asyncore.clients.probe.host=127.0.0.1",
                            "asyncore.clients.probe.port=" + target.getPort(),
                            "asyncore.clients.probe.handler=probeHandler",
                            "asyncore.clients.probe.connect-timeout=5s",
                            "asyncore.clients.probe.reconnect.enabled=false")
                    .run((context) -> {
                        AsyncoreClient probe = client(context, "probe");
                        await().until(() -> probe.status().state() == ClientState.CONNECTING);
                        // the connect times out after 5 s: read now, the first attempt is still under way
                        assertThat(health(context, "probe").getStatus()).isEqualTo(Status.UNKNOWN);
                        await().atMost(Duration.ofSeconds(20))
                                .until(() -> probe.status().state() == ClientState.STOPPED);
                        assertThat(health(context, "probe").getStatus()).isEqualTo(Status.DOWN);
                    });
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void anUpstreamDownAtStartIsDownWithTheErrorThenUpOnceItListens() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        int upstreamPort = port;
        this.runner
                .withPropertyValues(
                        "asyncore.clients.probe.host=127.0.0.1",
                        "asyncore.clients.probe.port=" + port,
                        "asyncore.clients.probe.handler=probeHandler",
                        "asyncore.clients.probe.reconnect.initial-delay=1s",
                        "asyncore.clients.probe.reconnect.multiplier=1",
                        "asyncore.clients.probe.reconnect.jitter=0")
                .run((context) -> {
                    AsyncoreClient probe = client(context, "probe");
                    // read while it waits for its next attempt (a second each time): one health reading, checked whole
                    await().untilAsserted(() -> {
                        Health down = health(context, "probe");
                        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(down.getDetails()).containsKeys("lastError", "nextAttempt", "address");
                        assertThat((String) down.getDetails().get("lastError")).contains("ConnectException");
                    });
                    assertThat(probe.status().reconnects()).isPositive();

                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(AsyncoreClientMetrics.class).bindTo(registry);
                    assertThat(registry.get("asyncore.client.connects")
                                    .tags("client", "probe", "outcome", "refused")
                                    .functionCounter()
                                    .count())
                            .isGreaterThanOrEqualTo(1.0);

                    try (ServerSocket server = new ServerSocket()) {
                        server.setReuseAddress(true);
                        server.bind(new InetSocketAddress(LOOPBACK, upstreamPort));
                        await().until(() -> health(context, "probe").getStatus().equals(Status.UP));
                        assertThat(registry.get("asyncore.client.reconnects")
                                        .tag("client", "probe")
                                        .functionCounter()
                                        .count())
                                .isGreaterThanOrEqualTo(1.0);
                    }
                });
    }

    @Test
    void closingTheContextWhileReconnectingStopsTheClientAndTheLoop() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        AsyncoreClient[] seen = new AsyncoreClient[1];
        AsyncLoop[] loop = new AsyncLoop[1];
        this.runner
                .withPropertyValues(
                        "asyncore.clients.probe.host=127.0.0.1",
                        "asyncore.clients.probe.port=" + port,
                        "asyncore.clients.probe.handler=probeHandler",
                        "asyncore.clients.probe.reconnect.initial-delay=1h",
                        "asyncore.clients.probe.reconnect.max-delay=1h")
                .run((context) -> {
                    seen[0] = client(context, "probe");
                    loop[0] = context.getBean(AsyncLoop.class);
                    await().until(() -> seen[0].status().state() == ClientState.WAITING);
                });
        assertThat(seen[0].status().state()).isEqualTo(ClientState.STOPPED);
        assertThat(seen[0].status().nextAttempt()).isNull();
        assertThat(loop[0].isTerminated()).isTrue();
        assertThat(loop[0].map().isEmpty()).isTrue();
    }

    @Test
    void closingTheContextClosesTheConnectionGracefully() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            Socket[] accepted = new Socket[1];
            this.runner
                    .withPropertyValues(
                            "asyncore.clients.probe.host=127.0.0.1",
                            "asyncore.clients.probe.port=" + server.getLocalPort(),
                            "asyncore.clients.probe.handler=probeHandler")
                    .run((context) -> {
                        accepted[0] = server.accept();
                        await().until(() -> client(context, "probe").isConnected());
                    });
            try (Socket upstreamSide = accepted[0]) {
                assertThat(upstreamSide.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aClientOfAServerOfTheSameApplicationFollowsItsBoundPort() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.port=0",
                        "asyncore.clients.probe.host=127.0.0.1",
                        "asyncore.clients.probe.port=${local.asyncore.servers.echo.port:1}",
                        "asyncore.clients.probe.handler=probeHandler")
                .withInitializer(new AsyncorePortInfoApplicationContextInitializer())
                .run((context) -> {
                    AsyncoreClient probe = client(context, "probe");
                    await().until(probe::isConnected);
                    int bound = context.getEnvironment().getProperty("local.asyncore.servers.echo.port", Integer.class);
                    assertThat(probe.connector().addresses())
                            .containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", bound));
                });
    }

    @Test
    void failsOverToTheSecondHost() throws IOException {
        String port = upstreamPort();
        int dead;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            dead = probe.getLocalPort();
        }
        this.runner
                .withPropertyValues(
                        "asyncore.clients.probe.hosts=127.0.0.1:" + dead + ",127.0.0.1:" + port,
                        "asyncore.clients.probe.failover=round-robin",
                        "asyncore.clients.probe.handler=probeHandler",
                        "asyncore.clients.probe.health.readiness=false")
                .run((context) -> {
                    AsyncoreClient probe = client(context, "probe");
                    await().until(probe::isConnected);
                    assertThat(probe.status().address()).isEqualTo(this.upstream.address());
                    assertThat(probe.isReadiness()).isFalse();
                    assertThat(probe.connector().addresses()).hasSize(2);
                });
    }

    @Test
    void speaksTlsFromABundleAndVerifiesTheServerName() {
        SslBundle serverBundle = SslBundle.of(new PemSslStoreBundle(
                PemSslStoreDetails.forCertificate("classpath:tls/dev-server.crt")
                        .withPrivateKey("classpath:tls/dev-server.key"),
                null));
        this.upstream = LoopbackServer.start(
                (ch, peer, map) -> new EchoHandler(ch, map),
                s -> s.setTls(TlsOptions.of(serverBundle.createSslContext())));
        ApplicationContextRunner tls = this.runner.withPropertyValues(
                "spring.ssl.bundle.pem.dev-client.truststore.certificate=classpath:tls/dev-ca.crt",
                "asyncore.clients.good.host=127.0.0.1",
                "asyncore.clients.good.port=" + this.upstream.port(),
                "asyncore.clients.good.handler=probeHandler",
                "asyncore.clients.good.ssl.bundle=dev-client",
                "asyncore.clients.good.ssl.server-name=localhost",
                "asyncore.clients.good.ssl.provider=" + (TlsProvider.OPENSSL.isAvailable() ? "openssl" : "jdk"),
                "asyncore.clients.bad.host=127.0.0.1",
                "asyncore.clients.bad.port=" + this.upstream.port(),
                "asyncore.clients.bad.handler=probeHandler",
                "asyncore.clients.bad.ssl.bundle=dev-client",
                "asyncore.clients.bad.ssl.server-name=elsewhere.example",
                "asyncore.clients.bad.ssl.provider=jdk",
                "asyncore.clients.bad.reconnect.enabled=false");
        tls.run((context) -> {
            AsyncoreClient good = client(context, "good");
            AsyncoreClient bad = client(context, "bad");
            await().until(() -> this.upstream.stats().handshakesCompleted() == 1 && good.isConnected());
            await().until(() -> bad.status().state() == ClientState.STOPPED);
            assertThat(bad.status().lastError()).hasMessageContaining("elsewhere.example");
            ClientConnector connector = good.connector();
            assertThat(connector
                            .loop()
                            .submit(() -> connector.handler().tlsStatus().provider())
                            .join())
                    .isEqualTo(TlsProvider.OPENSSL.isAvailable() ? TlsProvider.OPENSSL : TlsProvider.JDK);
            assertThat(health(context, "bad").getStatus()).isEqualTo(Status.DOWN);
            assertThat(health(context, "good").getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void withoutHealthOrMicrometerTheClientsStillRun() {
        String port = upstreamPort();
        this.runner
                .withClassLoader(new FilteredClassLoader(HealthIndicator.class, MeterBinder.class))
                .withPropertyValues(
                        "asyncore.clients.probe.host=127.0.0.1",
                        "asyncore.clients.probe.port=" + port,
                        "asyncore.clients.probe.handler=probeHandler")
                .run((context) -> {
                    assertThat(context)
                            .doesNotHaveBean("asyncoreClientsHealthContributor")
                            .doesNotHaveBean(AsyncoreClientMetrics.class);
                    await().until(() -> client(context, "probe").isConnected());
                });
    }

    @Test
    void withAsyncoreOffThereAreNoClients() {
        this.runner
                .withPropertyValues(
                        "asyncore.enabled=false",
                        "asyncore.clients.probe.host=127.0.0.1",
                        "asyncore.clients.probe.port=1",
                        "asyncore.clients.probe.handler=probeHandler")
                .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncoreClients.class));
    }

    @Test
    void aDisabledClientIsNotMade() {
        this.runner
                .withPropertyValues("asyncore.clients.probe.enabled=false")
                .run((context) ->
                        assertThat(context.getBean(AsyncoreClients.class).all()).isEmpty());
    }

    private void fails(String property, String expected, String... values) {
        this.runner.withPropertyValues(values).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(InvalidAsyncorePropertyException.class)
                    .hasMessageContaining(property)
                    .hasMessageContaining(expected);
        });
    }

    @Test
    void badSettingsFailStartupNamingTheProperty() {
        fails("asyncore.clients.p.host", "needs a server", "asyncore.clients.p.handler=probeHandler");
        fails(
                "asyncore.clients.p.port",
                "1 to 65535",
                "asyncore.clients.p.host=localhost",
                "asyncore.clients.p.handler=probeHandler");
        fails(
                "asyncore.clients.p.hosts",
                "not both",
                "asyncore.clients.p.host=localhost",
                "asyncore.clients.p.port=7",
                "asyncore.clients.p.hosts=a:1",
                "asyncore.clients.p.handler=probeHandler");
        fails(
                "asyncore.clients.p.hosts[1]",
                "host:port",
                "asyncore.clients.p.hosts=a:1,b",
                "asyncore.clients.p.handler=probeHandler");
        fails(
                "asyncore.clients.p.handler",
                "needs a handler",
                "asyncore.clients.p.host=a",
                "asyncore.clients.p.port=1");
        fails(
                "asyncore.clients.p.handler",
                "no ClientHandlerFactory bean named 'nope'",
                "asyncore.clients.p.host=a",
                "asyncore.clients.p.port=1",
                "asyncore.clients.p.handler=nope");
        fails(
                "asyncore.clients.p.reconnect.multiplier",
                "1 (a constant wait) or more",
                "asyncore.clients.p.host=a",
                "asyncore.clients.p.port=1",
                "asyncore.clients.p.handler=probeHandler",
                "asyncore.clients.p.reconnect.multiplier=0.5");
        fails(
                "asyncore.clients.p.reconnect.jitter",
                "from 0 to 1",
                "asyncore.clients.p.host=a",
                "asyncore.clients.p.port=1",
                "asyncore.clients.p.handler=probeHandler",
                "asyncore.clients.p.reconnect.jitter=2");
        fails(
                "asyncore.clients.p.connect-timeout",
                "positive",
                "asyncore.clients.p.host=a",
                "asyncore.clients.p.port=1",
                "asyncore.clients.p.handler=probeHandler",
                "asyncore.clients.p.connect-timeout=0s");
        fails(
                "asyncore.clients.p.ssl.server-name",
                "SSL bundle",
                "asyncore.clients.p.host=a",
                "asyncore.clients.p.port=1",
                "asyncore.clients.p.handler=probeHandler",
                "asyncore.clients.p.ssl.server-name=a");
        fails(
                "asyncore.clients.p.ssl.application-protocols",
                "TLS needs an SSL bundle",
                "asyncore.clients.p.host=a",
                "asyncore.clients.p.port=1",
                "asyncore.clients.p.handler=probeHandler",
                "asyncore.clients.p.ssl.application-protocols=h2");
    }

    @Test
    void offersTheApplicationProtocolsOfItsProperty() {
        SslBundle serverBundle = SslBundle.of(new PemSslStoreBundle(
                PemSslStoreDetails.forCertificate("classpath:tls/dev-server.crt")
                        .withPrivateKey("classpath:tls/dev-server.key"),
                null));
        this.upstream = LoopbackServer.start(
                (ch, peer, map) -> new EchoHandler(ch, map),
                s -> s.setTls(TlsOptions.of(serverBundle.createSslContext()).withApplicationProtocols("proto-b")));
        ApplicationContextRunner tls = this.runner.withPropertyValues(
                "spring.ssl.bundle.pem.dev-client.truststore.certificate=classpath:tls/dev-ca.crt",
                "asyncore.clients.good.host=127.0.0.1",
                "asyncore.clients.good.port=" + this.upstream.port(),
                "asyncore.clients.good.handler=probeHandler",
                "asyncore.clients.good.ssl.bundle=dev-client",
                "asyncore.clients.good.ssl.server-name=localhost",
                "asyncore.clients.good.ssl.application-protocols=proto-a,proto-b",
                "asyncore.clients.bad.host=127.0.0.1",
                "asyncore.clients.bad.port=" + this.upstream.port(),
                "asyncore.clients.bad.handler=probeHandler",
                "asyncore.clients.bad.ssl.bundle=dev-client",
                "asyncore.clients.bad.ssl.server-name=localhost",
                "asyncore.clients.bad.ssl.application-protocols=proto-a",
                "asyncore.clients.bad.reconnect.enabled=false");
        tls.run((context) -> {
            AsyncoreClient good = client(context, "good");
            AsyncoreClient bad = client(context, "bad");
            await().until(() -> this.upstream.stats().handshakesCompleted() == 1 && good.isConnected());
            await().until(() -> bad.status().state() == ClientState.STOPPED);
            // the JDK says no_application_protocol, BoringSSL TLSV1_ALERT_NO_APPLICATION_PROTOCOL
            assertThat(bad.status().lastError().getMessage()).containsIgnoringCase("no_application_protocol");
            assertThat(this.upstream.stats().handshakesFailed()).isEqualTo(1);
        });
    }

    @Test
    void anUnknownHandlerIsReportedWithTheHandlersThatExist() {
        this.runner
                .withPropertyValues(
                        "asyncore.clients.p.host=a", "asyncore.clients.p.port=1", "asyncore.clients.p.handler=nope")
                .run((context) -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOfSatisfying(
                                InvalidAsyncorePropertyException.class,
                                (e) -> assertThat(e.getAction())
                                        .contains("[probeHandler]")
                                        .contains("ClientHandlerFactory")));
    }

    @Test
    void anUnknownSslBundleFailsStartupListingTheBundles() {
        this.runner
                .withPropertyValues(
                        "spring.ssl.bundle.pem.dev.truststore.certificate=classpath:tls/dev-ca.crt",
                        "asyncore.clients.p.host=a",
                        "asyncore.clients.p.port=1",
                        "asyncore.clients.p.handler=probeHandler",
                        "asyncore.clients.p.ssl.bundle=devv")
                .run((context) -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOf(UnknownSslBundleException.class)
                        .hasMessageContaining("asyncore.clients.p.ssl.bundle")
                        .satisfies((e) -> assertThat(((UnknownSslBundleException) e).getBundles())
                                .containsExactly("dev")));
    }

    @Test
    void propertiesBindEveryClientSetting() {
        this.runner
                .withPropertyValues(
                        "asyncore.clients.p.enabled=false",
                        "asyncore.clients.p.hosts=a:1,[::1]:2",
                        "asyncore.clients.p.failover=round-robin",
                        "asyncore.clients.p.connect-timeout=2s",
                        "asyncore.clients.p.idle-timeout=1m",
                        "asyncore.clients.p.reconnect.enabled=false",
                        "asyncore.clients.p.reconnect.initial-delay=2s",
                        "asyncore.clients.p.reconnect.multiplier=3",
                        "asyncore.clients.p.reconnect.max-delay=1m",
                        "asyncore.clients.p.reconnect.jitter=0.5",
                        "asyncore.clients.p.health.readiness=false")
                .run((context) -> {
                    ClientProperties p = context.getBean(AsyncoreProperties.class)
                            .getClients()
                            .get("p");
                    assertThat(p.getHosts()).containsExactly("a:1", "[::1]:2");
                    assertThat(ClientPropertiesValidator.addresses("x.", p))
                            .containsExactly(
                                    InetSocketAddress.createUnresolved("a", 1),
                                    InetSocketAddress.createUnresolved("::1", 2));
                    assertThat(p.getFailover()).isEqualTo(ClientProperties.Failover.ROUND_ROBIN);
                    assertThat(p.getConnectTimeout()).hasSeconds(2);
                    assertThat(p.getIdleTimeout()).hasMinutes(1);
                    assertThat(p.getReconnect().isEnabled()).isFalse();
                    assertThat(p.getReconnect().getMultiplier()).isEqualTo(3.0);
                    assertThat(p.getReconnect().getJitter()).isEqualTo(0.5);
                    assertThat(p.getHealth().isReadiness()).isFalse();
                    assertThat(Map.of("d", new ClientProperties().getConnectTimeout()))
                            .containsEntry("d", Duration.ofSeconds(5));
                });
    }
}
