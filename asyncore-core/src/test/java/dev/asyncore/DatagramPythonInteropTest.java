package dev.asyncore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.DatagramServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Datagram interoperability with Python's own {@code asyncore}: a Python {@code SOCK_DGRAM} client dispatcher against the
 * Java {@link DatagramServer}, and a Java datagram client dispatcher (connected, and unconnected with {@code sendto}) against
 * a Python {@code SOCK_DGRAM} echo dispatcher; each side with select and with poll dispatch. The Python side calls
 * {@code self.socket.sendto}/{@code recvfrom}, since Python 3's dispatcher no longer forwards unknown attributes to its
 * socket. Skipped where {@code python3} cannot import {@code asyncore}.
 */
class DatagramPythonInteropTest {

    private static final long PROCESS_SECONDS = 30;
    private static final int DATAGRAMS = 100;

    /** A datagram client dispatcher: sends one datagram, waits for its echo, sends the next; prints what came back. */
    private static final String PYTHON_CLIENT = """
            import asyncore, socket, sys
            host, port, count, use_poll = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == 'poll'
            family = socket.AF_INET6 if ':' in host else socket.AF_INET

            class Client(asyncore.dispatcher):
                def __init__(self):
                    asyncore.dispatcher.__init__(self)
                    self.create_socket(family, socket.SOCK_DGRAM)
                    self.sent = 0
                    self.got = []
                def writable(self):
                    return self.sent < count and self.sent == len(self.got)
                def handle_write(self):
                    self.socket.sendto(b'datagram %d from python asyncore' % self.sent, (host, port))
                    self.sent += 1
                def handle_read(self):
                    data, addr = self.socket.recvfrom(2048)
                    if addr[1] != port:
                        raise AssertionError('reply from %r' % (addr,))
                    self.got.append(data)
                    if len(self.got) == count:
                        self.close()

            c = Client()
            asyncore.loop(timeout=0.1, use_poll=use_poll, count=3000)
            sys.stdout.write(''.join(d.decode('ascii') + '\\n' for d in c.got))
            """;

    /** A datagram echo dispatcher: prints its port, echoes with sendto until it receives b'quit', then prints a tally. */
    private static final String PYTHON_SERVER = """
            import asyncore, socket, sys
            host, use_poll = sys.argv[1], sys.argv[2] == 'poll'
            family = socket.AF_INET6 if ':' in host else socket.AF_INET

            class Echo(asyncore.dispatcher):
                def __init__(self):
                    asyncore.dispatcher.__init__(self)
                    self.create_socket(family, socket.SOCK_DGRAM)
                    self.bind((host, 0))
                    self.count = 0
                def writable(self):
                    return False
                def handle_read(self):
                    data, addr = self.socket.recvfrom(2048)
                    if data == b'quit':
                        print('echoed %d datagrams' % self.count, flush=True)
                        self.close()
                        return
                    self.count += 1
                    self.socket.sendto(data, addr)

            e = Echo()
            print(e.socket.getsockname()[1], flush=True)
            asyncore.loop(timeout=0.1, use_poll=use_poll, count=600)
            """;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void tearDown() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private static void assumePythonAsyncore() {
        try {
            Process p = new ProcessBuilder("python3", "-W", "ignore", "-c", "import asyncore")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            assumeTrue(
                    p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0,
                    "python3 with asyncore is required");
        } catch (IOException e) {
            assumeTrue(false, "python3 with asyncore is required: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            assumeTrue(false, "interrupted");
        }
    }

    private static void assumeIpv6(String host) {
        if (host.contains(":")) {
            try (java.nio.channels.DatagramChannel probe =
                    java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET6)) {
                probe.bind(new InetSocketAddress(host, 0));
            } catch (IOException | UnsupportedOperationException e) {
                assumeTrue(false, "IPv6 support required: " + e);
            }
        }
    }

    private Process start(String script, String... args) throws IOException {
        Path file = Files.writeString(dir.resolve("script.py"), script);
        List<String> command = new ArrayList<>(List.of("python3", "-W", "ignore", file.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        processes.add(p);
        return p;
    }

    private static String expected(String from) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < DATAGRAMS; i++) {
            s.append("datagram ").append(i).append(" from ").append(from).append('\n');
        }
        return s.toString();
    }

