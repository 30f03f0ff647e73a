package dev.asyncore.handler;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A connector keeps one outbound connection up: it backs off, fails over, times out, reconnects and stops cleanly. */
class ClientConnectorTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private AsyncLoop loop;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Attempts attempts = new Attempts();
    private final List<Dispatcher> handlers = new CopyOnWriteArrayList<>();

    /** What the connector's listener saw, with the time of each attempt. */
    static final class Attempts implements ClientConnectorListener {
        final List<ConnectOutcome> outcomes = new CopyOnWriteArrayList<>();
        final List<Long> times = new CopyOnWriteArrayList<>();
        final List<SocketAddress> addresses = new CopyOnWriteArrayList<>();

        @Override
        public void connectAttempted(
                ClientConnector connector, SocketAddress address, ConnectOutcome outcome, Throwable failure) {
            times.add(System.nanoTime());
            outcomes.add(outcome);
            addresses.add(address);
        }
    }

    /** A client handler that keeps what it reads and closes at end of stream. */
    static final class Recording extends DispatcherWithSend {
        final StringBuffer received = new StringBuffer();

        Recording(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public void handleRead() throws IOException {
            byte[] data = recv(4096);
            received.append(new String(data, StandardCharsets.UTF_8));
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    @BeforeEach
    void startLoop() {
        loop = AsyncLoop.builder(new DispatcherMap())
                .threadName("client-test")
                .daemon(true)
                .build();
        loop.start();
    }

    @AfterEach
    void closeEverything() throws Exception {
        loop.shutdownGracefully(Duration.ZERO);
        loop.map().close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private ClientConnectorBuilder builder() {
        return ClientConnector.builder("test", loop).handler((channel, address, map) -> {
            Recording r = new Recording(channel, map);
            handlers.add(r);
            return r;
        });
    }

    private static ReconnectPolicy backOff(long initialMillis, double multiplier) {
        return ReconnectPolicy.of(Duration.ofMillis(initialMillis), multiplier, Duration.ofMinutes(10), 0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUpstreamDownAtStartIsRetriedAtTheBackOffThenConnectsOnceItListens() throws Exception {
        int port = freePort();
        ClientConnector connector = builder()
                .address(new InetSocketAddress(LOOPBACK, port))
                .reconnect(backOff(200, 1.5))
                .build();
        connector.addListener(attempts);
        connector.start();

        await().until(() -> attempts.outcomes.size() >= 3);
        assertThat(attempts.outcomes.subList(0, 3)).containsOnly(ConnectOutcome.REFUSED);
        assertThat(attempts.times.get(1) - attempts.times.get(0)).isGreaterThanOrEqualTo(millis(200));
        assertThat(attempts.times.get(2) - attempts.times.get(1)).isGreaterThanOrEqualTo(millis(300));
        ClientStatus waiting = await().until(connector::status, (s) -> s.state() == ClientState.WAITING);
        assertThat(waiting.lastError()).isInstanceOf(ConnectException.class);
        assertThat(waiting.nextAttempt()).isNotNull();
        assertThat(waiting.reconnects()).isGreaterThanOrEqualTo(2);

        try (ServerSocket upstream = new ServerSocket()) {
            upstream.setReuseAddress(true);
            upstream.bind(new InetSocketAddress(LOOPBACK, port));
            await().until(() -> connector.state() == ClientState.CONNECTED);
            assertThat(connector.status().address()).isEqualTo(new InetSocketAddress(LOOPBACK, port));
            assertThat(connector.status().connectedSince()).isNotNull();
            assertThat(attempts.outcomes).endsWith(ConnectOutcome.SUCCESS);
            try (Socket accepted = upstream.accept()) {
                connector.stop();
                await().until(() -> connector.state() == ClientState.STOPPED);
                assertThat(accepted.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aHandlerFactoryThatThrowsAnErrorLeavesNothingOpenAndIsTriedAgain() {
        List<Dispatcher> served = new CopyOnWriteArrayList<>();
        LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> {
            EchoHandler h = new EchoHandler(ch, map);
            served.add(h);
            return h;
        });
        closeables.add(upstream);
        AtomicInteger calls = new AtomicInteger();
        ClientConnector connector = ClientConnector.builder("test", loop)
                .handler((channel, address, map) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new AssertionError("first handler refused");
                    }
                    Recording r = new Recording(channel, map);
                    handlers.add(r);
                    return r;
                })
                .address(upstream.address())
                .reconnect(backOff(50, 2))
                .build();
        connector.addListener(attempts);
        connector.start();

        await().until(() -> connector.state() == ClientState.CONNECTED);
        assertThat(attempts.outcomes).first().isNotEqualTo(ConnectOutcome.SUCCESS);
        assertThat(attempts.outcomes).endsWith(ConnectOutcome.SUCCESS);
        assertThat(calls.get()).isEqualTo(2);
        // the first connection's channel was closed, not left behind: only the second handler is in the map
        assertThat(loop.submit(() -> loop.map().size()).join()).isEqualTo(1);
        await().until(() -> served.stream().filter(d -> d.socket().isOpen()).count() == 1);
    }

    @Test
    void aDroppedConnectionIsMadeAgainAndTheFactorySeesANewChannel() {
        List<Dispatcher> served = new CopyOnWriteArrayList<>();
        LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> {
            EchoHandler h = new EchoHandler(ch, map);
            served.add(h);
            return h;
        });
        closeables.add(upstream);
        ClientConnector connector =
                builder().address(upstream.address()).reconnect(backOff(50, 2)).build();
        connector.start();
        await().until(() -> connector.state() == ClientState.CONNECTED && served.size() == 1);

        upstream.loop().execute(() -> served.get(0).close());

        await().until(() -> handlers.size() == 2 && connector.state() == ClientState.CONNECTED);
        assertThat(handlers.get(0).socket()).isNotSameAs(handlers.get(1).socket());
        assertThat(connector.status().reconnects()).isEqualTo(1);
        assertThat(served).hasSize(2);

        loop.submit(() -> ((Recording) connector.handler()).send("ping".getBytes(StandardCharsets.UTF_8)))
                .join();
        await().until(() -> ((Recording) handlers.get(1)).received.toString().equals("ping"));
        await().until(() -> connector.bytesSent() == 4 && connector.bytesReceived() == 4);
    }

    @Test
    void failsOverToTheSecondHostWhenTheFirstRefuses() throws Exception {
        LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
        closeables.add(upstream);
        InetSocketAddress dead = new InetSocketAddress(LOOPBACK, freePort());
        ClientConnector connector = builder()
                .address(dead)
                .address(upstream.address())
                .reconnect(backOff(50, 2))
                .build();
        connector.addListener(attempts);
        connector.start();

        await().until(() -> connector.state() == ClientState.CONNECTED);
        assertThat(connector.status().address()).isEqualTo(upstream.address());
        assertThat(attempts.outcomes).containsExactly(ConnectOutcome.REFUSED, ConnectOutcome.SUCCESS);
        assertThat(attempts.addresses).containsExactly(dead, upstream.address());
        assertThat(connector.status().reconnects()).isZero();
    }

    @Test
    void aConnectToABlackHoledAddressTimesOut() throws Exception {
        ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
        closeables.add(full);
        InetSocketAddress target = new InetSocketAddress(LOOPBACK, full.getLocalPort());
        fillBacklog(target);
        ClientConnector connector = builder()
                .address(target)
                .connectTimeout(Duration.ofMillis(300))
                .reconnect(ReconnectPolicy.NONE)
                .build();
        connector.addListener(attempts);
        connector.start();

        await().until(() -> connector.state() == ClientState.STOPPED && !attempts.outcomes.isEmpty());
        assertThat(attempts.outcomes).containsExactly(ConnectOutcome.TIMEOUT);
        assertThat(connector.status().lastError())
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("timed out");
        assertThat(handlers).isEmpty();
        await().until(() -> loop.map().isEmpty());
    }

    /** Fills the accept queue of a listener that never accepts, until a connect to it no longer completes. */
    private void fillBacklog(InetSocketAddress target) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            closeables.add(filler);
            try {
                filler.connect(target, 500);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new IllegalStateException("the kernel kept completing connects to a full backlog");
    }

    @Test
    void stopWhileWaitingCancelsTheRetryAndLeavesNothingOpen() throws Exception {
        ClientConnector connector = builder()
                .address(new InetSocketAddress(LOOPBACK, freePort()))
                .reconnect(backOff(60_000, 2))
                .build();
        connector.addListener(attempts);
        connector.start();
        connector.start();
        await().until(() -> connector.state() == ClientState.WAITING);
        assertThat(attempts.outcomes).hasSize(1);

        connector.stop();
        connector.stop();

        await().until(() -> connector.state() == ClientState.STOPPED);
        assertThat(connector.status().nextAttempt()).isNull();
        assertThat(loop.map().isEmpty()).isTrue();
        assertThat(attempts.outcomes).hasSize(1);
    }

    @Test
    void stopWhileConnectingAbandonsTheAttempt() throws Exception {
        ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
        closeables.add(full);
        InetSocketAddress target = new InetSocketAddress(LOOPBACK, full.getLocalPort());
        fillBacklog(target);
        ClientConnector connector =
                builder().address(target).connectTimeout(Duration.ofMinutes(1)).build();
        connector.start();
        await().until(() ->
                connector.state() == ClientState.CONNECTING && loop.map().size() == 1);

        connector.stop();

        await().until(() ->
                connector.state() == ClientState.STOPPED && loop.map().isEmpty());
    }

    @Test
    void withoutReconnectADropStopsTheConnector() throws Exception {
        List<Dispatcher> served = new CopyOnWriteArrayList<>();
        LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> {
            EchoHandler h = new EchoHandler(ch, map);
            served.add(h);
            return h;
        });
        closeables.add(upstream);
        ClientConnector connector = builder()
                .address(upstream.address())
                .reconnect(ReconnectPolicy.NONE)
                .build();
        connector.start();
        await().until(() -> connector.state() == ClientState.CONNECTED && served.size() == 1);

        upstream.loop().execute(() -> served.get(0).close());

        await().until(() -> connector.state() == ClientState.STOPPED);
        assertThat(handlers).hasSize(1);
        assertThat(connector.status().reconnects()).isZero();
    }

    @Test
    void anIdleConnectionIsClosedAndMadeAgain() {
        LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
        closeables.add(upstream);
        ClientConnector connector = builder()
                .address(upstream.address())
                .idleTimeout(Duration.ofMillis(200))
                .reconnect(backOff(50, 1))
                .build();
        connector.start();

        await().until(() -> handlers.size() >= 2);
        assertThat(connector.status().reconnects()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void addressesFromASourceAreReadAgainAtStart() throws IOException {
        LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
        closeables.add(upstream);
        List<InetSocketAddress> current =
                new CopyOnWriteArrayList<>(List.of(new InetSocketAddress(LOOPBACK, freePort())));
        ClientConnector connector = builder()
                .addresses(() -> List.copyOf(current))
                .reconnect(backOff(50, 1))
                .build();
        current.set(0, upstream.address());

        connector.start();

        await().until(() -> connector.state() == ClientState.CONNECTED);
        assertThat(connector.addresses()).containsExactly(upstream.address());
    }

    @Test
    void aStatusIsReadableBeforeStart() throws IOException {
        ClientConnector connector = builder().address("localhost", freePort()).build();
        assertThat(connector.state()).isEqualTo(ClientState.STOPPED);
        assertThat(connector.status().address()).isNull();
        assertThat(connector.addresses()).hasSize(1);
    }

    private static long millis(long ms) {
        return Duration.ofMillis(ms).toNanos();
    }
}
