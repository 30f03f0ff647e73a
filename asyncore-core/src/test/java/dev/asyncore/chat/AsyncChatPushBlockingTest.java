package dev.asyncore.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Offload;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link AsyncChat#pushBlocking}: replies computed off the loop, pushed in request order, and a graceful shutdown. */
class AsyncChatPushBlockingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final Offload offload =
            Offload.builder().executor(pool).name("chat-test").build();
    private final AsyncLoop loop = AsyncLoop.builder(new DispatcherMap())
            .threadName("push-blocking-test")
            .timeout(Duration.ofMillis(100))
            .build();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger slowStarted = new AtomicInteger();
    private Socket socket;

    @AfterEach
    void closeEverything() throws IOException {
        if (socket != null) {
            socket.close();
        }
        loop.close();
        pool.shutdownNow();
    }

    /** Answers {@code skip} with nothing, {@code slow} once the gate opens, {@code now:x} with a direct push, else echoes. */
    final class Service extends AsyncChat {
        Service(SocketChannel sock, DispatcherMap map) {
            super(sock, map);
            setTerminator("\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            collectIncomingDataDefault(data);
        }

        @Override
        protected void foundTerminator() {
            String line = new String(getData(), StandardCharsets.US_ASCII);
            if (line.startsWith("now:")) {
                push((line + "\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            pushBlocking(() -> answer(line));
        }

        private byte[] answer(String line) throws InterruptedException {
            if (line.equals("skip")) {
                return null;
            }
            if (line.equals("slow")) {
                slowStarted.incrementAndGet();
                gate.await();
            } else {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
            }
            return ("re " + line + "\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private BufferedReader connect() throws IOException {
        loop.start();
        ServerDispatcher server = loop.submit(() -> {
                    ServerDispatcher s =
                            new ServerDispatcher(loop.map(), (channel, peer, map) -> new Service(channel, map));
                    s.setOffload(offload);
                    s.open(new InetSocketAddress("127.0.0.1", 0), 16);
                    return s;
                })
                .join();
        socket = new Socket();
        socket.connect(server.localAddress(), 5000);
        socket.setSoTimeout(20_000);
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void repliesArePushedInRequestOrderAndNullPushesNothing() throws IOException {
        BufferedReader in = connect();
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            requests.append(i % 10 == 0 ? "skip" : "r" + i).append('\n');
        }
        send(requests.toString());
        for (int i = 0; i < 200; i++) {
            if (i % 10 != 0) {
                assertThat(in.readLine()).isEqualTo("re r" + i);
            }
        }
        await().atMost(WAIT).until(() -> offload.completed() == 200);
        assertThat(offload.awaitQuiescence(WAIT)).isTrue();
    }

    @Test
    void aDirectPushMadeLaterOvertakesAPendingReply() throws IOException {
        BufferedReader in = connect();
        send("slow\n");
        await().atMost(WAIT).until(() -> slowStarted.get() == 1);
        send("now:first\n");
        assertThat(in.readLine()).isEqualTo("now:first");
        gate.countDown();
        assertThat(in.readLine()).isEqualTo("re slow");
    }

    @Test
    void aGracefulShutdownSendsThePendingReplyBeforeClosing() throws IOException {
        BufferedReader in = connect();
        send("a\nslow\n");
        assertThat(in.readLine()).isEqualTo("re a");
        await().atMost(WAIT).until(() -> slowStarted.get() == 1);
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> loop.shutdownGracefully(WAIT));
        await().atMost(WAIT).until(loop::isShuttingDown);
        gate.countDown();
        assertThat(in.readLine()).isEqualTo("re slow");
        assertThat(in.readLine()).isNull();
        assertThat(drained.join()).isTrue();
        assertThat(offload.dropped()).isZero();
    }
}
