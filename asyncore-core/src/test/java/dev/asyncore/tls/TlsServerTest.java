package dev.asyncore.tls;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.TlsStatus;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A TLS server on an {@link AsyncLoop}: the built-in echo and an {@link AsyncChat} handler serve plaintext over TLS
 * unchanged, the JDK's own TLS client on the other end; handshakes are counted; hostile peers (not TLS, an oversized
 * record, a stalled handshake, a renegotiation, a flood of handshakes) end their own connection only.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.asyncore.tls.TlsFixtures#providers")
class TlsServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final DispatcherMap map = new DispatcherMap();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private AsyncLoop loop;
    private ServerDispatcher server;
    private int port;

    private final TlsProvider provider;

    TlsServerTest(TlsProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void onlyWhereTheProviderRuns() {
        TlsFixtures.assumeAvailable(provider);
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

    private void start(TlsOptions tls, dev.asyncore.handler.HandlerFactory factory) throws IOException {
        map.setLogSink((source, type, message) -> log.add(type + ": " + message));
        server = new ServerDispatcher(map, factory);
        server.setTls(tls);
        server.open(new InetSocketAddress("127.0.0.1", 0), 128);
        port = ((InetSocketAddress) server.localAddress()).getPort();
        loop = AsyncLoop.builder(map)
                .threadName("tls-test-loop")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
    }

    private void startEcho(TlsOptions tls) throws IOException {
        start(tls, (channel, peer, m) -> new EchoHandler(channel, m));
    }

    private SSLSocket client(SSLContext ctx, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        sockets.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        javax.net.ssl.SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        return s;
    }

    private Socket plain() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        sockets.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static byte[] echo(Socket s, byte[] payload) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> sent = writer.submit(() -> {
                s.getOutputStream().write(payload);
                s.getOutputStream().flush();
                return null;
            });
            byte[] got = new byte[payload.length];
            new DataInputStream(s.getInputStream()).readFully(got);
            sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return got;
        } finally {
            writer.shutdownNow();
        }
    }

    private TlsOptions serverOptions() {
        return TlsOptions.of(TlsFixtures.serverContext(provider));
    }

    @Test
    void echoesOneMegabyteOverTls12And13() throws Exception {
        startEcho(serverOptions());
        byte[] payload = new byte[1 << 20];
        new Random(13).nextBytes(payload);
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            SSLSocket s = client(TlsFixtures.clientContext(), protocol);
            assertThat(echo(s, payload)).isEqualTo(payload);
            assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
        }
        await().atMost(WAIT).until(() -> server.stats().handshakesCompleted() == 2);
        assertThat(server.stats().handshakesFailed()).isZero();
        assertThat(server.stats().bytesReceived()).isEqualTo(2L * payload.length);
    }

    @Test
    void halfCloseOfTheClientIsAnsweredWithCloseNotifyAfterTheLastByte() throws Exception {
        startEcho(serverOptions());
        SSLSocket s = client(TlsFixtures.clientContext(), "TLSv1.3");
        byte[] payload = "the last line\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(echo(s, payload)).isEqualTo(payload);
        s.shutdownOutput(); // TLS 1.3: sends close_notify, reading goes on
        assertThat(s.getInputStream().read()).isEqualTo(-1); // the server's close_notify: a clean end of stream
        await().atMost(WAIT).until(() -> server.stats().connections() == 0);
    }

    @Test
    void anAsyncChatHandlerThatGreetsInItsConstructorSpeaksTlsFromTheFirstByte() throws Exception {
        AtomicReference<TlsStatus> status = new AtomicReference<>();
        start(serverOptions(), (channel, peer, m) -> new Greeter(channel, m, status));
        SSLSocket s = client(TlsFixtures.clientContext());
        java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("hello");
        s.getOutputStream().write("ping\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("PING");
        await().atMost(WAIT).until(() -> status.get() != null);
        assertThat(loop.submit(() -> status.get().isHandshakeComplete()).get()).isTrue();
    }

    /** Greets in its constructor, then answers each line in upper case. */
    static final class Greeter extends AsyncChat {
        private final StringBuilder line = new StringBuilder();
        private final AtomicReference<TlsStatus> status;

        Greeter(java.nio.channels.SocketChannel channel, DispatcherMap map, AtomicReference<TlsStatus> status) {
            super(channel, map);
            this.status = status;
            setTerminator("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            push("hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            line.append(new String(data, java.nio.charset.StandardCharsets.US_ASCII));
        }

        @Override
        protected void foundTerminator() {
            status.set(tlsStatus());
            push((line.toString().toUpperCase(java.util.Locale.ROOT) + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            line.setLength(0);
        }
    }

    @Test
    void aHandlerThatClosesRightAfterItsLastSendLosesNoByteAndEndsWithCloseNotify() throws Exception {
        byte[] payload = new byte[16000];
        new Random(7).nextBytes(payload);
        AtomicInteger taken = new AtomicInteger();
        start(serverOptions(), (channel, peer, m) -> new Responder(channel, m, payload, taken));
        SSLSocket s = (SSLSocket) TlsFixtures.clientContext().getSocketFactory().createSocket();
        sockets.add(s);
        s.setReceiveBufferSize(2048);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        s.setSoTimeout((int) WAIT.toMillis());
        s.getOutputStream().write('?');
        s.getOutputStream().flush();
        // The handler sent one record (more than both socket buffers hold) and closed before the client reads a byte.
        await().atMost(WAIT).until(() -> server.stats().connections() == 0);
        assertThat(taken.get()).isEqualTo(payload.length);
        byte[] got = new byte[payload.length];
        new DataInputStream(s.getInputStream()).readFully(got);
        assertThat(got).isEqualTo(payload);
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        await().atMost(WAIT).until(() -> map.size() == 1);
    }

    /** On a request, sends its payload with one send and closes at once, with a small send buffer. */
    static final class Responder extends Dispatcher {
        private final byte[] payload;
        private final AtomicInteger taken;

        Responder(java.nio.channels.SocketChannel channel, DispatcherMap map, byte[] payload, AtomicInteger taken)
                throws IOException {
            super(channel, map);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 2048);
            this.payload = payload;
            this.taken = taken;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleRead() throws IOException {
            if (recv(java.nio.ByteBuffer.allocate(16)) > 0) {
                taken.set(send(java.nio.ByteBuffer.wrap(payload)));
                close();
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    @Test
    void clientAuthNeedRefusesAClientWithoutCertificateAndServesOneWithIt() throws Exception {
        startEcho(serverOptions().withClientAuth(TlsOptions.ClientAuth.NEED));
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            SSLSocket anonymous = client(TlsFixtures.clientContext(), protocol);
            assertThatThrownBy(() -> echo(anonymous, new byte[] {1, 2, 3})).isInstanceOf(IOException.class);
        }
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 2);
        SSLSocket withCert = client(TlsFixtures.context(TlsFixtures.CLIENT_CERT, TlsFixtures.CLIENT_KEY));
        assertThat(echo(withCert, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
        assertThat(log).noneMatch(line -> line.contains("\tat ") || line.contains("uncaptured"));
    }

    @Test
    void aCipherListOfTls13SuitesOnlyServesTls13AndRefusesTls12() throws Exception {
        // BoringSSL cannot narrow the TLS 1.3 suites; such a list means TLS 1.3 alone on both providers.
        startEcho(serverOptions().withCipherSuites("TLS_AES_128_GCM_SHA256"));
        SSLSocket s = client(TlsFixtures.clientContext());
        assertThat(echo(s, new byte[] {1})).containsExactly(1);
        assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        SSLSocket old = client(TlsFixtures.clientContext(), "TLSv1.2");
        assertThatThrownBy(() -> echo(old, new byte[] {2})).isInstanceOf(IOException.class);
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 1);
        assertThat(server.stats().handshakesCompleted()).isEqualTo(1);
    }

    @Test
    void clientAuthWantServesClientsWithAndWithoutCertificate() throws Exception {
        startEcho(serverOptions().withClientAuth(TlsOptions.ClientAuth.WANT));
        SSLSocket anonymous = client(TlsFixtures.clientContext());
        assertThat(echo(anonymous, new byte[] {4})).containsExactly(4);
        SSLSocket withCert = client(TlsFixtures.context(TlsFixtures.CLIENT_CERT, TlsFixtures.CLIENT_KEY));
        assertThat(echo(withCert, new byte[] {5})).containsExactly(5);
        assertThat(server.stats().handshakesFailed()).isZero();
    }

    @Test
    void bytesThatAreNotTlsEndThatConnectionOnlyCountedAndLoggedInOneLine() throws Exception {
        startEcho(serverOptions());
        SSLSocket good = client(TlsFixtures.clientContext());
        assertThat(echo(good, new byte[] {7})).containsExactly(7);
        Socket garbage = plain();
        garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertThat(drainToEnd(garbage.getInputStream())).isGreaterThanOrEqualTo(0);
        Socket oversized = plain();
        // a handshake record whose header announces 65,535 bytes: more than TLS allows
        oversized.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff, 1, 0, 0, 0});
        assertThat(drainToEnd(oversized.getInputStream())).isGreaterThanOrEqualTo(0);
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 2);
        assertThat(echo(good, new byte[] {8})).containsExactly(8);
        assertThat(loop.isRunning()).isTrue();
        assertThat(log).filteredOn(line -> line.contains("TLS handshake with")).hasSize(2);
        assertThat(log).noneMatch(line -> line.contains("uncaptured") || line.contains("\tat "));
        log.forEach(System.out::println);
    }

    @Test
    void aFloodOfFailedHandshakesIsCountedWhollyButLoggedInAFewLines() throws Exception {
        startEcho(serverOptions());
        SSLSocket good = client(TlsFixtures.clientContext());
        int failures = 25;
        for (int i = 0; i < failures; i++) {
            Socket garbage = plain();
            garbage.getOutputStream().write("not a ClientHello\r\n".getBytes());
            drainToEnd(garbage.getInputStream());
        }
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == failures);
        assertThat(echo(good, new byte[] {9})).containsExactly(9);
        assertThat(log).filteredOn(line -> line.contains("TLS handshake with")).hasSize(10);
        assertThat(log)
                .filteredOn(line -> line.startsWith("warning: ") && line.contains("counted but not logged"))
                .hasSize(1);
        assertThat(log).noneMatch(line -> line.contains("\tat "));
        System.out.printf("%d failed handshakes, %d log lines%n", failures, log.size());
    }

    /** Reads until the server closes; the bytes read (an alert, perhaps). */
    private static int drainToEnd(InputStream in) throws IOException {
        int n = 0;
        try {
            while (in.read() >= 0) {
                n++;
            }
        } catch (java.net.SocketException reset) {
            // a reset is an end too
        }
        return n;
    }

    @Test
    void aStalledHandshakeIsClosedAtTheTimeout() throws Exception {
        startEcho(serverOptions().withHandshakeTimeout(Duration.ofMillis(300)));
        Socket stalled = plain();
        long start = System.nanoTime();
        assertThat(drainToEnd(stalled.getInputStream())).isGreaterThanOrEqualTo(0);
        System.out.printf(
                "stalled handshake closed after %d ms (timeout 300 ms)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 1);
        assertThat(log).anyMatch(line -> line.contains("not finished within"));
    }

    @Test
    void aRenegotiationIsRefusedAndCountedAsAFailedHandshake() throws Exception {
        startEcho(serverOptions());
        SSLSocket s = client(TlsFixtures.clientContext(), "TLSv1.2");
        assertThat(echo(s, new byte[] {9})).containsExactly(9);
        assertThatThrownBy(() -> {
                    s.startHandshake(); // a second handshake on TLS 1.2 is a renegotiation
                    echo(s, new byte[] {10});
                })
                .isInstanceOf(IOException.class);
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 1);
        assertThat(server.stats().handshakesCompleted()).isEqualTo(1);
    }

    @Test
    void aFloodOfAThousandHandshakesLeavesAnotherClientsEchoServed() throws Exception {
        startEcho(serverOptions());
        SSLSocket steady = client(TlsFixtures.clientContext());
        assertThat(echo(steady, new byte[] {0})).containsExactly(0);
        SSLContext floodContext = TlsFixtures.clientContext();
        ExecutorService flood = Executors.newFixedThreadPool(8);
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(flood.submit(() -> {
                    try (SSLSocket s =
                            (SSLSocket) floodContext.getSocketFactory().createSocket("127.0.0.1", port)) {
                        s.setSoTimeout((int) WAIT.toMillis());
                        s.startHandshake();
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            int pings = 0;
            while (done.get() < 1000 && pings < 100_000) {
                byte b = (byte) pings++;
                assertThat(echo(steady, new byte[] {b})).containsExactly(b);
            }
            for (Future<?> f : futures) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            System.out.printf(
                    "1000 handshakes in %d ms while %d echoes were served to another client%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), pings);
        } finally {
            flood.shutdownNow();
            assertThat(flood.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
        }
        await().atMost(WAIT).until(() -> server.stats().handshakesCompleted() >= 1001);
        assertThat(echo(steady, new byte[] {42})).containsExactly(42);
    }
}
