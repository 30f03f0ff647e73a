package dev.asyncore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.handler.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link AsyncLoop}: cross-thread tasks, graceful shutdown, failure, idle timeout. */
class AsyncLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DispatcherMap map = new DispatcherMap();
    private final List<Socket> sockets = new ArrayList<>();
    private AsyncLoop loop;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (loop != null) {
            loop.close();
            assertThat(loop.isTerminated()).isTrue();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private Socket connect(java.net.SocketAddress address) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(address, 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private ServerDispatcher echoServer(SocketOptions options) throws IOException {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.setSocketOptions(options);
        server.open(new InetSocketAddress("127.0.0.1", 0), 16);
        return server;
    }

    private static void assertClosedByServer(Socket s) throws IOException {
        try {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was not closed", e);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }

    @Test
    void executeFromAnotherThreadWakesTheSelector() throws Exception {
        echoServer(SocketOptions.DEFAULTS);
        loop = AsyncLoop.builder(map)
                .threadName("wakeup-loop")
                .timeout(Duration.ofSeconds(30))
                .build();
        loop.start();
        loop.start();
        assertThat(loop.isRunning()).isTrue();
        assertThat(loop.inEventLoop()).isFalse();
        // let the loop block in its 30 s select
        await().atMost(WAIT).until(() -> loop.passes() >= 0);
        CompletableFuture<String> ran = new CompletableFuture<>();
        long start = System.nanoTime();
        loop.execute(() -> ran.complete(Thread.currentThread().getName() + " " + loop.inEventLoop()));
        assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo("wakeup-loop true");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // and again, once the loop is surely blocked again
        CountDownLatch second = new CountDownLatch(1);
        loop.execute(second::countDown);
        assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void tasksRunInOrderOnTheLoopThread() throws Exception {
        loop = AsyncLoop.builder(map)
                .threadName("order-loop")
                .timeout(Duration.ofSeconds(30))
                .build();
        loop.start();
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.execute(() -> order.add(n));
        }
        loop.execute(done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(order).hasSize(100).isSorted();
    }

    @Test
    void aTaskQueuedAsTheLoopStartsIsRunWithoutWaitingForTheTimeout() throws Exception {
        // A task handed over while the new loop thread has just found its queue empty used to find no selector to wake,
        // and waited for the 30 s timeout. Many fresh loops make that window likely to be hit.
        for (int i = 0; i < 200; i++) {
            DispatcherMap fresh = new DispatcherMap();
            AsyncLoop started = AsyncLoop.builder(fresh)
                    .threadName("wakeup-loop-" + i)
                    .timeout(Duration.ofSeconds(30))
                    .build();
            try {
                started.start();
                CountDownLatch ran = new CountDownLatch(1);
                started.execute(ran::countDown);
                assertThat(ran.await(5, TimeUnit.SECONDS))
                        .as("task on loop %d ran within 5 s", i)
                        .isTrue();
            } finally {
                started.close();
            }
        }
    }

    @Test
    void gracefulShutdownClosesListenersAtOnceAndLetsEchoesFinish() throws Exception {
        // small buffers so that the echo is still queued in the handler when the shutdown starts
        ServerDispatcher server = echoServer(new SocketOptions(true, false, 0, 4096));
        loop = AsyncLoop.builder(map)
                .threadName("graceful-loop")
                .timeout(Duration.ofMillis(50))
                .build();
        loop.start();
        Socket client = new Socket();
        sockets.add(client);
        client.setReceiveBufferSize(4096);
        client.connect(server.localAddress(), 5000);
        client.setSoTimeout(5000);
        byte[] data = new byte[60 * 1024];
        new Random(7).nextBytes(data);
        client.getOutputStream().write(data);
        await().atMost(WAIT).until(() -> server.stats().bytesReceived() == data.length);
        assertThat(map.connected()).isEqualTo(1);

        CompletableFuture<Boolean> finished = CompletableFuture.supplyAsync(() -> loop.shutdownGracefully(WAIT));
        await().atMost(WAIT).until(() -> map.listening() == 0);
        assertThatThrownBy(() -> new Socket()
                        .connect(
                                server.localAddress() == null
                                        ? new InetSocketAddress("127.0.0.1", client.getPort())
                                        : server.localAddress(),
                                2000))
                .isInstanceOf(ConnectException.class);
        assertThat(loop.isShuttingDown()).isTrue();
        assertThat(finished).isNotDone();

        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        InputStream in = client.getInputStream();
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) > 0; ) {
            echoed.write(chunk, 0, n);
        }
        assertThat(echoed.toByteArray())
                .as("everything read was echoed before the end of stream")
                .isEqualTo(data);
        // the handler half-closed after its last byte and waits for the peer to finish too, as a client does on EOF
        client.close();
        assertThat(finished.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(loop.isTerminated()).isTrue();
        assertThat(loop.failure()).isNull();
        assertThat(map.size()).isZero();
        assertThat(loop.awaitTermination(Duration.ZERO)).isTrue();
        assertThatThrownBy(() -> loop.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void gracefulShutdownReturnsFalseWhenAConnectionDoesNotFinish() throws Exception {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new Dispatcher(channel, m) {
            @Override
            public boolean writable() {
                return false;
            }

            @Override
            public void handleRead() throws IOException {
                recv(ByteBuffer.allocate(64));
            }
        });
        server.open(new InetSocketAddress("127.0.0.1", 0), 5);
        loop = AsyncLoop.builder(map)
                .threadName("stubborn-loop")
                .timeout(Duration.ofMillis(50))
                .build();
        List<String> told = new CopyOnWriteArrayList<>();
        loop.addListener(new AsyncLoop.Listener() {
            @Override
            public void shutdownStarted() {
                told.add("started");
            }

            @Override
            public void terminated(Throwable failure) {
                told.add("terminated " + failure);
            }
        });
        loop.start();
        Socket client = connect(server.localAddress());
        await().atMost(WAIT).until(() -> map.connected() == 1);
        long start = System.nanoTime();
        assertThat(loop.shutdownGracefully(Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(loop.isTerminated()).isTrue();
        assertClosedByServer(client);
        assertThat(told).containsExactly("started", "terminated null");
    }

    @Test
    void shutdownOfALoopNeverStartedClosesItsChannels() throws IOException {
        ServerDispatcher server = echoServer(SocketOptions.DEFAULTS);
        loop = new AsyncLoop(map);
        assertThat(loop.shutdownGracefully(Duration.ofSeconds(1))).isTrue();
        assertThat(loop.isTerminated()).isTrue();
        assertThat(server.socket().isOpen()).isFalse();
    }

    @Test
    void anErrorFromATaskKillsTheLoop() throws Exception {
        ServerDispatcher server = echoServer(SocketOptions.DEFAULTS);
        loop = AsyncLoop.builder(map)
                .threadName("dying-loop")
                .timeout(Duration.ofMillis(100))
                .build();
        AtomicReference<Throwable> told = new AtomicReference<>();
        CountDownLatch terminated = new CountDownLatch(1);
        loop.addListener(new AsyncLoop.Listener() {
            @Override
            public void terminated(Throwable failure) {
                told.set(failure);
                terminated.countDown();
            }
        });
        loop.start();
        Socket client = connect(server.localAddress());
        client.getOutputStream().write('x');
        assertThat(client.getInputStream().read()).isEqualTo('x');
        Error boom = new Error("boom");
        loop.execute(() -> {
            throw boom;
        });
        assertThat(terminated.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(told.get()).isSameAs(boom);
        assertThat(loop.failure()).isSameAs(boom);
        assertThat(loop.isTerminated()).isTrue();
        assertThat(loop.isRunning()).isFalse();
        assertClosedByServer(client);
        assertThat(map.size()).isZero();
    }

    @Test
    void anExceptionFromATaskIsLoggedAndTheLoopGoesOn() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        map.setLogSink((source, type, message) -> logged.add(type + ": " + message));
        loop = AsyncLoop.builder(map)
                .threadName("surviving-loop")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
        loop.execute(() -> {
            throw new IllegalStateException("task failed");
        });
        CountDownLatch after = new CountDownLatch(1);
        loop.execute(after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.isRunning()).isTrue();
        assertThat(logged).anyMatch(m -> m.startsWith("error: ") && m.contains("task failed"));
    }

    @Test
    void idleTimeoutClosesASilentConnection() throws Exception {
        ServerDispatcher server = echoServer(SocketOptions.DEFAULTS);
        server.setIdleTimeout(Duration.ofMillis(300));
        loop = AsyncLoop.builder(map)
                .threadName("idle-loop")
                .timeout(Duration.ofMillis(50))
                .build();
        loop.start();
        long start = System.nanoTime();
        try (SocketChannel silent = SocketChannel.open(server.localAddress())) {
            silent.configureBlocking(false);
            Socket talker = connect(server.localAddress());
            await().atMost(WAIT).until(() -> server.stats().connections() == 2);
            ByteBuffer one = ByteBuffer.allocate(1);
            // the talker keeps its connection busy while the silent one waits for the idle timeout
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                talker.getOutputStream().write('t');
                assertThat(talker.getInputStream().read()).isEqualTo('t');
                one.clear();
                try {
                    return silent.read(one) < 0;
                } catch (IOException reset) {
                    return true;
                }
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            talker.getOutputStream().write('u');
            assertThat(talker.getInputStream().read())
                    .as("a busy connection is not idle")
                    .isEqualTo('u');
            await().atMost(WAIT).until(() -> server.stats().connections() == 1);
        }
    }

    @Test
    void aListenerThatFailsAtShutdownDoesNotKeepTheOthersUninformed() throws Exception {
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        map.setLogSink((source, type, message) -> logged.add(type + ": " + message));
        loop = AsyncLoop.builder(map).threadName("listener-failure-loop").build();
        loop.addListener(new AsyncLoop.Listener() {
            @Override
            public void shutdownStarted() {
                throw new IllegalStateException("listener broke");
            }
        });
        loop.addListener(new AsyncLoop.Listener() {
            @Override
            public void shutdownStarted() {
                told.add("shutdownStarted");
            }

            @Override
            public void terminated(Throwable failure) {
                told.add("terminated " + failure);
            }
        });
        loop.start();

        assertThat(loop.shutdownGracefully(Duration.ofSeconds(1))).isTrue();

        assertThat(told).containsExactly("shutdownStarted", "terminated null");
        assertThat(logged)
                .contains("error: asyncore loop listener failed: java.lang.IllegalStateException: listener broke");
    }
}
