package dev.asyncore.tls;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLHandshakeException;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ClientState;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ReconnectPolicy;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A connector speaks TLS to its server and checks the server's certificate against the configured name. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.asyncore.tls.TlsFixtures#providers")
class ClientConnectorTlsTest {

    private AsyncLoop loop;
    private LoopbackServer upstream;
    private final List<Line> handlers = new CopyOnWriteArrayList<>();

    private final TlsProvider provider;

    ClientConnectorTlsTest(TlsProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void onlyWhereTheProviderRuns() {
        TlsFixtures.assumeAvailable(provider);
    }

    /** Keeps what it reads. */
    static final class Line extends DispatcherWithSend {
        final StringBuffer received = new StringBuffer();

        Line(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public void handleRead() throws IOException {
            received.append(new String(recv(4096), StandardCharsets.UTF_8));
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    @BeforeEach
    void start() {
        upstream = LoopbackServer.start(
                (ch, peer, map) -> new EchoHandler(ch, map), s -> s.setTls(TlsOptions.of(TlsFixtures.serverContext())));
        loop = AsyncLoop.builder(new DispatcherMap())
                .threadName("tls-client-test")
                .daemon(true)
                .build();
        loop.start();
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(Duration.ZERO);
        loop.map().close();
        upstream.close();
    }

    private ClientConnector connector(String serverName) {
        return ClientConnector.builder("tls", loop)
                .address(upstream.address())
                .tls(TlsOptions.of(TlsFixtures.clientContext(provider)), serverName)
                .reconnect(ReconnectPolicy.NONE)
                .handler((channel, address, map) -> {
                    Line line = new Line(channel, map);
                    handlers.add(line);
                    return line;
                })
                .build();
    }

    @Test
    void speaksTlsToAServerWhoseCertificateMatchesTheName() {
        ClientConnector connector = connector("localhost");
        connector.start();
        await().until(() -> connector.state() == ClientState.CONNECTED);

        loop.submit(() -> handlers.get(0).send("over tls".getBytes(StandardCharsets.UTF_8)))
                .join();

        await().until(() -> handlers.get(0).received.toString().equals("over tls"));
        assertThat(loop.submit(() -> handlers.get(0).tlsStatus().isHandshakeComplete())
                        .join())
                .isTrue();
        assertThat(loop.submit(() -> handlers.get(0).tlsStatus().provider()).join())
                .isEqualTo(provider);
        assertThat(upstream.stats().handshakesCompleted()).isEqualTo(1);
    }

    @Test
    void refusesAServerWhoseCertificateDoesNotMatchTheName() {
        ClientConnector connector = connector("not-this-server.example");
        connector.start();

        await().until(() ->
                connector.state() == ClientState.STOPPED && connector.status().lastError() != null);
        assertThat(connector.status().lastError()).isInstanceOf(SSLHandshakeException.class);
        assertThat(handlers).hasSize(1);
    }
}
