package dev.asyncore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.GroupServer;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link Dispatcher#executeBlocking} and {@link Offload} over real loopback sockets: order under pipelining, close during a
 * call, the per-dispatcher limit pausing reads, rejection, failure delivery, and a group of loops.
 */
class OffloadTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<LineHandler> handlers = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final AsyncLoop loop = AsyncLoop.builder(new DispatcherMap())
            .threadName("offload-test")
            .timeout(Duration.ofMillis(100))
            .build();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        loop.close();
        pool.shutdownNow();
        assertThat(loop.isTerminated()).isTrue();
    }

    /** What a {@link LineHandler} does with each line. Loop thread. */
    interface Behaviour {
        void line(LineHandler handler, String line) throws Exception;
    }

    /** A line protocol handler whose behaviour the test chooses; records its errors and the threads of its callbacks. */
    static final class LineHandler extends AsyncChat {
        final Behaviour behaviour;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

        LineHandler(SocketChannel sock, DispatcherMap map, Behaviour behaviour) {
            super(sock, map);
            this.behaviour = behaviour;
            setTerminator("\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            collectIncomingDataDefault(data);
        }

        @Override
        protected void foundTerminator() throws Exception {
            behaviour.line(this, new String(getData(), StandardCharsets.US_ASCII));
        }

        @Override
        public void handleError(Throwable t) {
            errors.add(t);
            super.handleError(t);
        }

        /** Replies with a line, recording the thread. */
        void reply(String text) {
            callbackThreads.add(Thread.currentThread().getName());
            push((text + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private ServerDispatcher serve(Offload offload, Behaviour behaviour) {
        loop.start();
        ServerDispatcher server = loop.submit(() -> {
                    ServerDispatcher s = new ServerDispatcher(loop.map(), (channel, peer, map) -> {
                        LineHandler h = new LineHandler(channel, map, behaviour);
                        handlers.add(h);
                        return h;
                    });
                    s.setOffload(offload);
                    s.open(new InetSocketAddress("127.0.0.1", 0), 64);
                    return s;
                })
                .join();
        return server;
    }

    private Client connect(ServerDispatcher server) throws IOException {
        Client c = new Client(server.localAddress());
        closeables.add(c);
        return c;
    }

    /** A blocking line client. */
    static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        final OutputStream out;

        Client(SocketAddress address) throws IOException {
            socket.connect(address, 5000);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
        }

        void send(String lines) throws IOException {
            out.write(lines.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Offload.Builder offloadOnPool() {
        return Offload.builder().executor(pool).name("test");
    }

    private <T> T onLoop(Callable<T> task) {
        return loop.submit(task).join();
    }

    private boolean readInterest(Dispatcher d) {
        return onLoop(() -> {
            SelectionKey key = d.registration().key();
            return key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0;
        });
    }

    @Test
    void repliesComeBackInRequestOrderUnderPipelining() throws Exception {
        AtomicInteger startedEvents = new AtomicInteger();
        AtomicInteger finishedEvents = new AtomicInteger();
        Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
        Offload offload = offloadOnPool()
                .listener(new Offload.Listener() {
                    @Override
                    public void callStarted() {
                        startedEvents.incrementAndGet();
                        listenerThreads.add(Thread.currentThread().getName());
                    }

                    @Override
                    public void callFinished(long durationNanos, boolean failed) {
                        assertThat(failed).isFalse();
                        assertThat(durationNanos).isPositive();
                        finishedEvents.incrementAndGet();
                    }
                })
                .build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(
                        () -> {
                            Thread.sleep(ThreadLocalRandom.current().nextInt(4));
                            return line;
                        },
                        h::reply));
        Client client = connect(server);
        int requests = 1000;
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < requests; i++) {
                    client.send("req-" + i + "\n");
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        for (int i = 0; i < requests; i++) {
            assertThat(client.readLine())
                    .as(() -> "reply; the handler's errors: " + handlers.get(0).errors + ", offload: " + offload)
                    .isEqualTo("req-" + i);
        }
        writer.join();
        LineHandler h = handlers.get(0);
        assertThat(h.callbackThreads).containsExactly("offload-test");
        assertThat(h.errors).isEmpty();
        await().atMost(WAIT).until(() -> offload.completed() == requests);
        assertThat(offload.awaitQuiescence(WAIT)).isTrue();
        await().atMost(WAIT).until(() -> finishedEvents.get() == requests);
        assertThat(startedEvents.get()).isEqualTo(requests);
        assertThat(listenerThreads).isNotEmpty().noneMatch(name -> name.equals("offload-test"));
        assertThat(offload.inFlight()).isZero();
        assertThat(offload.failed()).isZero();
        assertThat(offload.dropped()).isZero();
        assertThat(onLoop(h::blockingCallsInFlight)).isZero();
    }

    @Test
    void aCallOfAClosedDispatcherIsNeverDeliveredAndCallsNotStartedNeverRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        Offload offload = offloadOnPool()
                .maxInFlight(1)
                .listener(new Offload.Listener() {
                    @Override
                    public void resultDropped() {
                        dropped.incrementAndGet();
                    }
                })
                .build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(
                        () -> {
                            started.incrementAndGet();
                            release.await();
                            return line;
                        },
                        r -> delivered.incrementAndGet()));
        Client client = connect(server);
        client.send("a\nb\nc\n");
        await().atMost(WAIT).until(() -> started.get() == 1 && offload.waiting() == 2);
        client.close();
        await().atMost(WAIT).until(() -> loop.map().connected() == 0);
        assertThat(offload.waiting()).isZero();
        assertThat(offload.cancelled()).isEqualTo(2);
        release.countDown();
        await().atMost(WAIT).until(() -> offload.dropped() == 1);
        assertThat(offload.awaitQuiescence(WAIT)).isTrue();
        assertThat(dropped.get()).isEqualTo(1);
        assertThat(started.get()).isEqualTo(1);
        assertThat(delivered.get()).isZero();
        assertThat(offload.completed()).isEqualTo(1);
        assertThat(handlers.get(0).errors).isEmpty();
    }

    @Test
    void aRunningCallIsInterruptedOnCloseWhenTheOffloadSaysSo() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(1);
        Offload offload = offloadOnPool().interruptOnClose(true).build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(
                        () -> {
                            running.countDown();
                            try {
                                new CountDownLatch(1).await();
                            } catch (InterruptedException e) {
                                interrupted.set(true);
                                throw e;
                            }
                            return line;
                        },
                        h::reply));
        Client client = connect(server);
        client.send("wait\n");
        assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        client.close();
        await().atMost(WAIT).until(() -> offload.dropped() == 1);
        assertThat(interrupted.get()).isTrue();
        assertThat(offload.awaitQuiescence(WAIT)).isTrue();
        assertThat(handlers.get(0).errors).isEmpty();
    }

    @Test
    void theDispatcherLimitPausesReadingUntilACallIsDelivered() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Offload offload = offloadOnPool().maxInFlightPerDispatcher(4).build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(
                        () -> {
                            started.incrementAndGet();
                            gate.await();
                            return line;
                        },
                        h::reply));
        Client client = connect(server);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            lines.append("line-").append(i).append('\n');
        }
        client.send(lines.toString());
        await().atMost(WAIT).until(() -> started.get() == 4);
        LineHandler h = handlers.get(0);
        await().atMost(WAIT).until(() -> !readInterest(h));
        // No call can be delivered while the gate is shut: the count cannot move past the limit.
        assertThat(started.get()).isEqualTo(4);
        assertThat(offload.inFlight()).isEqualTo(4);
        assertThat(onLoop(h::blockingCallsInFlight)).isBetween(4, 20);
        gate.countDown();
        for (int i = 0; i < 20; i++) {
            assertThat(client.readLine()).isEqualTo("line-" + i);
        }
        assertThat(started.get()).isEqualTo(20);
        await().atMost(WAIT).until(() -> readInterest(h));
        assertThat(onLoop(h::blockingCallsInFlight)).isZero();
    }

    /** A handler whose class defines its own {@code readable()}: the loop asks it on every pass. */
    static final class AskedEveryPass extends Dispatcher {
        final AtomicInteger asked = new AtomicInteger();

        AskedEveryPass(SocketChannel sock, DispatcherMap map) {
            super(sock, map);
        }

        @Override
        public boolean readable() {
            asked.incrementAndGet();
            return true;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleRead() throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            if (recv(buffer) > 0) {
                executeBlocking(() -> new CountDownLatch(1).await(10, TimeUnit.MINUTES), r -> {});
            }
        }
    }

    @Test
    void aDispatcherWithItsOwnReadableIsStillAskedWhileItsReadingIsPaused() throws Exception {
        Offload offload = offloadOnPool().maxInFlightPerDispatcher(1).build();
        loop.start();
        List<AskedEveryPass> made = new CopyOnWriteArrayList<>();
        ServerDispatcher server = onLoop(() -> {
            ServerDispatcher s = new ServerDispatcher(loop.map(), (channel, peer, map) -> {
                AskedEveryPass d = new AskedEveryPass(channel, map);
                made.add(d);
                return d;
            });
            s.setOffload(offload);
            s.open(new InetSocketAddress("127.0.0.1", 0), 16);
            return s;
        });
        Client client = connect(server);
        client.send("x");
        await().atMost(WAIT).until(() -> offload.inFlight() == 1);
        AskedEveryPass d = made.get(0);
        await().atMost(WAIT).until(() -> !readInterest(d));
        int before = d.asked.get();
        await().atMost(WAIT).until(() -> d.asked.get() > before + 2);
        assertThat(readInterest(d)).isFalse();
        client.close();
    }

    @Test
    void aFullOffloadRejectsAndTheRejectionIsDeliveredInOrderAsAFailure() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger rejections = new AtomicInteger();
        Offload offload = offloadOnPool()
                .maxInFlight(1)
                .maxWaiting(1)
                .listener(new Offload.Listener() {
                    @Override
                    public void callRejected() {
                        rejections.incrementAndGet();
                    }
                })
                .build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(
                        () -> {
                            gate.await();
                            return "ok " + line;
                        },
                        h::reply,
                        failure -> h.reply("err " + failure.getClass().getSimpleName() + ": " + failure.getMessage())));
        Client client = connect(server);
        client.send("a\nb\nc\n");
        await().atMost(WAIT).until(() -> offload.rejected() == 1);
        gate.countDown();
        assertThat(client.readLine()).isEqualTo("ok a");
        assertThat(client.readLine()).isEqualTo("ok b");
        assertThat(client.readLine())
                .startsWith("err RejectedExecutionException: offload 'test' is full")
                .contains("maxInFlight=1", "maxWaiting=1");
        assertThat(rejections.get()).isEqualTo(1);
        client.send("d\n");
        assertThat(client.readLine()).isEqualTo("ok d");
        assertThat(offload.awaitQuiescence(WAIT)).isTrue();
    }

    @Test
    void anExecutorThatRejectsGivesAFailureAndFreesItsPlace() throws Exception {
        Offload offload = Offload.builder()
                .executor(task -> {
                    throw new RejectedExecutionException("no room left");
                })
                .name("refusing")
                .maxInFlight(1)
                .build();
        ServerDispatcher server = serve(
                offload,
                (h, line) ->
                        h.executeBlocking(() -> "never", h::reply, failure -> h.reply("err " + failure.getMessage())));
        Client client = connect(server);
        client.send("a\nb\n");
        assertThat(client.readLine())
                .isEqualTo("err the executor of offload 'refusing' rejected the call: "
                        + "java.util.concurrent.RejectedExecutionException: no room left");
        assertThat(client.readLine()).startsWith("err the executor of offload 'refusing' rejected");
        assertThat(offload.rejected()).isEqualTo(2);
        assertThat(offload.inFlight()).isZero();
        assertThat(offload.completed()).isZero();
        assertThat(offload.awaitQuiescence(WAIT)).isTrue();
    }

    @Test
    void aFailureGoesToHandleErrorByDefaultWhichClosesThatChannelOnly() throws Exception {
        Offload offload = offloadOnPool().build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(
                        () -> {
                            if (line.equals("fail")) {
                                throw new IOException("database down");
                            }
                            return line;
                        },
                        h::reply));
        Client failing = connect(server);
        Client other = connect(server);
        failing.send("fail\n");
        assertThat(failing.readLine()).isNull();
        await().atMost(WAIT)
                .until(() -> handlers.size() == 2 && !handlers.get(0).errors.isEmpty());
        assertThat(handlers.get(0).errors.get(0))
                .isInstanceOf(IOException.class)
                .hasMessage("database down");
        other.send("still here\n");
        assertThat(other.readLine()).isEqualTo("still here");
        assertThat(offload.failed()).isEqualTo(1);
        assertThat(loop.isRunning()).isTrue();
    }

    @Test
    void aFailureGoesToOnFailureAndTheChannelStaysOpen() throws Exception {
        Offload offload = offloadOnPool().build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(
                        () -> {
                            if (line.equals("fail")) {
                                throw new IllegalStateException("boom");
                            }
                            return line;
                        },
                        h::reply,
                        failure -> h.reply("failed: " + failure.getMessage())));
        Client client = connect(server);
        client.send("fail\nfine\n");
        assertThat(client.readLine()).isEqualTo("failed: boom");
        assertThat(client.readLine()).isEqualTo("fine");
        assertThat(handlers.get(0).errors).isEmpty();
        assertThat(offload.failed()).isEqualTo(1);
        assertThat(offload.completed()).isEqualTo(2);
    }

    @Test
    void aThrowingThenClosesOnlyThatChannel() throws Exception {
        Offload offload = offloadOnPool().build();
        ServerDispatcher server = serve(
                offload,
                (h, line) -> h.executeBlocking(() -> line, r -> {
                    if (r.equals("explode")) {
                        throw new IllegalArgumentException("bad reply");
                    }
                    h.reply(r);
                }));
        Client exploding = connect(server);
        Client other = connect(server);
        other.send("before\n");
        assertThat(other.readLine()).isEqualTo("before");
        exploding.send("explode\nafter\n");
        assertThat(exploding.readLine()).isNull();
        LineHandler h = handlers.get(0);
        await().atMost(WAIT).until(() -> !h.errors.isEmpty());
        assertThat(h.errors.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("bad reply");
        other.send("after\n");
        assertThat(other.readLine()).isEqualTo("after");
        assertThat(loop.isRunning()).isTrue();
        assertThat(offload.awaitQuiescence(WAIT)).isTrue();
    }

    @Test
    void eachDispatcherOfAGroupGetsItsResultsOnItsOwnLoop() throws Exception {
        AsyncLoopGroup group = AsyncLoopGroup.builder(2)
                .threadName("offload-group")
                .timeout(Duration.ofMillis(100))
                .build();
        closeables.add(group);
        Offload offload = offloadOnPool().build();
        GroupServer server = new GroupServer(group, (channel, peer, map) -> {
            LineHandler h = new LineHandler(
                    channel,
                    map,
                    (handler, line) -> handler.executeBlocking(
                            () -> Thread.currentThread().getName(), worker -> handler.reply(line)));
            handlers.add(h);
            return h;
        });
        server.setSpread(GroupServer.Spread.HAND_OFF).setOffload(offload);
        server.open(new InetSocketAddress("127.0.0.1", 0), 16, true);
        group.start();
        for (int i = 0; i < 4; i++) {
            Client c = connect(server.localAddress());
            c.send("hello " + i + "\n");
            assertThat(c.readLine()).isEqualTo("hello " + i);
        }
        assertThat(handlers).hasSize(4);
        Set<String> loops = ConcurrentHashMap.newKeySet();
        for (LineHandler h : handlers) {
            assertThat(h.callbackThreads).containsExactly(h.loop().threadName());
            assertThat(h.offload()).isSameAs(offload);
            loops.add(h.loop().threadName());
        }
        assertThat(loops).containsExactlyInAnyOrder("offload-group-0", "offload-group-1");
        assertThat(offload.completed()).isEqualTo(4);
    }

    private Client connect(SocketAddress address) throws IOException {
        Client c = new Client(address);
        closeables.add(c);
        return c;
    }

    @Test
    void aDatagramServerAnswersThroughItsOffload() throws Exception {
        Offload offload = offloadOnPool().build();
        loop.start();
        DatagramServer server = onLoop(() -> {
            DatagramServer s = new DatagramServer(loop.map(), (data, sender, srv) -> {
                byte[] request = new byte[data.remaining()];
                data.get(request);
                srv.executeBlocking(
                        () -> ("re " + new String(request, StandardCharsets.US_ASCII))
                                .getBytes(StandardCharsets.US_ASCII),
                        reply -> srv.reply(ByteBuffer.wrap(reply), sender),
                        failure -> {});
            });
            s.setOffload(offload);
            s.open(new InetSocketAddress("127.0.0.1", 0));
            return s;
        });
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(20_000);
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(hello, hello.length, onLoop(server::localAddress)));
            DatagramPacket answer = new DatagramPacket(new byte[64], 64);
            client.receive(answer);
            assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                    .isEqualTo("re hello");
        }
        assertThat(offload.completed()).isEqualTo(1);
    }

    @Test
    void executeBlockingNeedsAnAsyncLoop() {
        DispatcherMap map = new DispatcherMap();
        Dispatcher d = new Dispatcher(map);
        d.addChannel();
        assertThatThrownBy(() -> d.executeBlocking(() -> 1, r -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs an AsyncLoop")
                .hasMessageContaining("Asyncore.loop()");
        d.close();
    }

    @Test
    void awaitQuiescenceRefusesToBlockALoopThread() {
        loop.start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        onLoop(() -> {
            try {
                Offload.defaultOffload().awaitQuiescence(Duration.ofSeconds(1));
            } catch (IllegalStateException e) {
                thrown.set(e);
            }
            return null;
        });
        assertThat(thrown.get()).hasMessageContaining("would block the loop thread offload-test");
    }

    @Test
    void theBuilderNamesTheBadValue() {
        assertThatThrownBy(() -> Offload.builder().maxInFlight(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxInFlight must be at least 1, was 0");
        assertThatThrownBy(() -> Offload.builder().maxInFlightPerDispatcher(-3))
                .hasMessage("maxInFlightPerDispatcher must be at least 1, was -3");
        assertThatThrownBy(() -> Offload.builder().maxWaiting(-1)).hasMessage("maxWaiting must be at least 0, was -1");
        Offload o = Offload.builder().build();
        assertThat(o.executor()).isSameAs(Offload.defaultExecutor());
        assertThat(o.maxInFlightPerDispatcher()).isEqualTo(16);
        assertThat(o.maxInFlight()).isEqualTo(256);
        assertThat(o.maxWaiting()).isEqualTo(1024);
        assertThat(o.interruptOnClose()).isFalse();
    }

    @Test
    void theDefaultExecutorUsesVirtualThreadsWhereTheJdkHasThem() throws Exception {
        assertThat(Offload.defaultOffload().executor()).isSameAs(Offload.defaultExecutor());
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Thread> thread = new AtomicReference<>();
        Offload.defaultExecutor().execute(() -> {
            thread.set(Thread.currentThread());
            ran.countDown();
        });
        assertThat(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        boolean virtual = Runtime.version().feature() >= 21;
        assertThat(Offload.defaultExecutorIsVirtual()).isEqualTo(virtual);
        if (virtual) {
            assertThat((boolean) Thread.class.getMethod("isVirtual").invoke(thread.get()))
                    .isTrue();
            assertThat(Offload.defaultOffload().maxInFlight()).isEqualTo(Offload.DEFAULT_MAX_IN_FLIGHT);
        } else {
            assertThat(thread.get().getName()).startsWith("asyncore-offload-");
            assertThat(thread.get().isDaemon()).isTrue();
            assertThat(Offload.defaultOffload().maxInFlight()).isEqualTo(Offload.DEFAULT_POOL_THREADS);
        }
    }
}
