package dev.asyncore.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;

import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ServerStats;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.GroupServer;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS on a server spread over two loops: with {@code SO_REUSEPORT} and with the hand-off, each connection's handshake and
 * echo run on the loop that got it, and the handshake figures of the loops add up.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.asyncore.tls.TlsFixtures#providers")
class TlsGroupServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CONNECTIONS = 12;

    private final List<SSLSocket> sockets = new ArrayList<>();
    private final List<Handler> handlers = new CopyOnWriteArrayList<>();
    private final AsyncLoopGroup group = AsyncLoopGroup.builder(2)
            .threadName("tls-group")
            .timeout(Duration.ofMillis(100))
            .build();

    private final TlsProvider provider;

    TlsGroupServerTest(TlsProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void onlyWhereTheProviderRuns() {
        TlsFixtures.assumeAvailable(provider);
    }

    /** The echo, recording every thread its construction and events ran on. */
    static final class Handler extends EchoHandler {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        Handler(SocketChannel sock, DispatcherMap map) {
            super(sock, map);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void handleRead() throws IOException {
            threads.add(Thread.currentThread().getName());
            super.handleRead();
        }
    }

    @AfterEach
    void stop() throws IOException {
        for (SSLSocket s : sockets) {
            s.close();
        }
        group.close();
        assertThat(group.isTerminated()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(
            value = GroupServer.Spread.class,
            names = {"REUSE_PORT", "HAND_OFF"})
    void eachLoopShakesHandsWithItsOwnConnections(GroupServer.Spread spread) throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        if (spread == GroupServer.Spread.REUSE_PORT) {
            assumeTrue(ServerDispatcher.supportsReusePort(address), "SO_REUSEPORT is not available on this platform");
        }
        TlsOptions tls = TlsOptions.of(TlsFixtures.serverContext(provider));
        GroupServer server = new GroupServer(group, (channel, peer, map) -> {
                    Handler h = new Handler(channel, map);
                    handlers.add(h);
                    return h;
                })
                .configure(s -> s.setTls(tls))
                .setSpread(spread);
        server.open(address, 64, true);
        group.start();
        int port = ((InetSocketAddress) server.localAddress()).getPort();

        for (int i = 0; i < CONNECTIONS; i++) {
            SSLSocket s =
                    (SSLSocket) TlsFixtures.clientContext().getSocketFactory().createSocket("127.0.0.1", port);
            sockets.add(s);
            s.setSoTimeout(10_000);
            String line = "hello " + i + "\n";
            s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] back = s.getInputStream().readNBytes(line.length());
            assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo(line);
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(handlers).hasSize(CONNECTIONS));
        for (Handler h : handlers) {
            assertThat(h.threads).as("threads of one TLS connection").hasSize(1);
        }
        Set<String> loopsUsed = ConcurrentHashMap.newKeySet();
        handlers.forEach(h -> loopsUsed.addAll(h.threads));
        System.out.printf("%s: %d TLS connections served by loops %s%n", spread, CONNECTIONS, loopsUsed);
        if (spread == GroupServer.Spread.HAND_OFF) {
            assertThat(loopsUsed).hasSize(2);
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(server.stats().stream()
                                .mapToLong(ServerStats::handshakesCompleted)
                                .sum())
                        .isEqualTo(CONNECTIONS));
    }
}
