package dev.asyncore.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful shutdown while 20 clients are mid-stream: each client gets back every byte the server read before the
 * shutdown began, in order, then a clean close (end of stream, not a reset). Each client closes when it sees the end of
 * the stream, as a well-behaved client does; the server then closes its side.
 */
class ShutdownMidStreamTest extends LoopTestSupport {

    private final Map<Integer, CountingEcho> handlers = new ConcurrentHashMap<>();
    private final List<Socket> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket s : clients) {
            s.close();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    @Test
    void everyByteReadBeforeShutdownIsEchoedThenClosedCleanly() throws Exception {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> {
            CountingEcho echo = new CountingEcho(channel, m);
            handlers.put(((InetSocketAddress) peer).getPort(), echo);
            return echo;
        });
        server.open(new InetSocketAddress("127.0.0.1", 0), 64);
        startLoop("shutdown-loop");
        InetSocketAddress address = (InetSocketAddress) server.localAddress();

        int n = 20;
        AtomicBoolean keepSending = new AtomicBoolean(true);
        List<ByteArrayOutputStream> received = new ArrayList<>();
        List<byte[]> patterns = new ArrayList<>();
        List<Boolean> cleanEnd = new ArrayList<>(java.util.Collections.nCopies(n, false));
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(address.getAddress(), address.getPort());
            s.setSoTimeout(20_000);
            clients.add(s);
            byte[] pattern = new byte[4096];
            for (int j = 0; j < pattern.length; j++) {
                pattern[j] = (byte) (j * 31 + i);
            }
            patterns.add(pattern);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            received.add(sink);
            int index = i;
            threads.add(start("writer-" + i, () -> {
                while (keepSending.get()) {
                    s.getOutputStream().write(pattern);
                }
            }));
            threads.add(start("reader-" + i, () -> {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                int r;
                while ((r = in.read(buf)) >= 0) {
                    sink.write(buf, 0, r);
                }
                cleanEnd.set(index, true);
                s.close();
            }));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> handlers.size() == n && handlers.values().stream().allMatch(h -> h.read > 100_000));

        assertThat(loop.shutdownGracefully(Duration.ofSeconds(20))).isTrue();
        keepSending.set(false);
        for (Thread t : threads) {
            if (t.getName().startsWith("reader-")) {
                t.join(20_000);
            }
        }

        for (int i = 0; i < n; i++) {
            Socket s = clients.get(i);
            CountingEcho h = handlers.get(s.getLocalPort());
            byte[] got = received.get(i).toByteArray();
            assertThat(cleanEnd.get(i)).as("client %d saw end of stream", i).isTrue();
            assertThat(h.readAtShutdown)
                    .as("client %d bytes read before shutdown", i)
                    .isPositive();
            assertThat((long) got.length).as("client %d bytes back", i).isEqualTo(h.readAtShutdown);
            byte[] pattern = patterns.get(i);
            for (int j = 0; j < got.length; j++) {
                if (got[j] != pattern[j % pattern.length]) {
                    throw new AssertionError("client " + i + " byte " + j + " differs");
                }
            }
        }
        assertThat(map.total()).isZero();
    }

    private static Thread start(String name, IoAction action) {
        Thread t = new Thread(
                () -> {
                    try {
                        action.run();
                    } catch (IOException ignored) {
                        // the writer stops when the server has closed
                    }
                },
                name);
        t.start();
        return t;
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** The built-in echo, counting what it read. */
    private static final class CountingEcho extends EchoHandler {
        volatile long read;
        volatile long readAtShutdown = -1;

        CountingEcho(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public int recv(ByteBuffer dst) throws IOException {
            int r = super.recv(dst);
            if (r > 0) {
                read += r;
            }
            return r;
        }

        @Override
        protected void handleShutdown() {
            readAtShutdown = read;
            super.handleShutdown();
        }
    }
}
