package dev.asyncore;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.asyncore.handler.EchoServer;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An exception thrown in one dispatcher's handler closes that dispatcher only: the {@link AsyncLoop} and every other
 * channel keep running. {@link ExitNow} ends the loop.
 */
class IsolationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DispatcherMap map = new DispatcherMap();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private AsyncLoop loop;
    private ServerDispatcher faultyServer;
    private Socket healthy;

    /** Fails on command: 'R' in handleRead, 'W' in handleWrite, 'E' in handleRead and then in handleError. */
    static final class Faulty extends Dispatcher {
        private boolean wantWrite;
        private boolean failErrorToo;

        Faulty(SocketChannel sock, DispatcherMap map) {
            super(sock, map);
        }

        @Override
        public boolean writable() {
            return wantWrite;
        }

        @Override
        public void handleRead() throws IOException {
            byte[] b = recv(1);
            if (b.length == 0) {
                return;
            }
            switch (b[0]) {
                case 'R' -> throw new IllegalStateException("fault in handleRead");
                case 'W' -> wantWrite = true;
                case 'E' -> {
                    failErrorToo = true;
                    throw new IllegalStateException("fault in handleRead before a fault in handleError");
                }
                default -> send(b);
            }
        }

        @Override
        public void handleWrite() {
            throw new IllegalStateException("fault in handleWrite");
        }

        @Override
        public void handleError(Throwable t) {
            if (failErrorToo) {
                throw new IllegalStateException("fault in handleError", t);
            }
            super.handleError(t);
        }
    }

    @BeforeEach
    void startLoop() throws IOException {
        map.setLogSink((source, type, message) -> logged.add(type + ": " + message));
        EchoServer echo = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        faultyServer = new ServerDispatcher(map, (channel, peer, m) -> new Faulty(channel, m));
        faultyServer.open(new InetSocketAddress("127.0.0.1", 0), 16);
        loop = AsyncLoop.builder(map)
                .threadName("isolation-loop")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
        healthy = connect(echo.localAddress());
        assertEchoes(healthy, 'a');
    }

    @AfterEach
    void stopLoop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        loop.close();
        assertThat(loop.isTerminated()).isTrue();
    }

    private Socket connect(SocketAddress address) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(address, 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static void assertEchoes(Socket s, char c) throws IOException {
        s.getOutputStream().write(c);
        assertThat(s.getInputStream().read()).isEqualTo(c);
    }

    /** The server closed this connection: end of stream, or a reset. */
    private static void assertClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was not closed", e);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }

    private void assertOthersUnharmed() throws IOException {
        assertThat(loop.isRunning()).isTrue();
        assertThat(loop.failure()).isNull();
        assertEchoes(healthy, 'z');
        Socket fresh = connect(faultyServer.localAddress());
        assertEchoes(fresh, 'k');
    }

    private void fault(char command) throws IOException {
        Socket s = connect(faultyServer.localAddress());
        Socket bystander = connect(faultyServer.localAddress());
        assertEchoes(bystander, 'b');
        s.getOutputStream().write(command);
        assertClosedByServer(s);
        assertEchoes(bystander, 'c');
        assertOthersUnharmed();
    }

    @Test
    void exceptionInHandleReadClosesOnlyThatChannel() throws IOException {
        fault('R');
        assertThat(logged).anyMatch(m -> m.startsWith("error: uncaptured java exception") && m.contains("handleRead"));
    }

    @Test
    void exceptionInHandleWriteClosesOnlyThatChannel() throws IOException {
        fault('W');
        assertThat(logged).anyMatch(m -> m.startsWith("error: uncaptured java exception") && m.contains("handleWrite"));
    }

    @Test
    void exceptionInHandleErrorClosesOnlyThatChannel() throws IOException {
        fault('E');
        assertThat(logged).anyMatch(m -> m.contains("handleError of") && m.contains("fault in handleError"));
    }

    @Test
    void exceptionInHandleAcceptedClosesOnlyThatListener() throws Exception {
        AtomicReference<SocketAddress> address = new AtomicReference<>();
        AtomicBoolean closed = new AtomicBoolean();
        loop.execute(() -> {
            try {
                Dispatcher listener = new Dispatcher(map) {
                    @Override
                    public void handleAccepted(SocketChannel sock, SocketAddress addr) throws IOException {
                        sock.close();
                        throw new IllegalStateException("fault in handleAccepted");
                    }

                    @Override
                    public void close() {
                        super.close();
                        closed.set(true);
                    }
                };
                listener.createSocket();
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                listener.listen(5);
                address.set(((java.nio.channels.NetworkChannel) listener.socket()).getLocalAddress());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(WAIT).until(() -> address.get() != null);
        Socket s = connect(address.get());
        assertClosedByServer(s);
        await().atMost(WAIT).untilTrue(closed);
        assertThatThrownBy(() -> new Socket().connect(address.get(), 2000)).isInstanceOf(ConnectException.class);
        assertOthersUnharmed();
    }

    @Test
    void exceptionInHandlerFactoryClosesOnlyThatConnection() throws Exception {
        AtomicBoolean fail = new AtomicBoolean(true);
        ServerDispatcher[] server = new ServerDispatcher[1];
        loop.execute(() -> {
            try {
                server[0] = new ServerDispatcher(map, (channel, peer, m) -> {
                    if (fail.getAndSet(false)) {
                        throw new IllegalStateException("fault in a handler constructor");
                    }
                    return new Faulty(channel, m);
                });
                server[0].open(new InetSocketAddress("127.0.0.1", 0), 5);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(WAIT).until(() -> server[0] != null && server[0].localAddress() != null);
        Socket s = connect(server[0].localAddress());
        assertClosedByServer(s);
        assertThat(server[0].stats().rejected()).isEqualTo(1);
        Socket next = connect(server[0].localAddress());
        assertEchoes(next, 'n');
        assertThat(logged).anyMatch(m -> m.contains("fault in a handler constructor"));
        assertOthersUnharmed();
    }

    @Test
    void exitNowEndsTheAsyncLoop() throws IOException {
        List<Throwable> told = new CopyOnWriteArrayList<>();
        loop.addListener(new AsyncLoop.Listener() {
            @Override
            public void terminated(Throwable failure) {
                told.add(failure == null ? new Throwable("none") : failure);
            }
        });
        loop.execute(() -> {
            throw new ExitNow();
        });
        assertThat(loop.awaitTermination(WAIT)).isTrue();
        assertThat(loop.failure()).isNull();
        assertThat(told).singleElement().extracting(Throwable::getMessage).isEqualTo("none");
        assertClosedByServer(healthy);
        assertThat(map.size()).isZero();
    }

    @Test
    void exitNowFromAHandlerEndsTheAsyncLoop() throws IOException {
        ServerDispatcher[] server = new ServerDispatcher[1];
        loop.execute(() -> {
            try {
                server[0] = new ServerDispatcher(map, (channel, peer, m) -> new Dispatcher(channel, m) {
                    @Override
                    public void handleRead() {
                        throw new ExitNow();
                    }
                });
                server[0].open(new InetSocketAddress("127.0.0.1", 0), 5);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(WAIT).until(() -> server[0] != null && server[0].localAddress() != null);
        Socket s = connect(server[0].localAddress());
        s.getOutputStream().write('x');
        assertThat(loop.awaitTermination(WAIT)).isTrue();
        assertThat(loop.failure()).isNull();
        assertClosedByServer(healthy);
    }
}
