package dev.asyncore.tls;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.blockhound.BlockHoundSupport;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The loop's own TLS work (handshakes, their delegated tasks, wrap and unwrap) passes under BlockHound with the asyncore
 * integration: what the integration allows is what the loop needs, no more.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.asyncore.tls.TlsFixtures#providers")
class TlsBlockHoundTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DispatcherMap map = new DispatcherMap();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private ServerDispatcher server;
    private AsyncLoop loop;

    private final TlsProvider provider;

    TlsBlockHoundTest(TlsProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void onlyWhereTheProviderRuns() {
        TlsFixtures.assumeAvailable(provider);
    }

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
    }

    @Test
    void handshakesAndEchoOverTls12And13RaiseNoBlockingError() throws Exception {
        map.setLogSink((source, type, message) -> log.add(type + ": " + message));
        server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.setTls(TlsOptions.of(TlsFixtures.serverContext(provider)));
        server.open(new InetSocketAddress("127.0.0.1", 0), 16);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        loop = AsyncLoop.builder(map).threadName("tls-blockhound-loop").build();
        loop.start();
        byte[] payload = new byte[64 * 1024];
        new Random(3).nextBytes(payload);

        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            SSLSocket s =
                    (SSLSocket) TlsFixtures.clientContext().getSocketFactory().createSocket("127.0.0.1", port);
            sockets.add(s);
            s.setSoTimeout((int) WAIT.toMillis());
            s.setEnabledProtocols(new String[] {protocol});
            s.getOutputStream().write(payload);
            byte[] got = new byte[payload.length];
            new DataInputStream(s.getInputStream()).readFully(got);
            assertThat(got).isEqualTo(payload);
        }

        await().atMost(WAIT).until(() -> server.stats().handshakesCompleted() == 2);
        assertThat(server.stats().handshakesFailed()).isZero();
        // BlockHound's error (BlockingOperationError: "Blocking call! ..."), not a slow-loop warning that names this
        // test
        assertThat(log).noneMatch(line -> line.contains("BlockingOperationError") || line.contains("Blocking call!"));
    }
}
