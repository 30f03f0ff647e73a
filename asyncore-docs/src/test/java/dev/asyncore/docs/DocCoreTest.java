package dev.asyncore.docs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ExitNow;
import dev.asyncore.FileDispatcher;
import dev.asyncore.docs.clients.UpstreamConnector;
import dev.asyncore.docs.python.CoreOnly;
import dev.asyncore.docs.servers.UdpEcho;
import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ClientState;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The core snippets of the guide (no Spring) do what their pages say. */
class DocCoreTest {

    @Test
    void coreOnlyServesEchoOnThePythonStyleLoop(@TempDir Path dir) throws Exception {
        DispatcherMap map = new DispatcherMap();
        Pipe stop = Pipe.open();
        new FileDispatcher(stop.source(), map) {
            @Override
            public void handleRead() {
                throw new ExitNow("the test is done");
            }
        };
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = new Thread(
                () -> {
                    try {
                        CoreOnly.serve(address, map);
                    } catch (ExitNow stopped) {
                        // the test's stop, raised out of loop() as Python raises it
                    } catch (IOException | RuntimeException e) {
                        failure.set(e);
                    }
                },
                "core-only-loop");
        loop.start();
        try {
            await().until(() -> Files.exists(address.getPath()));
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(address);
                client.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer reply = ByteBuffer.allocate(6);
                while (reply.hasRemaining() && client.read(reply) >= 0) {
                    // read the whole echo
                }
                assertThat(new String(reply.array(), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
            }
        } finally {
            stop.sink().write(ByteBuffer.wrap(new byte[] {1}));
            loop.join(Duration.ofSeconds(30).toMillis());
            Asyncore.closeAll(map, true);
            stop.sink().close();
        }
        assertThat(loop.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
    }

    @Test
    void udpEchoAnswersEachDatagramWithItsBytes() throws Exception {
        try (AsyncLoop loop = new AsyncLoop(new DispatcherMap());
                DatagramChannel client = DatagramChannel.open()) {
            DatagramServer server = UdpEcho.open(loop.map(), 0);
            loop.start();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            client.connect(new InetSocketAddress("127.0.0.1", port));
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            client.configureBlocking(false);
            ByteBuffer reply = ByteBuffer.allocate(16);
            await().until(() -> client.read(reply) > 0);
            assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII))
                    .isEqualTo("ping");
            assertThat(server.stats().datagramsReceived()).isEqualTo(1);
        }
    }

    @Test
    void clientConnectorConnectsAndReconnectsAfterADrop() throws Exception {
        try (LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
                AsyncLoop loop = new AsyncLoop(new DispatcherMap())) {
            loop.start();
            ClientConnector connector = UpstreamConnector.start(loop, "127.0.0.1", "localhost", upstream.port());
            try {
                await().until(() -> connector.state() == ClientState.CONNECTED);
                assertThat(upstream.stats().accepted()).isEqualTo(1);
            } finally {
                connector.stop();
            }
            await().until(() -> connector.state() == ClientState.STOPPED);
        }
    }
}
