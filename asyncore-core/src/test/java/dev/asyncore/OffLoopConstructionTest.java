package dev.asyncore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Dispatchers created while the loop runs: on the loop through {@link AsyncLoop#submit}, or a clear error elsewhere. */
class OffLoopConstructionTest {

    private final DispatcherMap map = new DispatcherMap();
    private AsyncLoop loop;
    private SocketAddress echoAddress;

    @BeforeEach
    void start() throws IOException {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.open(new InetSocketAddress("127.0.0.1", 0), 16);
        echoAddress = server.localAddress();
        loop = AsyncLoop.builder(map).threadName("off-loop-test").build();
        loop.start();
    }

    @AfterEach
    void stop() {
        loop.close();
        map.close();
    }

    @Test
    void clientBuiltThroughSubmitIsRegisteredWhenTheFutureCompletes() {
        Client client =
                loop.submit(() -> new Client(echoAddress, map, "ping\n")).join();

        Integer fileno = client.fileno();
        assertThat(fileno).isNotNull();
        assertThat(loop.submit(() -> map.get(fileno)).join()).isSameAs(client);
        await().atMost(Duration.ofSeconds(10)).until(() -> "ping\n".equals(client.echoed.get()));
        assertThat(client.touchedBeforeConstructed).isFalse();
    }

    @Test
    void clientBuiltOnAnotherThreadWhileTheLoopRunsIsAClearError() {
        assertThatThrownBy(() -> new Client(echoAddress, map, "ping\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("running asyncore loop 'off-loop-test'")
                .hasMessageContaining("from thread '" + Thread.currentThread().getName() + "'")
                .hasMessageContaining("loop.submit(");
        assertThat(loop.submit(map::size).join()).isEqualTo(1);
        assertThat(loop.submit(map::values).join()).allMatch((d) -> d instanceof ServerDispatcher);
    }

    @Test
    void submitGivesTheTaskResultOrItsFailureAndRunsAtOnceOnTheLoop() {
        assertThat(loop.submit(() -> Thread.currentThread().getName()).join()).isEqualTo("off-loop-test");
        assertThatThrownBy(() -> loop.submit(() -> {
                            throw new IOException("task failed");
                        })
                        .join())
                .isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("task failed");
        AtomicReference<Boolean> ranInline = new AtomicReference<>();
        loop.submit(() -> {
                    ranInline.set(loop.submit(() -> true).isDone());
                    return null;
                })
                .join();
        assertThat(ranInline.get()).isTrue();
        assertThat(loop.isRunning()).isTrue();
    }

    /** A client whose readable() relies on a field its own constructor sets after {@code super(map)}. */
    static final class Client extends Dispatcher {

        final AtomicReference<String> echoed = new AtomicReference<>();
        volatile boolean touchedBeforeConstructed;
        private final ByteBuffer request;
        private final ByteBuffer response = ByteBuffer.allocate(64);

        Client(SocketAddress address, DispatcherMap map, String message) throws IOException {
            super(map);
            createSocket();
            connect(address);
            this.request = ByteBuffer.wrap(message.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public boolean readable() {
            touchedBeforeConstructed |= request == null;
            return true;
        }

        @Override
        public boolean writable() {
            touchedBeforeConstructed |= request == null;
            return request != null && request.hasRemaining();
        }

        @Override
        public void handleConnect() {}

        @Override
        public void handleWrite() throws IOException {
            send(request);
        }

        @Override
        public void handleRead() throws IOException {
            if (recv(response) > 0 && response.get(response.position() - 1) == '\n') {
                echoed.set(new String(response.array(), 0, response.position(), StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }
}
