package dev.asyncore.handler;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import dev.asyncore.Dispatcher;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A server tells its connection listeners of each connection it opens and closes, with why it closed. */
class ConnectionListenerTest {

    /** What a listener saw, on the loop thread. */
    record Event(String kind, SocketAddress peer, Throwable cause, String thread) {}

    static final class Recorder implements ConnectionListener {
        final List<Event> events = new CopyOnWriteArrayList<>();

        @Override
        public void connectionOpened(ServerDispatcher server, Dispatcher handler) {
            events.add(new Event(
                    "opened", handler.addr(), null, Thread.currentThread().getName()));
        }

        @Override
        public void connectionClosed(ServerDispatcher server, Dispatcher handler, Throwable cause) {
            events.add(new Event(
                    "closed", handler.addr(), cause, Thread.currentThread().getName()));
        }
    }

    @Test
    void anOrderlyCloseIsToldWithNoCauseOnTheLoopThread() throws Exception {
        Recorder recorder = new Recorder();
        try (LoopbackServer server = LoopbackServer.start(
                (ch, peer, map) -> new EchoHandler(ch, map), s -> s.addConnectionListener(recorder))) {
            SocketAddress local;
            try (Socket client = new Socket(server.address().getAddress(), server.port())) {
                local = client.getLocalSocketAddress();
                echo(client, "hi");
                await().until(() -> recorder.events.size() == 1);
            }
            await().until(() -> recorder.events.size() == 2);
            assertThat(recorder.events).extracting(Event::kind).containsExactly("opened", "closed");
            assertThat(recorder.events).extracting(Event::peer).containsOnly(local);
            assertThat(recorder.events.get(1).cause()).isNull();
            assertThat(recorder.events)
                    .extracting(Event::thread)
                    .containsOnly(server.loop().threadName());
        }
    }

    @Test
    void aHandlerErrorIsToldAsTheCause() throws Exception {
        Recorder recorder = new Recorder();
        HandlerFactory failing = (ch, peer, map) -> new Dispatcher(ch, map) {
            @Override
            public void handleRead() throws IOException {
                recv(16);
                throw new IllegalStateException("broken on purpose");
            }

            @Override
            public boolean writable() {
                return false;
            }
        };
        try (LoopbackServer server = LoopbackServer.start(failing, s -> s.addConnectionListener(recorder));
                Socket client = new Socket(server.address().getAddress(), server.port())) {
            client.getOutputStream().write('x');
            await().until(() -> recorder.events.size() == 2);
            assertThat(recorder.events.get(1).cause())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("broken on purpose");
        }
    }

    @Test
    void anIdleTimeoutIsToldAsATimeout() throws Exception {
        Recorder recorder = new Recorder();
        try (LoopbackServer server = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map), s -> {
                    s.addConnectionListener(recorder);
                    s.setIdleTimeout(Duration.ofMillis(200));
                });
                Socket client = new Socket(server.address().getAddress(), server.port())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.size() == 2);
            assertThat(recorder.events.get(1).cause())
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("no traffic for");
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aFailingListenerAffectsNeitherTheConnectionNorTheServer() throws Exception {
        Recorder recorder = new Recorder();
        ConnectionListener failing = new ConnectionListener() {
            @Override
            public void connectionOpened(ServerDispatcher server, Dispatcher handler) {
                throw new IllegalStateException("listener broken on purpose");
            }

            @Override
            public void connectionClosed(ServerDispatcher server, Dispatcher handler, Throwable cause) {
                throw new IllegalStateException("listener broken on purpose");
            }
        };
        try (LoopbackServer server = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map), s -> {
            s.addConnectionListener(failing);
            s.addConnectionListener(recorder);
        })) {
            for (int i = 0; i < 2; i++) {
                try (Socket client = new Socket(server.address().getAddress(), server.port())) {
                    echo(client, "still served " + i);
                }
            }
            await().until(() -> recorder.events.size() == 4);
            assertThat(server.server().isAccepting()).isTrue();
            assertThat(server.stats().accepted()).isEqualTo(2);
        }
    }

    private static void echo(Socket client, String text) throws IOException {
        client.setSoTimeout(10_000);
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        client.getOutputStream().write(bytes);
        assertThat(new String(client.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII))
                .isEqualTo(text);
    }
}
