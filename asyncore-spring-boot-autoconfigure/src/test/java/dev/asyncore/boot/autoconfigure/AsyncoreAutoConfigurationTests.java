package dev.asyncore.boot.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.UpperCaseHandler;
import dev.asyncore.boot.context.ApplicationLogSink;
import dev.asyncore.boot.context.AsyncoreGracefulShutdownLifecycle;
import dev.asyncore.boot.context.AsyncoreLifecycle;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServerBindException;
import dev.asyncore.boot.server.AsyncoreServerCustomizer;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.UnknownHandlerException;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.HandlerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class AsyncoreAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncoreAutoConfiguration.class))
            .withPropertyValues("asyncore.loop.thread-name=asyncore-acr-loop", "asyncore.shutdown.timeout=2s");

    @Test
    void defaultsCreateMapLoopAndLifecyclesAndStartTheLoopOnANamedNonDaemonThread() {
        this.runner
                .withPropertyValues("asyncore.loop.thread-name=asyncore-loop")
                .run((context) -> {
                    assertThat(context)
                            .hasSingleBean(DispatcherMap.class)
                            .hasSingleBean(AsyncLoop.class)
                            .hasSingleBean(AsyncoreLifecycle.class)
                            .hasSingleBean(AsyncoreGracefulShutdownLifecycle.class)
                            .hasSingleBean(AsyncoreServers.class);
                    AsyncLoop loop = context.getBean(AsyncLoop.class);
                    assertThat(loop.map()).isSameAs(context.getBean(DispatcherMap.class));
                    assertThat(loop.threadName()).isEqualTo("asyncore-loop");
                    assertThat(loop.usePoll()).isFalse();
                    assertThat(loop.isRunning()).isTrue();
                    assertThat(loop.map().logSink()).isInstanceOf(ApplicationLogSink.class);
                    Thread thread = TestClients.thread("asyncore-loop");
                    assertThat(thread).isNotNull();
                    assertThat(thread.isDaemon()).isFalse();
                    assertThat(context.getBean(AsyncoreServers.class).all()).isEmpty();
                    AsyncoreProperties properties = context.getBean(AsyncoreProperties.class);
                    assertThat(properties.getLoop().getTimeout()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(properties.getShutdown().getTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(context.getBean(AsyncoreLifecycle.class).isPauseable())
                            .isFalse();
                    assertThat(context.getBean(AsyncoreGracefulShutdownLifecycle.class)
                                    .isPauseable())
                            .isFalse();
                    assertThat(context.getBean(AsyncoreLifecycle.class).getPhase())
                            .isEqualTo(Integer.MAX_VALUE - 2048);
                    assertThat(context.getBean(AsyncoreGracefulShutdownLifecycle.class)
                                    .getPhase())
                            .isEqualTo(Integer.MAX_VALUE - 1024);
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> !TestClients.threadAlive("asyncore-loop"));
    }

    @Test
    void loopPropertiesReachTheLoop() {
        this.runner
                .withPropertyValues(
                        "asyncore.loop.thread-name=custom-loop",
                        "asyncore.loop.use-poll=true",
                        "asyncore.loop.timeout=250ms")
                .run((context) -> {
                    AsyncLoop loop = context.getBean(AsyncLoop.class);
                    assertThat(loop.threadName()).isEqualTo("custom-loop");
                    assertThat(loop.usePoll()).isTrue();
                    assertThat(context.getBean(AsyncoreProperties.class)
                                    .getLoop()
                                    .getTimeout())
                            .isEqualTo(Duration.ofMillis(250));
                    assertThat(TestClients.threadAlive("custom-loop")).isTrue();
                });
    }

    @Test
    void switchedOffByAsyncoreEnabledFalse() {
        this.runner
                .withPropertyValues("asyncore.enabled=false", "asyncore.servers.echo.port=0")
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(AsyncLoop.class)
                        .doesNotHaveBean(DispatcherMap.class)
                        .doesNotHaveBean(AsyncoreServers.class));
    }

    @Test
    void backsOffWhenCoreIsAbsent() {
        this.runner
                .withClassLoader(new FilteredClassLoader(AsyncLoop.class))
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(AsyncoreProperties.class)
                        .doesNotHaveBean(AsyncoreLifecycle.class));
    }

    @Test
    void backsOffToTheUsersMapAndLoop() {
        this.runner.withUserConfiguration(UserLoopConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(DispatcherMap.class).hasSingleBean(AsyncLoop.class);
            assertThat(context.getBean(DispatcherMap.class)).isSameAs(context.getBean("userMap"));
            assertThat(context.getBean(AsyncLoop.class).threadName()).isEqualTo("user-loop");
            assertThat(context.getBean(AsyncLoop.class).isRunning()).isTrue();
        });
    }

    @Test
    void echoServerFromPropertiesServesOverLoopback() {
        this.runner
                .withPropertyValues("asyncore.servers.echo.port=0", "asyncore.servers.echo.address=127.0.0.1")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    assertThat(server.isListening()).isTrue();
                    assertThat(server.getPort()).isPositive();
                    assertThat(TestClients.roundTrip(server.getPort(), "hello asyncore"))
                            .isEqualTo("hello asyncore");
                    await().atMost(Duration.ofSeconds(5)).until(() -> server.accepted() == 1);
                });
    }

    @Test
    void withoutAnAddressTheServerListensOnAllInterfaces() {
        this.runner.withPropertyValues("asyncore.servers.echo.port=0").run((context) -> {
            AsyncoreServer server = context.getBean(AsyncoreServers.class).get("echo");
            assertThat(((InetSocketAddress) server.getAddress()).getAddress().isAnyLocalAddress())
                    .isTrue();
            assertThat(TestClients.roundTrip(server.getPort(), "over ipv4")).isEqualTo("over ipv4");
            if (server.getAddress() instanceof InetSocketAddress inet
                    && inet.getAddress() instanceof java.net.Inet6Address) {
                try (SocketChannel client = TestClients.connect(new InetSocketAddress("::1", server.getPort()))) {
                    assertThat(TestClients.roundTrip(client, "over ipv6")).isEqualTo("over ipv6");
                }
            }
        });
    }

    @Test
    void lazyDispatcherBeanCreatedWhileTheLoopRunsIsMovedOnTheLoopThread() {
        this.runner.withUserConfiguration(LazyServerConfiguration.class).run((context) -> {
            DispatcherMap managed = context.getBean(DispatcherMap.class);
            assertThat(context.getBean(AsyncLoop.class).isRunning()).isTrue();
            Dispatcher server = context.getBean("lazyServer", Dispatcher.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.map() == managed && managed.listening() == 1);
            int port = ((InetSocketAddress) ((NetworkChannel) server.socket()).getLocalAddress()).getPort();
            assertThat(TestClients.roundTrip(port, "lazy")).isEqualTo("lazy");
        });
    }

    @Test
    void socketOptionPropertiesApplyToTheListeningSocketAndAcceptedChannels() {
        this.runner
                .withUserConfiguration(ProbeHandlerConfiguration.class)
                .withPropertyValues(
                        "asyncore.servers.probe.port=0",
                        "asyncore.servers.probe.address=127.0.0.1",
                        "asyncore.servers.probe.handler=probe",
                        "asyncore.servers.probe.keep-alive=true",
                        "asyncore.servers.probe.send-buffer-size=96KB",
                        "asyncore.servers.probe.receive-buffer-size=80KB",
                        "asyncore.servers.probe.reuse-address=false",
                        "asyncore.servers.probe.backlog=7")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("probe");
                    NetworkChannel listening =
                            (NetworkChannel) server.dispatcher().socket();
                    assertThat(listening.getOption(StandardSocketOptions.SO_REUSEADDR))
                            .isFalse();
                    Map<String, Object> seen = context.getBean(ProbeHandlerConfiguration.class).seen;
                    assertThat(TestClients.roundTrip(server.getPort(), "x")).isEqualTo("x");
                    assertThat(seen).containsEntry("TCP_NODELAY", true).containsEntry("SO_KEEPALIVE", true);
                    assertThat((Integer) seen.get("SO_SNDBUF")).isGreaterThanOrEqualTo(96 * 1024);
                    assertThat((Integer) seen.get("SO_RCVBUF")).isGreaterThanOrEqualTo(80 * 1024);
                });
    }

    @Test
    void tcpNoDelayCanBeTurnedOff() {
        this.runner
                .withUserConfiguration(ProbeHandlerConfiguration.class)
                .withPropertyValues(
                        "asyncore.servers.probe.port=0",
                        "asyncore.servers.probe.address=127.0.0.1",
                        "asyncore.servers.probe.handler=probe",
                        "asyncore.servers.probe.tcp-no-delay=false")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("probe");
                    assertThat(TestClients.roundTrip(server.getPort(), "x")).isEqualTo("x");
                    assertThat(context.getBean(ProbeHandlerConfiguration.class).seen)
                            .containsEntry("TCP_NODELAY", false)
                            .containsEntry("SO_KEEPALIVE", false);
                });
    }

    @Test
    void disabledServerIsNotBound() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.off.port=0",
                        "asyncore.servers.off.enabled=false",
                        "asyncore.servers.on.port=0",
                        "asyncore.servers.on.address=127.0.0.1")
                .run((context) -> {
                    AsyncoreServers servers = context.getBean(AsyncoreServers.class);
                    assertThat(servers.all()).containsOnlyKeys("on");
                });
    }

    @Test
    void maxConnectionsClosesConnectionsPastTheLimitAndCountsThem() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.max-connections=1")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    try (SocketChannel first = TestClients.connect(server.getPort())) {
                        assertThat(TestClients.roundTrip(first, "one")).isEqualTo("one");
                        try (SocketChannel second = TestClients.connect(server.getPort())) {
                            await().atMost(Duration.ofSeconds(5)).until(() -> server.rejected() == 1);
                            assertThat(TestClients.closedByPeer(second)).isTrue();
                        }
                        assertThat(TestClients.roundTrip(first, "still served")).isEqualTo("still served");
                        assertThat(server.connections()).isEqualTo(1);
                    }
                });
    }

    @Test
    void idleTimeoutClosesSilentConnections() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.idle-timeout=300ms")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    try (SocketChannel client = TestClients.connect(server.getPort())) {
                        assertThat(TestClients.roundTrip(client, "ping")).isEqualTo("ping");
                        await().atMost(Duration.ofSeconds(10)).until(() -> server.connections() == 0);
                        assertThat(TestClients.closedByPeer(client)).isTrue();
                    }
                });
    }

    @Test
    void unixDomainServerListensOnItsPath(@TempDir Path directory) {
        Path socket = directory.resolve("echo.sock");
        this.runner.withPropertyValues("asyncore.servers.local.path=" + socket).run((context) -> {
            AsyncoreServer server = context.getBean(AsyncoreServers.class).get("local");
            assertThat(server.isListening()).isTrue();
            assertThat(server.getPort()).isEqualTo(-1);
            assertThat(Files.exists(socket)).isTrue();
            try (SocketChannel client = TestClients.connect(UnixDomainSocketAddress.of(socket))) {
                assertThat(TestClients.roundTrip(client, "over a unix socket")).isEqualTo("over a unix socket");
            }
        });
    }

    @Test
    void handlerNamesAHandlerFactoryBean() {
        this.runner
                .withUserConfiguration(UpperCaseHandlerConfiguration.class)
                .withPropertyValues(
                        "asyncore.servers.upper.port=0",
                        "asyncore.servers.upper.address=127.0.0.1",
                        "asyncore.servers.upper.handler=upperCase")
                .run((context) -> {
                    int port =
                            context.getBean(AsyncoreServers.class).get("upper").getPort();
                    assertThat(TestClients.roundTrip(port, "shout")).isEqualTo("SHOUT");
                });
    }

    @Test
    void handlerNamesAPrototypeDispatcherBean() {
        this.runner
                .withUserConfiguration(PrototypeHandlerConfiguration.class)
                .withPropertyValues(
                        "asyncore.servers.upper.port=0",
                        "asyncore.servers.upper.address=127.0.0.1",
                        "asyncore.servers.upper.handler=upperCaseHandler")
                .run((context) -> {
                    int port =
                            context.getBean(AsyncoreServers.class).get("upper").getPort();
                    assertThat(TestClients.roundTrip(port, "prototype")).isEqualTo("PROTOTYPE");
                    assertThat(TestClients.roundTrip(port, "again")).isEqualTo("AGAIN");
                });
    }

    @Test
    void customizerAdjustsAServerBeforeItBinds() {
        this.runner
                .withUserConfiguration(UpperCaseHandlerConfiguration.class, CustomizerConfiguration.class)
                .withPropertyValues("asyncore.servers.echo.port=0")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    assertThat(((InetSocketAddress) server.getAddress())
                                    .getAddress()
                                    .isLoopbackAddress())
                            .isTrue();
                    assertThat(TestClients.roundTrip(server.getPort(), "customized"))
                            .isEqualTo("CUSTOMIZED");
                });
    }

    @Test
    void dispatcherBeansMadeWithTheDefaultMapAreMovedToTheManagedLoop() {
        this.runner.withUserConfiguration(HandWrittenServerConfiguration.class).run((context) -> {
            Dispatcher server = context.getBean("handWrittenServer", Dispatcher.class);
            DispatcherMap managed = context.getBean(DispatcherMap.class);
            assertThat(server.map()).isSameAs(managed);
            assertThat(Asyncore.defaultMap().values()).doesNotContain(server);
            int port = ((InetSocketAddress) ((NetworkChannel) server.socket()).getLocalAddress()).getPort();
            assertThat(TestClients.roundTrip(port, "moved")).isEqualTo("moved");
        });
    }

    @Test
    void logMessagesOfManagedDispatchersGoToTheApplicationsLogging(CapturedOutput output) {
        this.runner.run((context) -> {
            DispatcherMap map = context.getBean(DispatcherMap.class);
            Dispatcher dispatcher = new Dispatcher(map);
            map.logSink().log(dispatcher, "warning", "asyncore test warning 4711");
            map.logSink().log(dispatcher, "error", "asyncore test error 4712");
            assertThat(output)
                    .containsPattern("WARN .*asyncore test warning 4711")
                    .containsPattern("ERROR .*asyncore test error 4712");
        });
    }

    @Test
    void userLogSinkBeanIsUsed() {
        this.runner
                .withBean(dev.asyncore.LogSink.class, () -> dev.asyncore.LogSink.STANDARD_STREAMS)
                .run((context) -> assertThat(
                                context.getBean(DispatcherMap.class).logSink())
                        .isSameAs(dev.asyncore.LogSink.STANDARD_STREAMS));
    }

    @Test
    void threadsMakeAGroupWhoseFirstLoopIsTheManagedLoopAndWhoseLoopsEachHaveAMap() {
        this.runner
                .withPropertyValues("asyncore.loop.threads=3", "asyncore.loop.use-poll=true")
                .run((context) -> {
                    AsyncLoopGroup group = context.getBean(AsyncLoopGroup.class);
                    assertThat(group.size()).isEqualTo(3);
                    assertThat(group.loop(0)).isSameAs(context.getBean(AsyncLoop.class));
                    assertThat(group.loop(0).map()).isSameAs(context.getBean(DispatcherMap.class));
                    assertThat(group.loops())
                            .extracting(AsyncLoop::threadName)
                            .containsExactly("asyncore-acr-loop-0", "asyncore-acr-loop-1", "asyncore-acr-loop-2");
                    assertThat(group.loops()).allMatch(AsyncLoop::usePoll).allMatch(AsyncLoop::isRunning);
                    assertThat(group.loop(2).map().logSink()).isInstanceOf(ApplicationLogSink.class);
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> !TestClients.threadAlive("asyncore-acr-loop-2"));
    }

    @Test
    void aUserLoopIsTheFirstOfTheGroup() {
        this.runner
                .withUserConfiguration(UserLoopConfiguration.class)
                .withPropertyValues("asyncore.loop.threads=2")
                .run((context) -> {
                    AsyncLoopGroup group = context.getBean(AsyncLoopGroup.class);
                    assertThat(group.loop(0).threadName()).isEqualTo("user-loop");
                    assertThat(group.loop(1).threadName()).isEqualTo("asyncore-acr-loop-1");
                    assertThat(group.loop(1).isRunning()).isTrue();
                });
    }

    @Test
    void aBadThreadCountFailsStartupNamingThePropertyAndTheValue() {
        this.runner.withPropertyValues("asyncore.loop.threads=-2").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(InvalidAsyncorePropertyException.class)
                    .hasMessageContaining("asyncore.loop.threads")
                    .hasMessageContaining("'-2'");
        });
    }

    @Test
    void unknownHandlerFailsStartupNamingThePropertyAndTheValue() {
        this.runner
                .withPropertyValues("asyncore.servers.echo.port=0", "asyncore.servers.echo.handler=nope")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(UnknownHandlerException.class)
                            .hasMessageContaining("asyncore.servers.echo.handler")
                            .hasMessageContaining("'nope'");
                });
    }

    @Test
    void singletonDispatcherAsHandlerFailsStartup() {
        this.runner
                .withUserConfiguration(HandWrittenServerConfiguration.class)
                .withPropertyValues("asyncore.servers.echo.port=0", "asyncore.servers.echo.handler=handWrittenServer")
                .run((context) -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOf(InvalidAsyncorePropertyException.class)
                        .hasMessageContaining("singleton"));
    }

    @Test
    void missingPortFailsStartup() {
        assertInvalid("asyncore.servers.echo.port", "asyncore.servers.echo.handler=echo");
    }

    @Test
    void portOutOfRangeFailsStartup() {
        assertInvalid("asyncore.servers.echo.port", "asyncore.servers.echo.port=70000");
    }

    @Test
    void pathWithPortFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.path", "asyncore.servers.echo.port=0", "asyncore.servers.echo.path=/tmp/x.sock");
    }

    @Test
    void zeroBacklogFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.backlog", "asyncore.servers.echo.port=0", "asyncore.servers.echo.backlog=0");
    }

    @Test
    void negativeMaxConnectionsFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.max-connections",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.max-connections=-1");
    }

    @Test
    void zeroMaxQueuedBytesFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.max-queued-bytes",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.max-queued-bytes=0B");
    }

    @Test
    void maxQueuedBytesBoundsTheServersConnectionsAndDefaultsToAnEighthOfTheHeapAtMost64Mb() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.budgeted.port=0",
                        "asyncore.servers.budgeted.address=127.0.0.1",
                        "asyncore.servers.budgeted.max-queued-bytes=3MB")
                .run((context) -> {
                    AsyncoreServers servers = context.getBean(AsyncoreServers.class);
                    long expected = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
                    assertThat(servers.get("echo").getMaxQueuedBytes()).isEqualTo(expected);
                    AsyncoreServer budgeted = servers.get("budgeted");
                    assertThat(budgeted.getMaxQueuedBytes()).isEqualTo(3L << 20);
                    assertThat(budgeted.dispatcher().stats().outputBudget().limit())
                            .isEqualTo(3L << 20);
                    try (SocketChannel client = TestClients.connect(budgeted.getPort())) {
                        assertThat(TestClients.roundTrip(client, "budgeted")).isEqualTo("budgeted");
                    }
                    assertThat(budgeted.slowConsumerDrops()).isZero();
                });
    }

    @Test
    void aServerSpreadOverTwoLoopsGivesEachLoopHalfItsOutputBudget() {
        this.runner
                .withPropertyValues(
                        "asyncore.loop.threads=2",
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.max-queued-bytes=4MB")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    assertThat(server.isSpread()).isTrue();
                    assertThat(server.stats())
                            .hasSizeGreaterThanOrEqualTo(2)
                            .allSatisfy((part) ->
                                    assertThat(part.outputBudget().limit()).isEqualTo(2L << 20));
                    assertThat(server.getMaxQueuedBytes()).isEqualTo(4L << 20);
                });
    }

    @Test
    void zeroIdleTimeoutFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.idle-timeout",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.idle-timeout=0s");
    }

    @Test
    void zeroProxyProtocolTimeoutFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.proxy-protocol-timeout",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.proxy-protocol=true",
                "asyncore.servers.echo.proxy-protocol-timeout=0s");
    }

    @Test
    void invalidAllowEntryFailsStartupNamingTheEntry() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.allow[0]=10.0.0.0/8",
                        "asyncore.servers.echo.allow[1]=10.0.0.0/33")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    InvalidAsyncorePropertyException failure =
                            (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
                    assertThat(failure.getProperty()).isEqualTo("asyncore.servers.echo.allow[1]");
                    assertThat(failure.getValue()).isEqualTo("10.0.0.0/33");
                    assertThat(failure.getReason()).contains("prefix length must be a number from 0 to 32");
                    assertThat(failure.getAction()).contains("CIDR network");
                });
    }

    @Test
    void aHostNameInDenyFailsStartupWithoutBeingResolved() {
        this.runner
                .withPropertyValues("asyncore.servers.echo.port=0", "asyncore.servers.echo.deny=localhost")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    InvalidAsyncorePropertyException failure =
                            (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
                    assertThat(failure.getProperty()).isEqualTo("asyncore.servers.echo.deny[0]");
                    assertThat(failure.getValue()).isEqualTo("localhost");
                    assertThat(failure.getAction()).contains("host names are not resolved");
                });
    }

    @Test
    void proxyProtocolAndAddressRulesReachTheServer() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.proxy-protocol=true",
                        "asyncore.servers.echo.proxy-protocol-timeout=2s",
                        "asyncore.servers.echo.allow=192.0.2.0/24",
                        "asyncore.servers.echo.deny=192.0.2.66")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    assertThat(server.isProxyProtocol()).isTrue();
                    assertThat(server.dispatcher().proxyProtocolTimeout()).isEqualTo(Duration.ofSeconds(2));
                    int port = server.getPort();
                    String served = proxied(port, "192.0.2.7");
                    assertThat(served).isEqualTo("ping");
                    assertThat(proxied(port, "192.0.2.66")).isNull();
                    assertThat(proxied(port, "198.51.100.1")).isNull();
                    await().atMost(Duration.ofSeconds(10)).until(() -> server.denied() == 2);
                    try (Socket direct = new Socket("127.0.0.1", port)) {
                        direct.setSoTimeout(10_000);
                        direct.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                        assertThat(closedByServer(direct)).isTrue();
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> server.headerRefused() == 1);
                    assertThat(server.accepted()).isEqualTo(1);
                });
    }

    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** Sends a v1 header naming {@code client} and a line; returns the echoed line, or null if the server closed. */
    private static String proxied(int port, String client) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("PROXY TCP4 " + client + " 127.0.0.1 40000 " + port + "\r\nping\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] got = s.getInputStream().readNBytes(5);
            return got.length == 5 ? new String(got, 0, 4, StandardCharsets.US_ASCII) : null;
        } catch (java.net.SocketException reset) {
            return null;
        }
    }

    @Test
    void lowWatermarkAboveHighFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.echo.low-watermark",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.echo.low-watermark=1MB",
                "asyncore.servers.echo.echo.high-watermark=64KB");
    }

    @Test
    void blankThreadNameFailsStartup() {
        assertInvalid("asyncore.loop.thread-name", "asyncore.loop.thread-name= ");
    }

    @Test
    void negativeShutdownTimeoutFailsStartup() {
        assertInvalid("asyncore.shutdown.timeout", "asyncore.shutdown.timeout=-1s");
    }

    @Test
    void portInUseFailsStartupWithTheServerNameAndAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.runner
                    .withPropertyValues(
                            "asyncore.servers.echo.port=" + taken.getLocalPort(),
                            "asyncore.servers.echo.address=127.0.0.1",
                            "asyncore.servers.echo.reuse-address=false")
                    .run((context) -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure()).rootCause().isInstanceOf(java.net.BindException.class);
                        assertThat(context.getStartupFailure())
                                .cause()
                                .isInstanceOf(AsyncoreServerBindException.class)
                                .hasMessageContaining(
                                        "asyncore server 'echo' could not bind 127.0.0.1:" + taken.getLocalPort());
                    });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !TestClients.threadAlive("asyncore-acr-loop"));
    }

    private void assertInvalid(String property, String... properties) {
        this.runner.withPropertyValues(properties).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(InvalidAsyncorePropertyException.class)
                    .hasMessageContaining("'" + property + "'");
            InvalidAsyncorePropertyException failure =
                    (InvalidAsyncorePropertyException) rootCause(context.getStartupFailure());
            assertThat(failure.getProperty()).isEqualTo(property);
            assertThat(failure.getAction()).contains(property.substring(property.lastIndexOf('.') + 1));
        });
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Configuration(proxyBeanMethods = false)
    static class UserLoopConfiguration {

        @Bean
        DispatcherMap userMap() {
            return new DispatcherMap();
        }

        @Bean
        AsyncLoop userLoop(DispatcherMap map) {
            return AsyncLoop.builder(map).threadName("user-loop").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ProbeHandlerConfiguration {

        final Map<String, Object> seen = new ConcurrentHashMap<>();

        @Bean
        HandlerFactory probe() {
            return (channel, address, map) -> {
                this.seen.put("TCP_NODELAY", channel.getOption(StandardSocketOptions.TCP_NODELAY));
                this.seen.put("SO_KEEPALIVE", channel.getOption(StandardSocketOptions.SO_KEEPALIVE));
                this.seen.put("SO_SNDBUF", channel.getOption(StandardSocketOptions.SO_SNDBUF));
                this.seen.put("SO_RCVBUF", channel.getOption(StandardSocketOptions.SO_RCVBUF));
                return new EchoHandler(channel, map);
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UpperCaseHandlerConfiguration {

        @Bean
        HandlerFactory upperCase() {
            return (channel, address, map) -> new UpperCaseHandler(channel, map);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeHandlerConfiguration {

        @Bean
        @Scope("prototype")
        UpperCaseHandler upperCaseHandler(SocketChannel channel, DispatcherMap map) {
            return new UpperCaseHandler(channel, map);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        @Bean
        AsyncoreServerCustomizer loopbackUpperCase(UpperCaseHandlerConfiguration handlers) {
            return (factory) -> {
                factory.setAddress(new InetSocketAddress("127.0.0.1", 0));
                factory.setHandlerFactory(handlers.upperCase());
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandWrittenServerConfiguration {

        @Bean
        Dispatcher handWrittenServer() throws IOException {
            return new HandWrittenEchoServer(new InetSocketAddress("127.0.0.1", 0));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LazyServerConfiguration {

        @Bean
        @org.springframework.context.annotation.Lazy
        Dispatcher lazyServer() throws IOException {
            return new HandWrittenEchoServer(new InetSocketAddress("127.0.0.1", 0));
        }
    }

    /** The spec's echo server written by hand with asyncore's default map, as a user's {@code @Component} would be. */
    static class HandWrittenEchoServer extends Dispatcher {

        HandWrittenEchoServer(SocketAddress address) throws IOException {
            createSocket(StandardProtocolFamily.INET);
            setReuseAddr();
            bind(address);
            listen(5);
        }

        @Override
        public void handleAccepted(SocketChannel sock, SocketAddress addr) {
            new EchoHandler(sock, map());
        }
    }

    @Test
    void negativeMaxConnectionsPerAddressFailsStartup() {
        assertInvalid(
                "asyncore.servers.echo.max-connections-per-address",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.max-connections-per-address=-1");
    }

    @Test
    void trustedProxiesWithoutTheProxyProtocolFailStartup() {
        assertInvalid(
                "asyncore.servers.echo.proxy-protocol-trusted",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.proxy-protocol-trusted=10.0.0.0/8");
    }

    @Test
    void anInvalidTrustedProxyEntryFailsStartupNamingTheEntry() {
        assertInvalid(
                "asyncore.servers.echo.proxy-protocol-trusted[1]",
                "asyncore.servers.echo.port=0",
                "asyncore.servers.echo.proxy-protocol=true",
                "asyncore.servers.echo.proxy-protocol-trusted[0]=unix",
                "asyncore.servers.echo.proxy-protocol-trusted[1]=010.0.0.1");
    }

    @Test
    void maxConnectionsPerAddressClosesConnectionsPastItAndCountsThem() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.max-connections-per-address=1")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    try (SocketChannel first = TestClients.connect(server.getPort())) {
                        assertThat(TestClients.roundTrip(first, "one")).isEqualTo("one");
                        try (SocketChannel second = TestClients.connect(server.getPort())) {
                            await().atMost(Duration.ofSeconds(5)).until(() -> server.rejectedPerAddress() == 1);
                            assertThat(TestClients.closedByPeer(second)).isTrue();
                        }
                        assertThat(server.rejected()).isZero();
                    }
                });
    }

    @Test
    void theProxyProtocolWithoutTrustedProxiesLogsOneWarningAtStartup(CapturedOutput output) {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.proxy-protocol=true",
                        "asyncore.servers.other.port=0",
                        "asyncore.servers.other.address=127.0.0.1",
                        "asyncore.servers.other.proxy-protocol=true",
                        "asyncore.servers.other.proxy-protocol-trusted=127.0.0.1")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    String warning = "believes the PROXY protocol header of any peer";
                    assertThat(output.getOut().split(warning, -1)).hasSize(2);
                    assertThat(output.getOut())
                            .containsPattern("WARN .*asyncore server 'echo' believes the PROXY protocol header")
                            .contains("asyncore.servers.echo.proxy-protocol-trusted")
                            .doesNotContain("asyncore server 'other' believes");
                });
    }

    @Test
    void aPeerOutsideProxyProtocolTrustedIsRefusedBeforeItsHeader() {
        this.runner
                .withPropertyValues(
                        "asyncore.servers.echo.port=0",
                        "asyncore.servers.echo.address=127.0.0.1",
                        "asyncore.servers.echo.proxy-protocol=true",
                        "asyncore.servers.echo.proxy-protocol-trusted=10.0.0.0/8,unix")
                .run((context) -> {
                    AsyncoreServer server =
                            context.getBean(AsyncoreServers.class).get("echo");
                    assertThat(server.isProxyProtocolTrustingAnyPeer()).isFalse();
                    try (SocketChannel direct = TestClients.connect(server.getPort())) {
                        direct.write(java.nio.ByteBuffer.wrap("PROXY TCP4 10.1.2.3 127.0.0.1 5000 7\r\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                        assertThat(TestClients.closedByPeer(direct)).isTrue();
                    }
                    await().atMost(Duration.ofSeconds(5)).until(() -> server.untrustedProxy() == 1);
                    assertThat(server.accepted()).isZero();
                });
    }
}
