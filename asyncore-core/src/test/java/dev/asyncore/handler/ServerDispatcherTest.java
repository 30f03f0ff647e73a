package dev.asyncore.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link ServerDispatcher} and {@link EchoServer} on an {@link AsyncLoop}: connection limit and UNIX sockets. */
class ServerDispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

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
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private void startLoop() {
        loop = AsyncLoop.builder(map)
                .threadName("server-test-loop")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
    }

    /** Whether the connection is served (echoes) rather than closed by the server. */
    private static boolean echoes(Socket s) throws IOException {
        try {
            s.getOutputStream().write('e');
            int got = s.getInputStream().read();
            if (got < 0) {
                return false;
            }
            assertThat(got).isEqualTo('e');
            return true;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("neither served nor closed", e);
        } catch (SocketException reset) {
            return false;
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnce() throws IOException {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.setMaxConnections(10);
        server.open(new InetSocketAddress("127.0.0.1", 0), 32);
        startLoop();
        int resetWhileConnecting = 0;
        List<Socket> connected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket();
            sockets.add(s);
            s.setSoTimeout(5000);
            try {
                s.connect(server.localAddress(), 5000);
                connected.add(s);
            } catch (SocketException reset) {
                // the server accepted and reset it before connect() returned: rejected at once
                assertThat(reset.getMessage()).containsIgnoringCase("reset");
                resetWhileConnecting++;
            }
        }
        await().atMost(WAIT)
                .until(() -> server.stats().accepted() + server.stats().rejected() == 20);
        int served = 0;
        for (Socket s : connected) {
            if (echoes(s)) {
                served++;
            }
        }
        assertThat(connected.size() + resetWhileConnecting).isEqualTo(20);
        assertThat(served).isEqualTo(10);
        assertThat(server.stats().rejected()).isEqualTo(10);
        assertThat(server.stats().accepted()).isEqualTo(10);
        assertThat(server.stats().connections()).isEqualTo(10);
        assertThat(map.connected()).isEqualTo(10);

        // a served connection that closes frees a place
        sockets.get(indexOfServed()).close();
        await().atMost(WAIT).until(() -> server.stats().connections() == 9);
        Socket late = new Socket();
        sockets.add(late);
        late.connect(server.localAddress(), 5000);
        late.setSoTimeout(5000);
        assertThat(echoes(late)).isTrue();
        assertThat(server.stats().rejected()).isEqualTo(10);
    }

    private int indexOfServed() {
        for (int i = 0; i < sockets.size(); i++) {
            if (sockets.get(i).isConnected() && !sockets.get(i).isClosed()) {
                try {
                    if (echoes(sockets.get(i))) {
                        return i;
                    }
                } catch (IOException e) {
                    // a rejected one: try the next
                }
            }
        }
        throw new AssertionError("no served connection");
    }

    @Test
    void maxConnectionsRejectsNegative() {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        assertThatThrownBy(() -> server.setMaxConnections(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void echoServerOverAUnixSocket() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        EchoServer server = new EchoServer(address, map);
        assertThat(server.localAddress()).isEqualTo(address);
        startLoop();
        try (SocketChannel client = SocketChannel.open(address)) {
            byte[] data = new byte[100_000];
            new java.util.Random(3).nextBytes(data);
            ByteBuffer out = ByteBuffer.wrap(data);
            ByteBuffer in = ByteBuffer.allocate(data.length);
            client.configureBlocking(false);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
                client.write(out);
                client.read(in);
                return !in.hasRemaining();
            });
            assertThat(in.array()).isEqualTo(data);
        }
    }

    @Test
    void aConnectionWhoseSetupFailsIsClosedAndTheListenerGoesOn() throws IOException {
        List<Throwable> failures = List.of(
                new IOException("setting an option failed"),
                new NoClassDefFoundError("a handler class could not be read"),
                new IllegalStateException("handler refused"));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m)) {
            @Override
            public void handleAccepted(SocketChannel sock, java.net.SocketAddress addr) throws Exception {
                int n = next.getAndIncrement();
                if (n < failures.size()) {
                    Throwable failure = failures.get(n);
                    if (failure instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) failure;
                }
                super.handleAccepted(sock, addr);
            }
        };
        server.open(new InetSocketAddress("127.0.0.1", 0), 16);
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        map.setLogSink((source, type, message) -> logged.add(type + ": " + message));
        startLoop();
        InetSocketAddress address = (InetSocketAddress) server.localAddress();

        for (int i = 0; i < failures.size(); i++) {
            Socket failed = new Socket(address.getAddress(), address.getPort());
            sockets.add(failed);
            failed.setSoTimeout(5000);
            assertThat(echoes(failed))
                    .as("connection %d, whose setup failed", i)
                    .isFalse();
        }
        Socket served = new Socket(address.getAddress(), address.getPort());
        sockets.add(served);
        served.setSoTimeout(5000);

        assertThat(echoes(served)).isTrue();
        assertThat(server.socket().isOpen()).isTrue();
        assertThat(server.stats().rejected()).isEqualTo(failures.size());
        assertThat(logged)
                .hasSize(failures.size())
                .allMatch((line) -> line.startsWith("error: asyncore server " + address.getHostString() + ":"
                        + address.getPort() + " closed a connection whose setup failed: "));
    }
}
