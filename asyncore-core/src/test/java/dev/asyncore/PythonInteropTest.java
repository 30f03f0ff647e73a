package dev.asyncore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.asyncore.handler.EchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability with Python's own {@code asyncore} and with {@code nc}: a Java echo server built from the core API
 * serves a Python asyncore client and {@code nc}; a Python asyncore echo server serves a Java client dispatcher. Skipped
 * where {@code python3} cannot import {@code asyncore} or {@code nc} is absent.
 */
class PythonInteropTest {

    private static final long PROCESS_SECONDS = 30;

    /** Python's documentation client, sending its payload and printing what came back. */
    private static final String PYTHON_CLIENT = """
            import asyncore, socket, sys
            host, port, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            payload = b''.join(b'line %d from python asyncore\\n' % i for i in range(lines))

            class Client(asyncore.dispatcher):
                def __init__(self):
                    asyncore.dispatcher.__init__(self)
                    self.create_socket(socket.AF_INET)
                    self.connect((host, port))
                    self.out = payload
                    self.got = bytearray()
                def handle_connect(self):
                    pass
                def writable(self):
                    return len(self.out) > 0
                def handle_write(self):
                    sent = self.send(self.out)
                    self.out = self.out[sent:]
                def handle_read(self):
                    self.got += self.recv(8192)
                    if len(self.got) >= len(payload):
                        self.close()
                def handle_close(self):
                    self.close()

            c = Client()
            asyncore.loop(timeout=0.1, count=2000)
            sys.stdout.write(c.got.decode('ascii'))
            """;

    /** The documentation's echo server; prints its port, serves one connection, then ends. */
    private static final String PYTHON_SERVER = """
            import asyncore, socket, sys

            class EchoHandler(asyncore.dispatcher_with_send):
                def __init__(self, sock, server):
                    asyncore.dispatcher_with_send.__init__(self, sock)
                    self.server = server
                    self.total = 0
                def handle_read(self):
                    data = self.recv(8192)
                    if data:
                        self.total += len(data)
                        self.send(data)
                def handle_close(self):
                    print('served %d bytes' % self.total, flush=True)
                    self.close()
                    self.server.close()

            class EchoServer(asyncore.dispatcher):
                def __init__(self, host, port):
                    asyncore.dispatcher.__init__(self)
                    self.create_socket()
                    self.set_reuse_addr()
                    self.bind((host, port))
                    self.listen(5)
                def handle_accepted(self, sock, addr):
                    EchoHandler(sock, self)

            server = EchoServer('127.0.0.1', 0)
            print(server.socket.getsockname()[1], flush=True)
            asyncore.loop(timeout=0.1, count=600)
            """;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void killProcesses() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void assumePythonAsyncore() {
        assumeTrue(runs("python3", "-W", "ignore", "-c", "import asyncore"), "python3 with asyncore is required");
    }

    private Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    private static String readAll(Process p) throws Exception {
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS))
                .as("process ended in time")
                .isTrue();
        return new String(out.get(PROCESS_SECONDS, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
    }

    private static String lines(int n, String from) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("line ").append(i).append(" from ").append(from).append('\n');
        }
        return s.toString();
    }

    private AsyncLoop javaEchoServer(InetSocketAddress[] bound) throws IOException {
        EchoServer server = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        bound[0] = (InetSocketAddress) server.localAddress();
        AsyncLoop loop = AsyncLoop.builder(map)
                .threadName("interop-echo")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
        return loop;
    }

    @Test
    void javaEchoServerServesPythonAsyncoreClient() throws Exception {
        assumePythonAsyncore();
        Path script = Files.writeString(dir.resolve("client.py"), PYTHON_CLIENT);
        InetSocketAddress[] bound = new InetSocketAddress[1];
        try (AsyncLoop loop = javaEchoServer(bound)) {
            Process p = start(new ProcessBuilder(
                    "python3",
                    "-W",
                    "ignore",
                    script.toString(),
                    "127.0.0.1",
                    String.valueOf(bound[0].getPort()),
                    "3000"));
            assertThat(readAll(p)).isEqualTo(lines(3000, "python asyncore"));
            assertThat(p.exitValue()).isZero();
            assertThat(loop.isRunning()).isTrue();
        }
    }

    @Test
    void javaEchoServerServesNetcat() throws Exception {
        assumeTrue(runs("sh", "-c", "command -v nc"), "nc is required");
        Path input = Files.writeString(dir.resolve("input.txt"), lines(2000, "nc"));
        InetSocketAddress[] bound = new InetSocketAddress[1];
        try (AsyncLoop loop = javaEchoServer(bound)) {
            // -N: shut down the sending side at end of input, then read until the server closes
            Process p =
                    start(new ProcessBuilder("nc", "-N", "-w", "10", "127.0.0.1", String.valueOf(bound[0].getPort()))
                            .redirectInput(input.toFile()));
            assertThat(readAll(p)).isEqualTo(lines(2000, "nc"));
            assertThat(loop.isRunning()).isTrue();
        }
    }

    /** A client dispatcher that sends its payload and collects the echo until it has it all. */
    static final class EchoClient extends Dispatcher {
        final byte[] payload;
        final java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        private int offset;

        EchoClient(InetSocketAddress address, byte[] payload, DispatcherMap map) throws IOException {
            super(map);
            this.payload = payload;
            createSocket();
            connect(address);
        }

        @Override
        public void handleConnect() {}

        @Override
        public boolean writable() {
            return offset < payload.length;
        }

        @Override
        public void handleWrite() throws IOException {
            offset += send(Arrays.copyOfRange(payload, offset, payload.length));
        }

        @Override
        public void handleRead() throws IOException {
            got.writeBytes(recv(8192));
            if (got.size() >= payload.length) {
                close();
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    @Test
    void pythonAsyncoreEchoServerServesJavaClient() throws Exception {
        assumePythonAsyncore();
        Path script = Files.writeString(dir.resolve("server.py"), PYTHON_SERVER);
        Process p = start(new ProcessBuilder("python3", "-W", "ignore", script.toString()));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String portLine = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(PROCESS_SECONDS, TimeUnit.SECONDS);
        assertThat(portLine).as("the Python server's port").matches("\\d+");
        byte[] payload = lines(3000, "java dispatcher").getBytes(StandardCharsets.US_ASCII);
        EchoClient client =
                new EchoClient(new InetSocketAddress("127.0.0.1", Integer.parseInt(portLine)), payload, map);
        Asyncore.loop(Duration.ofMillis(100), false, map, 600);
        assertThat(map.isEmpty()).as("the client got everything and closed").isTrue();
        assertThat(client.got.toByteArray()).isEqualTo(payload);
        String rest = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(PROCESS_SECONDS, TimeUnit.SECONDS);
        assertThat(rest).isEqualTo("served " + payload.length + " bytes");
        assertThat(p.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