    private static String readLine(BufferedReader in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return in.readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(PROCESS_SECONDS, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "python {1} client, {0}")
    @CsvSource({"127.0.0.1, select", "127.0.0.1, poll", "::1, select", "::1, poll"})
    void javaDatagramServerServesPythonAsyncoreClient(String host, String dispatch) throws Exception {
        assumePythonAsyncore();
        assumeIpv6(host);
        DatagramServer server = new DatagramServer(map, DatagramHandler.echo());
        server.open(new InetSocketAddress(host, 0));
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (AsyncLoop loop = AsyncLoop.builder(map)
                .threadName("udp-interop")
                .timeout(Duration.ofMillis(100))
                .build()) {
            loop.start();
            Process p = start(PYTHON_CLIENT, host, String.valueOf(port), String.valueOf(DATAGRAMS), dispatch);
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = p.getInputStream()) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS))
                    .as("python ended in time")
                    .isTrue();
            assertThat(new String(out.get(PROCESS_SECONDS, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
                    .isEqualTo(expected("python asyncore"));
            assertThat(p.exitValue()).isZero();
            assertThat(server.stats().datagramsReceived()).isEqualTo(DATAGRAMS);
            assertThat(loop.isRunning()).isTrue();
        }
    }

    /** Sends one datagram at a time, connected ({@code send}/{@code recv}) or not ({@code sendto}/{@code recvfrom}). */
    static final class LockStepClient extends Dispatcher {
        final StringBuilder got = new StringBuilder();
        private final SocketAddress server;
        private final boolean connected;
        private int sent;
        private int received;

        LockStepClient(SocketAddress server, boolean connected, DispatcherMap map) throws IOException {
            super(map);
            this.server = server;
            this.connected = connected;
            createSocket(SocketAddresses.familyOf(server), SocketType.SOCK_DGRAM);
            if (connected) {
                connect(server);
            }
        }

        @Override
        public void handleConnect() {}

        @Override
        public boolean writable() {
            return sent == received && sent <= DATAGRAMS;
        }

        @Override
        public void handleWrite() throws IOException {
            byte[] data = (sent < DATAGRAMS ? "datagram " + sent + " from java dispatcher" : "quit")
                    .getBytes(StandardCharsets.US_ASCII);
            int n = connected ? send(data) : sendto(data, server);
            assertThat(n).isEqualTo(data.length);
            sent++;
            if (sent > DATAGRAMS) {
                close();
            }
        }

        @Override
        public void handleRead() throws IOException {
            byte[] data;
            if (connected) {
                data = recv(2048);
            } else {
                Datagram d = recvfrom(2048);
                assertThat(d.address()).isEqualTo(server);
                data = d.data();
            }
            got.append(new String(data, StandardCharsets.US_ASCII)).append('\n');
            received++;
        }

        @Override
        public void handleError(Throwable t) {
            ApiTestBase.reraise(t);
        }
    }

    @ParameterizedTest(name = "java {1} client, {0}, connected {2}")
    @CsvSource({
        "127.0.0.1, select, true",
        "127.0.0.1, poll, true",
        "127.0.0.1, select, false",
        "127.0.0.1, poll, false",
        "::1, select, true",
        "::1, poll, false"
    })
    void pythonAsyncoreDatagramServerServesJavaClient(String host, String dispatch, boolean connected)
            throws Exception {
        assumePythonAsyncore();
        assumeIpv6(host);
        Process p = start(PYTHON_SERVER, host, dispatch);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String portLine = readLine(out);
        assertThat(portLine).as("the Python server's port").matches("\\d+");
        SocketAddress server = new InetSocketAddress(host, Integer.parseInt(portLine));
        LockStepClient client = new LockStepClient(server, connected, map);
        boolean poll = dispatch.equals("poll");
        for (int i = 0; i < 600 && !map.isEmpty() && p.isAlive(); i++) {
            Asyncore.loop(Duration.ofMillis(100), poll, map, 1);
        }
        assertThat(map.isEmpty()).as("the client got every echo and closed").isTrue();
        assertThat(client.got.toString()).isEqualTo(expected("java dispatcher"));
        assertThat(readLine(out)).isEqualTo("echoed " + DATAGRAMS + " datagrams");
        assertThat(p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
