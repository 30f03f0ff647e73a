package dev.asyncore;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The two examples of the asyncore documentation, written as the documentation writes them, over real sockets. */
class SpecExamplesTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    // ---- "asyncore Example basic echo server" ----

    /** The documentation's {@code EchoHandler(asyncore.dispatcher_with_send)}. */
    static class EchoHandler extends DispatcherWithSend {
        EchoHandler(SocketChannel sock, DispatcherMap map) {
            super(sock, map);
        }

        @Override
        public void handleRead() throws IOException {
            byte[] data = recv(8192);
            if (data.length > 0) {
                send(data);
            }
        }
    }

    /** The documentation's {@code EchoServer(asyncore.dispatcher)}. */
    static class EchoServer extends Dispatcher {
        final List<SocketAddress> incoming = new CopyOnWriteArrayList<>();

        EchoServer(String host, int port, DispatcherMap map) throws IOException {
            super(map);
            createSocket();
            setReuseAddr();
            bind(new InetSocketAddress(host, port));
            listen(5);
        }

        @Override
        public void handleAccepted(SocketChannel sock, SocketAddress addr) {
            // Python prints 'Incoming connection from %s'
            incoming.add(addr);
            new EchoHandler(sock, map());
        }
    }

    /** Ends {@code Asyncore.loop()} with {@link ExitNow} when a byte arrives on its pipe. */
    static final class Stopper extends Dispatcher {
        private final Pipe.SinkChannel sink;

        Stopper(DispatcherMap map) throws IOException {
            super(map);
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            setSocket(pipe.source());
            sink = pipe.sink();
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleRead() {
            throw new ExitNow();
        }

        /** Any thread. */
        void stop() throws IOException {
            sink.write(ByteBuffer.wrap(new byte[] {1}));
        }

        @Override
        public void close() {
            super.close();
            try {
                sink.close();
            } catch (IOException ignored) {
                // closing a pipe end does not fail
            }
        }
    }

    @Test
    void echoServerExampleSelect() throws Exception {
        echoServerExample(false);
    }

    @Test
    void echoServerExamplePoll() throws Exception {
        echoServerExample(true);
    }

    private void echoServerExample(boolean usePoll) throws Exception {
        EchoServer server = new EchoServer("localhost", 0, map);
        int port =
                ((InetSocketAddress) ((java.nio.channels.NetworkChannel) server.socket()).getLocalAddress()).getPort();
        Stopper stopper = new Stopper(map);
        AtomicReference<Throwable> loopEnd = new AtomicReference<>();
        Thread loop = new Thread(
                () -> {
                    try {
                        Asyncore.loop(Duration.ofMillis(100), usePoll, map);
                    } catch (Throwable t) {
                        loopEnd.set(t);
                    }
                },
                "echo-example-loop");
        loop.start();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            List<Future<byte[]>> echoes = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] data = new byte[i == 0 ? 5 : 200_000 * i];
                new Random(i).nextBytes(data);
                sent.add(data);
                echoes.add(clients.submit(() -> echo(port, data)));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(echoes.get(i).get(20, TimeUnit.SECONDS))
                        .as("echo %s", i)
                        .isEqualTo(sent.get(i));
            }
            assertThat(server.incoming).hasSize(3).allSatisfy(a -> assertThat(a).isInstanceOf(InetSocketAddress.class));
        } finally {
            clients.shutdownNow();
            stopper.stop();
            loop.join(10_000);
        }
        assertThat(loop.isAlive()).isFalse();
        assertThat(loopEnd.get()).as("ExitNow ends loop()").isInstanceOf(ExitNow.class);
    }

    /** Writes everything from one thread while this one reads the echo. */
    private static byte[] echo(int port, byte[] data) throws Exception {
        try (Socket s = new Socket("localhost", port)) {
            s.setSoTimeout(15_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    out.flush();
                } catch (IOException ignored) {
                    // the reader's assertion reports a short echo
                }
            });
            writer.start();
            byte[] got = new byte[data.length];
            new DataInputStream(s.getInputStream()).readFully(got);
            writer.join(15_000);
            return got;
        }
    }

    // ---- "asyncore Example basic HTTP client" ----

    /** The documentation's {@code HTTPClient(asyncore.dispatcher)}; what Python prints is kept in {@link #received}. */
    static class HttpClient extends Dispatcher {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private byte[] buffer;

        HttpClient(String host, int port, String path, DispatcherMap map) throws IOException {
            super(map);
            createSocket();
            connect(new InetSocketAddress(host, port));
            buffer = ("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void handleConnect() {}

        @Override
        public void handleClose() {
            close();
        }

        @Override
        public void handleRead() throws IOException {
            received.writeBytes(recv(8192));
        }

        @Override
        public boolean writable() {
            return buffer.length > 0;
        }

        @Override
        public void handleWrite() throws IOException {
            int sent = send(buffer);
            buffer = Arrays.copyOfRange(buffer, sent, buffer.length);
        }
    }

    @Test
    void httpClientExampleSelect() throws Exception {
        httpClientExample(false);
    }

    @Test
    void httpClientExamplePoll() throws Exception {
        httpClientExample(true);
    }

    private void httpClientExample(boolean usePoll) throws Exception {
        byte[] body = "Welcome to a tiny HTTP server\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        try {
            HttpClient client = new HttpClient("127.0.0.1", http.getAddress().getPort(), "/", map);
            Asyncore.loop(Duration.ofMillis(100), usePoll, map, 500);
            assertThat(map.isEmpty())
                    .as("the client closed when the server closed")
                    .isTrue();
            String response = client.received.toString(StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith(new String(body, StandardCharsets.US_ASCII));
            assertThat(requests).containsExactly("GET / 127.0.0.1");
        } finally {
            http.stop(0);
        }
    }
}
