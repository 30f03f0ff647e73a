package dev.asyncore.boot.autoconfigure;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.asyncore.DatagramStats;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.ServerProtocol;
import dev.asyncore.boot.server.UnknownHandlerException;
import dev.asyncore.handler.DatagramServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code protocol: udp} servers through the auto-configuration: binding, defaults, and the settings a UDP server refuses. */
class DatagramServerAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncoreAutoConfiguration.class))
            .withPropertyValues("asyncore.loop.thread-name=asyncore-udp-acr", "asyncore.shutdown.timeout=1s");

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void aUdpEchoServerBindsWithTheDefaultBoundsAndEchoes() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.dgram.protocol=udp",
                        "asyncore.servers.dgram.address=127.0.0.1",
                        "asyncore.servers.dgram.port=0")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("dgram");
                    assertThat(server.getProtocol()).isEqualTo(ServerProtocol.UDP);
                    assertThat(server.getPort()).isPositive();
                    assertThat(server.isListening()).isTrue();
                    assertThat(server.datagramDispatcher()).isInstanceOf(DatagramServer.class);
                    assertThat(server.datagramDispatcher().socket()).isInstanceOf(DatagramChannel.class);
                    AsyncoreProperties.Udp udp = context.getBean(AsyncoreProperties.class)
                            .getServers()
                            .get("dgram")
                            .getUdp();
                    assertThat(udp.getReadBudget()).isEqualTo(DatagramServer.DEFAULT_READ_BUDGET);
                    assertThat(udp.getQueueDatagrams()).isEqualTo(DatagramServer.DEFAULT_QUEUE_DATAGRAMS);
                    assertThat(udp.getQueueSize().toBytes()).isEqualTo(DatagramServer.DEFAULT_QUEUE_BYTES);
                    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                        client.setSoTimeout(10_000);
                        byte[] data = "udp from the runner".getBytes(StandardCharsets.US_ASCII);
                        client.send(new DatagramPacket(data, data.length, server.getAddress()));
                        DatagramPacket reply = new DatagramPacket(new byte[100], 100);
                        client.receive(reply);
                        assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII))
                                .isEqualTo("udp from the runner");
                    }
                    assertThat(server.datagramStats().datagramsReceived()).isEqualTo(1);
                    assertThat(server.connections()).isZero();
                });
    }

    @Test
    void udpMaxRatePerSourceDropsWhatOneSourceSendsPastItsBurst() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.dgram.protocol=udp",
                        "asyncore.servers.dgram.address=127.0.0.1",
                        "asyncore.servers.dgram.port=0",
                        "asyncore.servers.dgram.udp.max-rate-per-source=1",
                        "asyncore.servers.dgram.udp.burst-per-source=2")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("dgram");
                    long start = System.nanoTime();
                    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                        byte[] data = "x".getBytes(StandardCharsets.US_ASCII);
                        for (int i = 0; i < 20; i++) {
                            client.send(new DatagramPacket(data, data.length, server.getAddress()));
                        }
                        DatagramStats stats = server.datagramStats();
                        await().atMost(Duration.ofSeconds(10))
                                .until(() -> stats.datagramsReceived() + Math.max(0, stats.receiveDropped()) >= 20);
                        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
                        assertThat(stats.datagramsSent()).isBetween(2L, 2 + seconds);
                        assertThat(stats.datagramsDroppedRateLimited())
                                .isEqualTo(stats.datagramsReceived() - stats.datagramsSent());
                    }
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "backlog, 10",
        "max-connections, 5",
        "idle-timeout, 10s",
        "proxy-protocol, true",
        "connection-events, true",
        "keep-alive, true",
        "tcp-no-delay, false",
        "allow, 10.0.0.0/8",
        "deny, 10.0.0.0/8",
        "proxy-protocol-trusted, 10.0.0.0/8",
        "max-connections-per-address, 10"
    })
    void aTcpOnlySettingOnAUdpServerFailsStartupNamingIt(String key, String value) {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.dgram.protocol=udp",
                        "asyncore.servers.dgram.port=0",
                        "asyncore.servers.dgram." + key + "=" + value)
                .run((context) -> {
                    assertThat(context).hasFailed();
                    InvalidAsyncorePropertyException failure =
                            (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
                    assertThat(failure.getProperty()).isEqualTo("asyncore.servers.dgram." + key);
                    assertThat(failure.getReason()).contains("TCP-only setting on a UDP server");
                    assertThat(failure.getAction())
                            .contains("Remove asyncore.servers.dgram." + key)
                            .contains("asyncore.servers.dgram.protocol to tcp");
                });
    }

    @Test
    void aPathOnAUdpServerFailsStartup() {
        this.runner
                .withPropertyValues("asyncore.servers.dgram.protocol=udp", "asyncore.servers.dgram.path=/tmp/x.sock")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    InvalidAsyncorePropertyException failure =
                            (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
                    assertThat(failure.getProperty()).isEqualTo("asyncore.servers.dgram.path");
                    assertThat(failure.getReason()).contains("no UNIX-domain datagram sockets");
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "udp.read-budget, 0",
        "udp.queue-datagrams, 0",
        "udp.queue-datagrams, 2147483647",
        "udp.queue-size, 0B",
        "udp.max-rate-per-source, -1",
        "udp.burst-per-source, -1"
    })
    void aUdpBoundBelowOneFailsStartup(String key, String value) {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.dgram.protocol=udp",
                        "asyncore.servers.dgram.port=0",
                        "asyncore.servers.dgram." + key + "=" + value)
                .run((context) -> {
                    assertThat(context).hasFailed();
                    InvalidAsyncorePropertyException failure =
                            (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
                    assertThat(failure.getProperty()).isEqualTo("asyncore.servers.dgram." + key);
                    assertThat(failure.getAction()).startsWith("Set asyncore.servers.dgram." + key);
                });
    }

    @Test
    void aUdpServerWithoutAPortFailsStartup() {
        this.runner.withPropertyValues("asyncore.servers.dgram.protocol=udp").run((context) -> {
            assertThat(context).hasFailed();
            InvalidAsyncorePropertyException failure =
                    (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
            assertThat(failure.getProperty()).isEqualTo("asyncore.servers.dgram.port");
            assertThat(failure.getReason()).isEqualTo("a UDP server needs a port");
        });
    }

    @Test
    void anUnknownUdpHandlerFailsStartupListingTheDatagramCandidates() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.dgram.protocol=udp",
                        "asyncore.servers.dgram.port=0",
                        "asyncore.servers.dgram.handler=nope")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    UnknownHandlerException failure = (UnknownHandlerException) rootCause(context.getStartupFailure());
                    assertThat(failure.getProperty()).isEqualTo("asyncore.servers.dgram.handler");
                    assertThat(failure.getCandidates()).containsExactly("echo");
                });
    }

    @Test
    void aDispatcherBeanAsAUdpHandlerFailsStartupPointingToTheFactory() {
        this.runner
                .withUserConfiguration(PrototypeDispatcher.class)
                .withPropertyValues(
                        "asyncore.servers.dgram.protocol=udp",
                        "asyncore.servers.dgram.port=0",
                        "asyncore.servers.dgram.handler=plain")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    InvalidAsyncorePropertyException failure =
                            (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
                    assertThat(failure.getProperty()).isEqualTo("asyncore.servers.dgram.handler");
                    assertThat(failure.getAction()).contains("DatagramDispatcherFactory");
                });
    }

    @Test
    void aUdpPortInUseFailsStartupNamingTheServer() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            this.runner
                    .withPropertyValues(
                            "asyncore.servers.dgram.protocol=udp",
                            "asyncore.servers.dgram.address=127.0.0.1",
                            "asyncore.servers.dgram.port=" + taken.getLocalPort())
                    .run((context) -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure()).rootCause().isInstanceOf(java.net.BindException.class);
                        assertThat(context.getStartupFailure()).hasStackTraceContaining("dgram");
                    });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeDispatcher {

        @Bean
        @Scope("prototype")
        Dispatcher plain(SocketChannel channel, DispatcherMap map) {
            return new Dispatcher(channel, map);
        }
    }
}
