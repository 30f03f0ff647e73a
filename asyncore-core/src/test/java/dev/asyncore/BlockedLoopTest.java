package dev.asyncore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.internal.loop.LoopWatchdog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The watchdog: a handler that holds the loop is reported once, with its stack; nothing else is. */
class BlockedLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DispatcherMap map = new DispatcherMap();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Logged> logged = new CopyOnWriteArrayList<>();
    private final List<BlockedLoop> told = new CopyOnWriteArrayList<>();
    private AsyncLoop loop;

    /** One line the loop's log sink received. */
    record Logged(String type, String message, Throwable error) {}

    /** The byte on which {@link Slow} blocks the loop. */
    private static final byte SLEEP = 'S';

    /** An echo handler that blocks the loop thread when it reads {@link #SLEEP}: the code the watchdog must name. */
    static final class Slow extends EchoHandler {
        private final long sleepMillis;
        private final CountDownLatch sleeping;

        Slow(SocketChannel sock, DispatcherMap map, long sleepMillis, CountDownLatch sleeping) {
            super(sock, map);
            this.sleepMillis = sleepMillis;
            this.sleeping = sleeping;
        }

        @Override
        public void handleRead() throws IOException {
            ByteBuffer peek = ByteBuffer.allocate(1);
            int n = recv(peek);
            if (n > 0 && peek.get(0) == SLEEP) {
                sleeping.countDown();
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (n > 0) {
                send(peek.flip());
            }
        }
    }

    @BeforeEach
    void sink() {
        map.setLogSink(new LogSink() {
            @Override
            public void log(Dispatcher source, String type, String message) {
                logged.add(new Logged(type, message, null));
            }

            @Override
            public void log(Dispatcher source, String type, String message, Throwable error) {
                logged.add(new Logged(type, message, error));
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private AsyncLoop start(Duration warning) {
        loop = AsyncLoop.builder(map)
                .threadName("blocked-test-loop")
                .timeout(Duration.ofMillis(200))
                .blockedWarning(warning)
                .build();
        loop.addListener(new AsyncLoop.Listener() {
            @Override
            public void blocked(BlockedLoop event) {
                assertThat(loop.inEventLoop()).isTrue();
                told.add(event);
            }
        });
        loop.start();
        return loop;
    }

    private SocketAddress slowServer(long sleepMillis, CountDownLatch sleeping) throws Exception {
        return loop.submit(() -> {
                    ServerDispatcher server = new ServerDispatcher(
                            map, (channel, peer, m) -> new Slow(channel, m, sleepMillis, sleeping));
                    server.open(new InetSocketAddress("127.0.0.1", 0), 16);
                    return server.localAddress();
                })
                .get(10, TimeUnit.SECONDS);
    }

    private Socket connect(SocketAddress address) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(address, 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static void roundTrip(Socket s, byte b) throws IOException {
        s.getOutputStream().write(b);
        InputStream in = s.getInputStream();
        assertThat(in.read()).isEqualTo(b & 0xff);
    }

    private List<Logged> blockedWarnings() {
        return logged.stream()
                .filter(l -> l.type().equals("warning") && l.message().contains("blocked for"))
                .toList();
    }

    private static boolean watchdogAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals(LoopWatchdog.THREAD_NAME));
    }

    @Test
    void aHandlerThatSleepsIsReportedOnceWithItsStack() throws Exception {
        start(Duration.ofMillis(100));
        Socket client = connect(slowServer(300, new CountDownLatch(1)));

        // A first, quick request loads the classes of accepting and echoing: on a busy machine that alone may hold a
        // fresh loop past the warning, and it is not what this test is about.
        roundTrip(client, (byte) 1);
        long before = loop.submit(() -> loop.blockedCount()).get(5, TimeUnit.SECONDS);
        int toldBefore = told.size();
        int warnedBefore = blockedWarnings().size();

        roundTrip(client, SLEEP);

        await().atMost(WAIT).until(() -> told.size() > toldBefore);
        String handler = Slow.class.getName() + ".handleRead";
        BlockedLoop event = told.get(toldBefore);
        assertThat(event.loop()).isEqualTo("blocked-test-loop");
        assertThat(event.handler()).isEqualTo(handler);
        assertThat(event.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(event.stack()).anyMatch(f -> f.getMethodName().equals("sleep"));
        assertThat(loop.blockedCount()).isEqualTo(before + 1);
        assertThat(loop.lastBlocked()).isSameAs(event);

        List<Logged> warnings =
                blockedWarnings().subList(warnedBefore, blockedWarnings().size());
        assertThat(warnings).hasSize(1);
        Logged warning = warnings.get(0);
        assertThat(warning.message())
                .startsWith("asyncore loop 'blocked-test-loop' blocked for ")
                .contains(" ms in " + handler);
        assertThat(warning.error()).isNotNull();
        assertThat(Arrays.stream(warning.error().getStackTrace()).map(f -> f.getClassName() + "." + f.getMethodName()))
                .contains(handler);

        // Another, quick request: the episode is over and stays one.
        roundTrip(client, (byte) 2);
        assertThat(loop.submit(() -> loop.blockedCount()).get(5, TimeUnit.SECONDS))
                .isEqualTo(before + 1);
        assertThat(blockedWarnings()).hasSize(warnedBefore + 1);
        assertThat(told).hasSize(toldBefore + 1);
    }

    @Test
    void onPythonsStreamsTheFramesFollowTheLine() throws Exception {
        map.setLogSink(LogSink.STANDARD_STREAMS);
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            start(Duration.ofMillis(50));
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(() -> blockFor(200, ran));
            await().atMost(WAIT).until(() -> told.size() == 1);
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("warning: asyncore loop 'blocked-test-loop' blocked for ");
        assertThat(text)
                .containsPattern(
                        "\\n    at \\S*" + BlockedLoopTest.class.getName().replace(".", "\\.") + "\\.blockFor\\(");
    }

    @Test
    void aBlockingTaskIsNamedByItsOwnCode() throws Exception {
        start(Duration.ofMillis(50));
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(() -> blockFor(200, ran));

        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> told.size() == 1);
        assertThat(told.get(0).handler()).startsWith(BlockedLoopTest.class.getName() + ".");
        assertThat(told.get(0).duration()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(blockedWarnings()).hasSize(1);
    }

    private static void blockFor(long millis, CountDownLatch done) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        done.countDown();
    }

    @Test
    void zeroTurnsTheWatchdogOff() throws Exception {
        await().atMost(WAIT).until(() -> !watchdogAlive());
        start(Duration.ZERO);
        assertThat(loop.blockedWarning()).isZero();
        CountDownLatch sleeping = new CountDownLatch(1);
        Socket client = connect(slowServer(300, sleeping));

        client.getOutputStream().write(SLEEP);
        assertThat(sleeping.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(watchdogAlive()).isFalse();
        assertThat(client.getInputStream().read()).isEqualTo(SLEEP);

        assertThat(loop.blockedCount()).isZero();
        assertThat(loop.lastBlocked()).isNull();
        assertThat(blockedWarnings()).isEmpty();
        assertThat(told).isEmpty();
    }

    @Test
    void aLoopIdleInSelectIsNeverBlocked() {
        start(Duration.ofMillis(20));
        long passes = loop.passes();
        // Each pass waits its whole 200 ms timeout in select: ten times the warning.
        await().atMost(WAIT).until(() -> loop.passes() >= passes + 4);

        assertThat(loop.blockedCount()).isZero();
        assertThat(blockedWarnings()).isEmpty();
    }

    @Test
    void manyShortCallsDoNotAddUp() throws Exception {
        start(Duration.ofMillis(200));
        Socket client = connect(slowServer(10, new CountDownLatch(1)));

        // 40 calls of 10 ms: twice the warning in all, each far below it.
        for (int i = 0; i < 40; i++) {
            roundTrip(client, SLEEP);
        }

        assertThat(loop.submit(() -> loop.blockedCount()).get(5, TimeUnit.SECONDS))
                .isZero();
        assertThat(blockedWarnings()).isEmpty();
    }

    @Test
    void theWatchdogThreadEndsWithTheLastLoop() {
        AsyncLoopGroup group = AsyncLoopGroup.builder(2)
                .threadName("blocked-test-group")
                .blockedWarning(Duration.ofMillis(80))
                .daemon(true)
                .build();
        try {
            group.start();
            for (AsyncLoop each : group) {
                assertThat(each.blockedWarning()).isEqualTo(Duration.ofMillis(80));
            }
            await().atMost(WAIT).until(BlockedLoopTest::watchdogAlive);
        } finally {
            group.close();
        }
        await().atMost(WAIT).until(() -> !watchdogAlive());
        assertThat(LoopWatchdog.watched()).isZero();
    }

    @Test
    void aNegativeWarningIsRejectedWithItsValue() {
        assertThatThrownBy(() -> AsyncLoop.builder(map).blockedWarning(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-0.005S");
        assertThatThrownBy(() -> AsyncLoopGroup.builder(1).blockedWarning(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
        assertThat(AsyncLoop.builder(map).build().blockedWarning()).isEqualTo(AsyncLoop.DEFAULT_BLOCKED_WARNING);
    }
}
