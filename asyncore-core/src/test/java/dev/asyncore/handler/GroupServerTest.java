package dev.asyncore.handler;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** {@link GroupServer} over an {@link AsyncLoopGroup} of two loops, with each way to spread connections. */
class GroupServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CONNECTIONS = 24;

    @TempDir
    Path dir;

    private final List<Socket> sockets = new ArrayList<>();
    private final List<RecordingEcho> handlers = new CopyOnWriteArrayList<>();
    private final AsyncLoopGroup group = AsyncLoopGroup.builder(2)
            .threadName("group-test")
            .timeout(Duration.ofMillis(100))
            .build();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        group.close();
        assertThat(group.isTerminated()).isTrue();
    }

    /** An echo handler that records the thread of its construction and of each of its events. */
    static final class RecordingEcho extends EchoHandler {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        RecordingEcho(SocketChannel sock, DispatcherMap map) {
            super(sock, map);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void handleRead() throws IOException {
            threads.add(Thread.currentThread().getName());
            super.handleRead();
        }

        @Override
        public void handleWrite() throws IOException {
            threads.add(Thread.currentThread().getName());
            super.handleWrite();
        }
    }

    private GroupServer open(GroupServer.Spread spread, SocketAddress address) throws IOException {
        GroupServer server = new GroupServer(group, (channel, peer, map) -> {
            RecordingEcho h = new RecordingEcho(channel, map);
            handlers.add(h);
            return h;
        });
        server.setSpread(spread);
        server.open(address, 64, true);
        group.start();
        return server;
    }

    private Socket connect(SocketAddress address) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(address, 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String echo(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] got = s.getInputStream().readNBytes(text.length());
        return new String(got, StandardCharsets.US_ASCII);
    }

    /** Whether a new connection is closed by the server: reset while connecting, or ended or reset once connected. */
    private boolean refused(SocketAddress address) throws IOException {
        Socket s;
        try {
            s = connect(address);
        } catch (SocketException reset) {
            return true;
        }
        return closedByServer(s);
    }

    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = GroupServer.Spread.class,
            names = {"REUSE_PORT", "HAND_OFF"})
    void connectionsSpreadOverTheLoopsAndEachHandlerKeepsToOneThread(GroupServer.Spread spread) throws IOException {
        assumeThat(spread != GroupServer.Spread.REUSE_PORT
                        || ServerDispatcher.supportsReusePort(new InetSocketAddress("127.0.0.1", 0)))
                .as("SO_REUSEPORT is not available on this platform")
                .isTrue();
        GroupServer server = open(spread, new InetSocketAddress("127.0.0.1", 0));
        assertThat(server.spread()).isEqualTo(spread);
        for (int i = 0; i < CONNECTIONS; i++) {
            Socket s = connect(server.localAddress());
            assertThat(echo(s, "hello " + i)).isEqualTo("hello " + i);
            assertThat(echo(s, "again " + i)).isEqualTo("again " + i);
        }
        await().atMost(WAIT).until(() -> handlers.size() == CONNECTIONS);
        for (RecordingEcho h : handlers) {
            assertThat(h.threads).hasSize(1).containsExactly(h.loop().threadName());
        }
        Set<String> used = handlers.stream().flatMap(h -> h.threads.stream()).collect(Collectors.toSet());
        assertThat(used).containsExactlyInAnyOrder("group-test-0", "group-test-1");
        assertThat(server.connections()).isEqualTo(CONNECTIONS);
        long accepted = server.stats().stream().mapToLong(st -> st.accepted()).sum();
        assertThat(accepted).isEqualTo(CONNECTIONS);
        List<Integer> perLoop = new ArrayList<>();
        for (AsyncLoop loop : group) {
            perLoop.add(loop.map().connected());
        }
        System.out.println("GroupServer " + spread + ": connections per loop " + perLoop);
    }

    @Test
    void handOffIsChosenForUnixDomainSockets() throws IOException {
        GroupServer server = open(GroupServer.Spread.AUTO, UnixDomainSocketAddress.of(dir.resolve("group.sock")));
        assertThat(server.spread()).isEqualTo(GroupServer.Spread.HAND_OFF);
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(SocketChannel.open(server.localAddress()));
            }
            await().atMost(WAIT).until(() -> server.connections() == 4);
            assertThat(group.loop(0).map().connected()).isEqualTo(2);
            assertThat(group.loop(1).map().connected()).isEqualTo(2);
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    @Test
    void theConnectionLimitCountsEveryLoop() throws IOException {
        GroupServer server = new GroupServer(group, (channel, peer, map) -> new EchoHandler(channel, map));
        server.setSpread(GroupServer.Spread.HAND_OFF).configure(s -> s.setMaxConnections(2));
        server.open(new InetSocketAddress("127.0.0.1", 0), 16, true);
        group.start();
        Socket first = connect(server.localAddress());
        Socket second = connect(server.localAddress());
        assertThat(echo(first, "one")).isEqualTo("one");
        assertThat(echo(second, "two")).isEqualTo("two");
        assertThat(group.loop(0).map().connected()).isEqualTo(1);
        assertThat(group.loop(1).map().connected()).isEqualTo(1);
        assertThat(refused(server.localAddress())).isTrue();
        await().atMost(WAIT)
                .until(() ->
                        server.stats().stream().mapToLong(st -> st.rejected()).sum() == 1);
    }

    @Test
    void aProxyHeaderIsReadByTheAcceptorAndTheHandlerOnAnotherLoopSeesTheClientAddress() throws IOException {
        GroupServer server = new GroupServer(group, (channel, peer, map) -> {
            RecordingEcho h = new RecordingEcho(channel, map);
            handlers.add(h);
            return h;
        });
        server.setSpread(GroupServer.Spread.HAND_OFF).configure(s -> s.setProxyProtocol(true));
        server.open(new InetSocketAddress("127.0.0.1", 0), 16, true);
        group.start();
        for (int i = 0; i < 2; i++) {
            Socket s = connect(server.localAddress());
            s.getOutputStream()
                    .write(("PROXY TCP4 192.0.2." + (7 + i) + " 127.0.0.1 5000 80\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(echo(s, "after header " + i)).isEqualTo("after header " + i);
        }
        await().atMost(WAIT).until(() -> handlers.size() == 2);
        assertThat(handlers.get(1).loop()).isSameAs(group.loop(1));
        assertThat(((InetSocketAddress) handlers.get(1).addr()).getHostString()).isEqualTo("192.0.2.8");
        assertThat(handlers.get(1).threads).containsExactly("group-test-1");
    }

    @ParameterizedTest
    @EnumSource(
            value = GroupServer.Spread.class,
            names = {"REUSE_PORT", "HAND_OFF"})
    void aFailingHandlerClosesItsConnectionOnlyAndEveryLoopGoesOn(GroupServer.Spread spread) throws IOException {
        assumeThat(spread != GroupServer.Spread.REUSE_PORT
                        || ServerDispatcher.supportsReusePort(new InetSocketAddress("127.0.0.1", 0)))
                .as("SO_REUSEPORT is not available on this platform")
                .isTrue();
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        GroupServer server = new GroupServer(group, (channel, peer, map) -> {
            if (made.getAndIncrement() % 2 == 0) {
                throw new IllegalStateException("handler failure for the test");
            }
            return new EchoHandler(channel, map);
        });
        server.setSpread(spread).open(new InetSocketAddress("127.0.0.1", 0), 64, true);
        group.start();
        int served = 0;
        for (int i = 0; i < 8; i++) {
            Socket s = connect(server.localAddress());
            s.getOutputStream().write('x');
            int b;
            try {
                b = s.getInputStream().read();
            } catch (SocketException reset) {
                b = -1;
            }
            served += b == 'x' ? 1 : 0;
        }
        assertThat(served).isEqualTo(4);
        assertThat(group.loops()).allMatch(AsyncLoop::isRunning);
        assertThat(server.localAddress()).isNotNull();
        await().atMost(WAIT)
                .until(() ->
                        server.stats().stream().mapToLong(st -> st.rejected()).sum() == 4);
    }

    @Test
    void executeRunsOnTheDispatchersOwnLoop() throws Exception {
        GroupServer server = open(GroupServer.Spread.HAND_OFF, new InetSocketAddress("127.0.0.1", 0));
        connect(server.localAddress());
        connect(server.localAddress());
        await().atMost(WAIT).until(() -> handlers.size() == 2);
        RecordingEcho onFirst = handlers.get(0);
        RecordingEcho onSecond = handlers.get(1);
        assertThat(onFirst.loop()).isNotSameAs(onSecond.loop());
        Set<String> ranOn = ConcurrentHashMap.newKeySet();
        // from a handler's loop to the other loop's dispatcher, and from a thread outside the group
        onFirst.execute(() -> onSecond.execute(
                () -> ranOn.add("second:" + Thread.currentThread().getName())));
        onFirst.execute(() -> ranOn.add("first:" + Thread.currentThread().getName()));
        await().atMost(WAIT).until(() -> ranOn.size() == 2);
        assertThat(ranOn)
                .containsExactlyInAnyOrder(
                        "first:" + onFirst.loop().threadName(),
                        "second:" + onSecond.loop().threadName());
    }

    @Test
    void gracefulShutdownDrainsEveryLoop() throws Exception {
        GroupServer server = open(GroupServer.Spread.HAND_OFF, new InetSocketAddress("127.0.0.1", 0));
        SocketAddress address = server.localAddress();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = connect(address);
            assertThat(echo(s, "x" + i)).isEqualTo("x" + i);
            clients.add(s);
        }
        assertThat(group.loop(0).map().connected()).isEqualTo(2);
        assertThat(group.loop(1).map().connected()).isEqualTo(2);
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        Thread stopper = new Thread(() -> drained.complete(group.shutdownGracefully(WAIT)), "group-test-stopper");
        stopper.start();
        // the echo handlers finish their output when the shutdown begins, on both loops; the clients then close
        for (Socket s : clients) {
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            s.close();
        }
        assertThat(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        stopper.join();
        assertThat(group.isTerminated()).isTrue();
        assertThat(server.localAddress()).isNull();
    }

    @Test
    void aGroupOfOneKeepsTheThreadNameAndSeveralAddAnIndex() {
        AsyncLoop alone = AsyncLoopGroup.builder(1)
                .threadName("asyncore-loop")
                .loop(0, new DispatcherMap())
                .build();
        AsyncLoopGroup.Builder two = AsyncLoopGroup.builder(2).threadName("asyncore-loop");
        AsyncLoop second = two.loop(1, new DispatcherMap()).build();
        try {
            assertThat(alone.threadName()).isEqualTo("asyncore-loop");
            assertThat(second.threadName()).isEqualTo("asyncore-loop-1");
            assertThatThrownBy(() -> two.loop(2, new DispatcherMap())).isInstanceOf(IndexOutOfBoundsException.class);
        } finally {
            alone.shutdownGracefully(Duration.ZERO);
            second.shutdownGracefully(Duration.ZERO);
        }
        assertThat(group.loops()).extracting(AsyncLoop::threadName).containsExactly("group-test-0", "group-test-1");
        assertThat(List.of(group.next(), group.next(), group.next()))
                .containsExactly(group.loop(0), group.loop(1), group.loop(0));
    }
}
