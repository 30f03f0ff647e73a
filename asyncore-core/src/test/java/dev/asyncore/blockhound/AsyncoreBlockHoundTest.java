package dev.asyncore.blockhound;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link AsyncoreBlockHoundIntegration}: with BlockHound installed, a handler that blocks a loop thread fails (its channel
 * closes through {@code handleError}), and the same work handed to an executor passes. Runs in the {@code blockhound}
 * surefire execution, in a JVM of its own, since BlockHound instruments the whole JVM once installed.
 */
class AsyncoreBlockHoundTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DispatcherMap map = new DispatcherMap();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private AsyncLoop loop;

    @BeforeAll
    static void installBlockHound() {
        BlockHoundSupport.installOrSkip();
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
        executor.shutdownNow();
    }

    /** Echoes each read after a call that blocks: on the loop thread, or handed to an executor and back. */
    final class Lookup extends Dispatcher {
        private final boolean offload;

        Lookup(SocketChannel sock, DispatcherMap map, boolean offload) {
            super(sock, map);
            this.offload = offload;
        }

        @Override
        public void handleRead() throws IOException {
            byte[] request = recv(64);
            if (request.length == 0) {
                return;
            }
            if (!offload) {
                send(slowService(request));
                return;
            }
            AsyncLoop own = loop();
            executor.submit(() -> {
                byte[] reply = slowService(request);
                own.execute(() -> reply(reply));
                return null;
            });
        }

        private void reply(byte[] reply) {
            try {
                if (isConnected()) {
                    send(reply);
                }
            } catch (IOException e) {
                handleError(e);
            }
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleError(Throwable t) {
            errors.add(t);
            super.handleError(t);
        }
    }

    /** A service call that blocks, as a JDBC query does. */
    static byte[] slowService(byte[] request) {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return request;
    }

    private SocketAddress start(boolean offload) throws Exception {
        loop = AsyncLoop.builder(map).threadName("blockhound-loop").build();
        map.setLogSink((source, type, message) -> {});
        loop.start();
        return loop.submit(() -> {
                    ServerDispatcher server =
                            new ServerDispatcher(map, (channel, peer, m) -> new Lookup(channel, m, offload));
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

    @Test
    void loopThreadsAreTold() throws Exception {
        start(true);
        assertThat(loop.submit(() -> AsyncLoop.isLoopThread(Thread.currentThread()))
                        .get(5, TimeUnit.SECONDS))
                .isTrue();
        assertThat(AsyncLoop.isLoopThread(Thread.currentThread())).isFalse();
    }

    @Test
    void aHandlerThatBlocksTheLoopFailsAndItsChannelCloses() throws Exception {
        Socket client = connect(start(false));

        client.getOutputStream().write("GET k\n".getBytes());

        InputStream in = client.getInputStream();
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
        await().atMost(WAIT).until(() -> !errors.isEmpty());
        assertThat(errors.get(0))
                .isInstanceOf(BlockingOperationError.class)
                .hasMessageContaining("java.lang.Thread.sleep");
        assertThat(loop.isRunning()).isTrue();
    }

    @Test
    void theSameCallOffloadedPasses() throws Exception {
        Socket client = connect(start(true));

        for (int i = 0; i < 20; i++) {
            byte[] request = ("GET k" + i + "\n").getBytes();
            client.getOutputStream().write(request);
            byte[] reply = client.getInputStream().readNBytes(request.length);
            assertThat(reply).isEqualTo(request);
        }

        assertThat(errors).isEmpty();
    }
}
