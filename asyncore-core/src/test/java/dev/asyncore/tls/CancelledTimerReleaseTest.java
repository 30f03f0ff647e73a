package dev.asyncore.tls;

import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cancelled timer lets go of its task at once: after TLS or PROXY protocol connect/close cycles against a 10 s handshake
 * or header timeout, the closed connections' dispatchers can be collected well before the timeout would have fired.
 */
class CancelledTimerReleaseTest {

    /** Cycles run; {@code -Dasyncore.test.timer-cycles=3000} reproduces the figure in the README. */
    private static final int CYCLES = Integer.getInteger("asyncore.test.timer-cycles", 300);

    private final DispatcherMap map = new DispatcherMap();
    private final List<WeakReference<Object>> handlers = Collections.synchronizedList(new ArrayList<>());
    private AsyncLoop loop;
    private ServerDispatcher server;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    @ParameterizedTest
    @MethodSource("dev.asyncore.tls.TlsFixtures#providers")
    void closedTlsConnectionsAreCollectableBeforeTheirHandshakeTimeout(TlsProvider provider) throws Exception {
        TlsFixtures.assumeAvailable(provider);
        server = new ServerDispatcher(map, (channel, peer, m) -> {
            Dispatcher d = new EchoHandler(channel, m);
            handlers.add(new WeakReference<>(d));
            return d;
        });
        server.setTls(TlsOptions.of(TlsFixtures.serverContext(provider)).withHandshakeTimeout(Duration.ofSeconds(10)));
        server.open(new InetSocketAddress("127.0.0.1", 0), 128);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        loop = AsyncLoop.builder(map).threadName("timer-release-loop").build();
        loop.start();
        SSLContext client = TlsFixtures.clientContext();
        for (int i = 0; i < CYCLES; i++) {
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.startHandshake();
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().connections() == 0);
        assertThat(handlers).hasSize(CYCLES);
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    System.gc();
                    return live() == 0;
                });
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
                "after %d TLS connect/close cycles (10 s handshake timeout): 0 of %d dispatchers live %d ms later, "
                        + "heap used %.1f MiB%n",
                CYCLES,
                handlers.size(),
                (System.nanoTime() - start) / 1_000_000,
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        assertThat(server.stats().handshakesCompleted()).isEqualTo(CYCLES);
    }

    @Test
    void closedProxyProtocolConnectionsAreCollectableBeforeTheirHeaderTimeout() throws Exception {
        server = new ServerDispatcher(map, (channel, peer, m) -> {
            handlers.add(new WeakReference<>(channel));
            return new EchoHandler(channel, m);
        });
        server.setProxyProtocol(true);
        server.setProxyProtocolTimeout(Duration.ofSeconds(10));
        server.open(new InetSocketAddress("127.0.0.1", 0), 128);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        loop = AsyncLoop.builder(map).threadName("timer-release-loop").build();
        loop.start();
        byte[] header = "PROXY TCP4 192.0.2.1 192.0.2.2 4242 7007\r\nx".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < CYCLES; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(header);
                assertThat(s.getInputStream().read()).isEqualTo('x');
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().connections() == 0);
        assertThat(handlers).hasSize(CYCLES);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    System.gc();
                    return live() == 0;
                });
        assertThat(server.stats().headersPending()).isZero();
    }

    private long live() {
        synchronized (handlers) {
            return handlers.stream().filter(r -> r.get() != null).count();
        }
    }
}
