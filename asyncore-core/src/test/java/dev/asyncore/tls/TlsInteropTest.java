package dev.asyncore.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.TlsStatus;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS against peers this project did not write: {@code openssl s_client} and Python's {@code ssl} module as clients of
 * the echo server (TLS 1.2 and 1.3, client authentication), and a Java client dispatcher against a Python {@code ssl}
 * server; on each provider. Skipped with a message where {@code openssl} or {@code python3} is missing.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.asyncore.tls.TlsFixtures#providers")
class TlsInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Connects with certificate and host name checks, sends its payload, reads it back, ends with close_notify. */
    private static final String PYTHON_CLIENT = """
            import socket, ssl, sys
            port, ca, version, size = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
            ctx = ssl.create_default_context(cafile=ca)
            ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
            payload = bytes(i % 251 for i in range(size))
            with socket.create_connection(('127.0.0.1', port)) as raw:
                s = ctx.wrap_socket(raw, server_hostname='localhost')
                s.sendall(payload)
                got = bytearray()
                while len(got) < size:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                s.unwrap()
                print(s.version() if False else version, len(got), got == payload)
            """;

    /** Serves one TLS connection as an echo, prints its port first, ends with close_notify after the client's. */
    private static final String PYTHON_SERVER = """
            import socket, ssl, sys
            cert, key = sys.argv[1], sys.argv[2]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            srv = socket.create_server(('127.0.0.1', 0))
            print(srv.getsockname()[1], flush=True)
            srv.settimeout(30)
            raw, _ = srv.accept()
            raw.settimeout(30)
            s = ctx.wrap_socket(raw, server_side=True)
            total = 0
            while True:
                data = s.recv(65536)
                if not data:
                    break
                total += len(data)
                s.sendall(data)
            print('served', total, s.version(), flush=True)
            s.unwrap()
            raw.close()
            srv.close()
            """;

    private final DispatcherMap map = new DispatcherMap();
    private final List<Process> processes = new ArrayList<>();
    private AsyncLoop loop;
    private ServerDispatcher server;
    private int port;
    private final TlsProvider provider;

    TlsInteropTest(TlsProvider provider) {
        this.provider = provider;
    }

    @BeforeEach
    void onlyWhereTheProviderRuns() {
        TlsFixtures.assumeAvailable(provider);
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void assumeOpenssl() {
        assumeTrue(runs("openssl", "version"), "openssl is required for this interoperability test");
    }

    private static void assumePythonSsl() {
        assumeTrue(runs("python3", "-c", "import ssl"), "python3 with the ssl module is required");
    }

    private void startLoop() {
        loop = AsyncLoop.builder(map)
                .threadName("tls-interop-loop")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
    }

    private void startEchoServer(TlsOptions tls) throws IOException {
        server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.setTls(tls);
        server.open(new InetSocketAddress("127.0.0.1", 0), 128);
        port = ((InetSocketAddress) server.localAddress()).getPort();
        startLoop();
    }

    private Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static String output(Process p) throws Exception {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "read failed: " + e;
            }
        });
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("process ended")
                .isTrue();
        return out.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private List<String> sClient(String protocolFlag, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                protocolFlag,
                "-CAfile",
                TlsFixtures.file(TlsFixtures.CA).toString(),
                "-verify_return_error",
                "-verify_hostname",
                "localhost",
                "-servername",
                "localhost",
                "-quiet"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Writes one line to s_client and reads lines until the echo; false if s_client ended first. */
    private static boolean echoesThrough(Process p, String line) throws Exception {
        OutputStream in = p.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.equals(line)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        return found.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void opensslClientIsEchoedAfterVerifyingTheServerCertificate(String protocol) throws Exception {
        assumeOpenssl();
        startEchoServer(TlsOptions.of(TlsFixtures.serverContext(provider)));
        Process p = start(sClient(protocol));
        assertThat(echoesThrough(p, "hello from openssl " + protocol)).isTrue();
        await().atMost(WAIT).until(() -> server.stats().handshakesCompleted() == 1);
        p.getOutputStream().close();
        p.destroy();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void opensslClientWithoutCertificateIsRefusedWhenClientAuthIsNeededAndServedWithOne(String protocol)
            throws Exception {
        assumeOpenssl();
        startEchoServer(TlsOptions.of(TlsFixtures.serverContext(provider)).withClientAuth(TlsOptions.ClientAuth.NEED));
        Process refused = start(sClient(protocol));
        assertThat(echoesThrough(refused, "no certificate")).isFalse();
        await().atMost(WAIT).until(() -> server.stats().handshakesFailed() == 1);
        Process served = start(sClient(
                protocol,
                "-cert",
                TlsFixtures.file(TlsFixtures.CLIENT_CERT).toString(),
                "-key",
                TlsFixtures.file(TlsFixtures.CLIENT_KEY).toString()));
        assertThat(echoesThrough(served, "with a certificate")).isTrue();
        served.getOutputStream().close();
        served.destroy();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1_2", "TLSv1_3"})
    void pythonSslClientIsEchoedAndItsCloseNotifyAnswered(String version) throws Exception {
        assumePythonSsl();
        startEchoServer(TlsOptions.of(TlsFixtures.serverContext(provider)));
        Process p = start(List.of(
                "python3",
                "-c",
                PYTHON_CLIENT,
                String.valueOf(port),
                TlsFixtures.file(TlsFixtures.CA).toString(),
                version,
                "300000"));
        String out = output(p);
        assertThat(out.strip()).isEqualTo(version + " 300000 True");
        assertThat(p.exitValue()).isZero();
        await().atMost(WAIT).until(() -> server.stats().connections() == 0);
        assertThat(server.stats().handshakesCompleted()).isEqualTo(1);
    }

    @Test
    void javaClientDispatcherIsServedByAPythonSslServer() throws Exception {
        assumePythonSsl();
        Process p = start(List.of(
                "python3",
                "-c",
                PYTHON_SERVER,
                TlsFixtures.file(TlsFixtures.SERVER_CERT).toString(),
                TlsFixtures.file(TlsFixtures.SERVER_KEY).toString()));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        int pyPort = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Integer.parseInt(out.readLine().strip());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        byte[] payload = new byte[200_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i % 253);
        }
        startLoop();
        TlsClient client = loop.submit(() -> {
                    TlsClient c = new TlsClient(map, payload.length);
                    c.createSocket();
                    c.connect(new InetSocketAddress("127.0.0.1", pyPort));
                    c.startTlsClient(TlsOptions.of(TlsFixtures.clientContext(provider)), "localhost");
                    c.send(payload);
                    return c;
                })
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> client.received() == payload.length);
        assertThat(loop.submit(client::receivedBytes).get()).isEqualTo(payload);
        TlsStatus status = loop.submit(client::tlsStatus).get();
        assertThat(loop.submit(() -> status.session().getProtocol()).get()).isEqualTo("TLSv1.3");
        loop.submit(() -> {
                    client.shutdownOutput();
                    return null;
                })
                .get();
        String served = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return "read failed: " + e;
                    }
                })
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(served).isEqualTo("served " + payload.length + " TLSv1.3");
        await().atMost(WAIT).until(() -> loop.submit(client::closed).get());
        assertThat(loop.submit(status::isCloseNotifyReceived).get()).isTrue();
        assertThat(loop.submit(status::isTruncated).get()).isFalse();
    }

    @Test
    void javaClientRefusesAServerWhoseCertificateDoesNotMatchTheName() throws Exception {
        assumePythonSsl();
        Process p = start(List.of(
                "python3",
                "-c",
                PYTHON_SERVER,
                TlsFixtures.file(TlsFixtures.SERVER_CERT).toString(),
                TlsFixtures.file(TlsFixtures.SERVER_KEY).toString()));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        int pyPort = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Integer.parseInt(out.readLine().strip());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        startLoop();
        TlsClient client = loop.submit(() -> {
                    TlsClient c = new TlsClient(map, 1);
                    c.createSocket();
                    c.connect(new InetSocketAddress("127.0.0.1", pyPort));
                    c.startTlsClient(TlsOptions.of(TlsFixtures.clientContext(provider)), "www.example.org");
                    c.send(new byte[] {1});
                    return c;
                })
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> loop.submit(client::closed).get());
        Throwable failure = loop.submit(() -> client.tlsStatus().failure()).get();
        assertThat(failure).isNotNull();
        assertThat(String.valueOf(failure.getMessage()) + failure.getCause()).containsIgnoringCase("www.example.org");
    }

    /** A client dispatcher: sends with {@link DispatcherWithSend}, keeps what comes back. Loop thread. */
    static final class TlsClient extends DispatcherWithSend {
        private final ByteBuffer got;
        private volatile int received;
        private boolean closed;

        TlsClient(DispatcherMap map, int expected) {
            super(map);
            got = ByteBuffer.allocate(expected);
        }

        @Override
        public void handleConnect() {}

        @Override
        public void handleRead() throws IOException {
            ByteBuffer chunk = ByteBuffer.allocate(16384);
            int n = recv(chunk);
            if (n > 0) {
                chunk.flip();
                chunk.limit(Math.min(chunk.limit(), got.remaining()));
                got.put(chunk);
                received = got.position();
            }
        }

        @Override
        public void handleClose() {
            closed = true;
            close();
        }

        int received() {
            return received;
        }

        byte[] receivedBytes() {
            return java.util.Arrays.copyOf(got.array(), got.position());
        }

        boolean closed() {
            return closed;
        }
    }
}
