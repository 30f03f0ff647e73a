package dev.asyncore.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.TlsStatus;
import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ClientState;
import dev.asyncore.handler.ReconnectPolicy;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A server with a certificate per host name (SNI) and application protocols (ALPN), against the JDK's client and a
 * connector: each name gets its certificate, the handler reads the name and the protocol, hellos that come byte by
 * byte are served, garbled ones end that connection only, and a client with no common protocol is refused.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.asyncore.tls.TlsFixtures#providers")
class SniAlpnTest {

    private final TlsProvider provider;

    SniAlpnTest(TlsProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void onlyWhereTheProviderRuns() {
        TlsFixtures.assumeAvailable(provider);
    }

    private static final Duration WAIT = Duration.ofSeconds(20);

    private LoopbackServer server;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** Answers each read with what its TLS status says: the server name and the application protocol. */
    static final class Who extends DispatcherWithSend {
        Who(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public void handleRead() throws IOException {
            if (recv(4096).length > 0) {
                TlsStatus tls = tlsStatus();
                send((tls.serverName() + " " + tls.applicationProtocol() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static TlsOptions namedOptions(TlsProvider provider) {
        return TlsOptions.of(TlsFixtures.serverContext(provider))
                .withServerName("a.example", TlsFixtures.context(provider, TlsFixtures.A_CERT, TlsFixtures.A_KEY))
                .withServerName("*.b.example", TlsFixtures.context(provider, TlsFixtures.B_CERT, TlsFixtures.B_KEY))
                .withServerName("B.Example", TlsFixtures.context(provider, TlsFixtures.B_CERT, TlsFixtures.B_KEY));
    }

    private void start(TlsOptions tls) {
        server = LoopbackServer.start((channel, peer, map) -> new Who(channel, map), s -> {
            s.map().setLogSink((source, type, message) -> log.add(type + ": " + message));
            s.setTls(tls);
        });
    }

    private SSLSocket client(int port, String serverName, String... protocols) throws IOException {
        SSLContext ctx = TlsFixtures.clientContext(TlsFixtures.CA, TlsFixtures.SNI_CA);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        closeables.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        SSLParameters p = s.getSSLParameters();
        if (serverName != null) {
            p.setServerNames(List.of(new SNIHostName(serverName)));
        }
        p.setApplicationProtocols(protocols);
        s.setSSLParameters(p);
        return s;
    }

    private static String ask(Socket s) throws IOException {
        s.getOutputStream().write('?');
        s.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    private static String subject(SSLSocket s) throws IOException {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }

    @Test
    void eachNameGetsItsOwnCertificateAndAnyOtherTheDefault() throws Exception {
        start(namedOptions(provider));
        SSLSocket a = client(server.port(), "a.example");
        assertThat(ask(a)).isEqualTo("a.example null");
        assertThat(subject(a)).startsWith("CN=a.example");
        SSLSocket b = client(server.port(), "B.EXAMPLE");
        assertThat(ask(b)).isEqualTo("b.example null");
        assertThat(subject(b)).startsWith("CN=b.example");
        SSLSocket wild = client(server.port(), "x.b.example");
        assertThat(ask(wild)).isEqualTo("x.b.example null");
        assertThat(subject(wild)).startsWith("CN=b.example");
        SSLSocket deeper = client(server.port(), "y.x.b.example");
        assertThat(ask(deeper)).as("a wildcard stands for one label").isEqualTo("y.x.b.example null");
        assertThat(subject(deeper)).contains("CN=localhost");
        SSLSocket none = client(server.port(), null);
        assertThat(ask(none)).isEqualTo("null null");
        assertThat(subject(none)).contains("CN=localhost");
        assertThat(server.stats().handshakesCompleted()).isEqualTo(5);
        assertThat(namedOptions(provider).serverNames()).containsExactly("a.example", "*.b.example", "b.example");
    }

    @Test
    void aServerWithOneCertificateStillTellsTheNameAskedFor() throws Exception {
        start(TlsOptions.of(TlsFixtures.serverContext(provider)));
        assertThat(ask(client(server.port(), "localhost"))).isEqualTo("localhost null");
    }

    @Test
    void aHelloThatComesByteByByteIsServed() throws Exception {
        start(namedOptions(provider));
        try (ServerSocket proxy = new ServerSocket(0)) {
            ExecutorService pumps = Executors.newCachedThreadPool();
            closeables.add(pumps::shutdownNow);
            pumps.submit(() -> {
                try (Socket in = proxy.accept();
                        Socket out = new Socket("127.0.0.1", server.port())) {
                    in.setTcpNoDelay(true);
                    out.setTcpNoDelay(true);
                    pumps.submit(() -> pump(out.getInputStream(), in.getOutputStream(), 65536));
                    pump(in.getInputStream(), out.getOutputStream(), 1);
                }
                return null;
            });
            SSLSocket a = client(proxy.getLocalPort(), "a.example");
            assertThat(ask(a)).isEqualTo("a.example null");
            assertThat(subject(a)).startsWith("CN=a.example");
        }
    }

    /** Copies until end of stream, writing (and flushing) at most {@code chunk} bytes at a time. */
    private static Void pump(InputStream from, OutputStream to, int chunk) throws IOException {
        byte[] b = new byte[chunk];
        int n;
        while ((n = from.read(b)) > 0) {
            to.write(b, 0, n);
            to.flush();
        }
        return null;
    }

    @Test
    void garbledHellosEndThatConnectionOnlyCountedAndLoggedInOneLine() throws Exception {
        start(namedOptions(provider));
        SSLSocket good = client(server.port(), "a.example");
        assertThat(ask(good)).isEqualTo("a.example null");
        byte[][] hostile = {
            "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            {22, 3, 1, 0, 8, 2, 0, 0, 4, 0, 0, 0, 0}, // a ServerHello first
            {22, 3, 1, 0x40, 0, 1, 0, (byte) 0x4e, 0x20}, // a ClientHello of 20,000 bytes announced
            {22, 3, 1, 0, 12, 1, 0, 0, 8, 3, 3, 0, 0, 0, 0, 0, (byte) 0xff}, // lengths that run past the hello
        };
        for (byte[] bytes : hostile) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout((int) WAIT.toMillis());
                s.getOutputStream().write(bytes);
                assertThat(s.getInputStream().read())
                        .as("closed without an answer")
                        .isEqualTo(-1);
            }
        }
        try (Socket truncated = new Socket("127.0.0.1", server.port())) {
            truncated.getOutputStream().write(new byte[] {22, 3, 1, 1, 0, 1, 0, 0});
        }
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == hostile.length + 1);
        assertThat(ask(good)).isEqualTo("a.example null");
        assertThat(server.loop().isRunning()).isTrue();
        assertThat(log).filteredOn(l -> l.contains("TLS handshake with")).hasSize(hostile.length + 1);
        assertThat(log)
                .anyMatch(l -> l.contains("content type 71"))
                .anyMatch(l -> l.contains("ClientHello of 20004 bytes is larger than the 16384 allowed"))
                .anyMatch(l -> l.contains("before its ClientHello was whole"))
                .noneMatch(l -> l.contains("\tat ") || l.contains("uncaptured"));
    }

    @Test
    void alpnTakesTheServersFirstChoiceAmongWhatTheClientOffers() throws Exception {
        start(namedOptions(provider).withApplicationProtocols("proto-b", "proto-a"));
        SSLSocket both = client(server.port(), "a.example", "proto-a", "proto-b");
        assertThat(ask(both)).isEqualTo("a.example proto-b");
        assertThat(both.getApplicationProtocol()).isEqualTo("proto-b");
        SSLSocket one = client(server.port(), "b.example", "proto-a", "other");
        assertThat(ask(one)).isEqualTo("b.example proto-a");
        SSLSocket none = client(server.port(), "a.example");
        assertThat(ask(none))
                .as("a client that offers nothing is served without")
                .isEqualTo("a.example null");
    }

    @Test
    void alpnWithNoCommonProtocolIsRefusedWithTheAlertCountedAndLogged() throws Exception {
        start(namedOptions(provider).withApplicationProtocols("proto-a"));
        SSLSocket other = client(server.port(), "a.example", "proto-z");
        assertThatThrownBy(() -> ask(other))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("no_application_protocol");
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 1);
        assertThat(log).anyMatch(l -> l.contains("TLS handshake with") && l.contains("application"));
    }

    @Test
    void aConnectorOffersItsProtocolsAndSendsItsServerName() {
        start(namedOptions(provider).withApplicationProtocols("proto-b", "proto-a"));
        AsyncLoop loop = AsyncLoop.builder(new DispatcherMap())
                .threadName("sni-client-test")
                .daemon(true)
                .build();
        loop.start();
        closeables.add(() -> {
            loop.shutdownGracefully(Duration.ZERO);
            loop.map().close();
        });
        List<ClientConnectorTlsTest.Line> lines = new CopyOnWriteArrayList<>();
        ClientConnector connector = ClientConnector.builder("sni", loop)
                .address(server.address())
                .tls(
                        TlsOptions.of(TlsFixtures.clientContext(TlsFixtures.SNI_CA))
                                .withApplicationProtocols("proto-a"),
                        "a.example")
                .reconnect(ReconnectPolicy.NONE)
                .handler((channel, address, map) -> {
                    ClientConnectorTlsTest.Line line = new ClientConnectorTlsTest.Line(channel, map);
                    lines.add(line);
                    return line;
                })
                .build();
        connector.start();
        closeables.add(connector::stop);
        await().atMost(WAIT).until(() -> !lines.isEmpty() || connector.state() == ClientState.STOPPED);
        loop.submit(() -> lines.get(0).send(new byte[] {'?'})).join();
        await().atMost(WAIT)
                .until(() ->
                        lines.get(0).received.toString().endsWith("\n") || connector.state() == ClientState.STOPPED);
        assertThat(connector.status().lastError()).isNull();
        assertThat(lines.get(0).received.toString()).isEqualTo("a.example proto-a\n");
        TlsStatus status = loop.submit(() -> lines.get(0).tlsStatus()).join();
        assertThat(loop.submit(status::applicationProtocol).join()).isEqualTo("proto-a");
        assertThat(loop.submit(status::serverName).join()).isEqualTo("a.example");
    }

    @Test
    void malformedNamesAndDuplicatesAreRefusedWhenMapped() {
        TlsOptions options = TlsOptions.of(TlsFixtures.serverContext(provider));
        assertThatThrownBy(() -> options.withServerName("", TlsFixtures.serverContext(provider)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withServerName("a.*.example", TlsFixtures.serverContext(provider)))
                .hasMessageContaining("'a.*.example' is not a host name");
        assertThatThrownBy(() -> options.withServerName("a.example", TlsFixtures.serverContext(provider))
                        .withServerName("A.EXAMPLE", TlsFixtures.serverContext(provider)))
                .hasMessageContaining("server name 'a.example' is mapped already");
        assertThatThrownBy(() -> options.withApplicationProtocols("h2", "")).hasMessageContaining("1 to 255 bytes");
    }
}
