package dev.asyncore.sample.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The line-based chat room on {@link AsyncChat}, over real loopback sockets with several clients, in select and poll
 * dispatch: what the in-memory {@link ChatRoomTest} cannot show (TCP holding a flooder back, a graceful shutdown).
 */
class ChatRoomServerTest {

    private static final long FLOOD_BYTES = 256L * 1024 * 1024;

    private final DispatcherMap map = new DispatcherMap();
    private final Queue<String> logs = new ConcurrentLinkedQueue<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private AsyncLoop loop;

    ChatRoomServerTest() {
        map.setLogSink((source, type, message) -> logs.add(type + ": " + message));
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (loop != null) {
            loop.close();
        }
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("thread %s ended", t.getName()).isFalse();
        }
        map.close();
    }

    private ChatServer startServer(ChatRoom room) throws IOException {
        ServerDispatcher server = new ServerDispatcher(map, room::newMember);
        server.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        return new ChatServer(server, room);
    }

    /** A listening chat server and the room its connections join. */
    private record ChatServer(ServerDispatcher server, ChatRoom room) {
        SocketAddress localAddress() {
            return server.localAddress();
        }
    }

    private void startLoop(boolean usePoll) {
        loop = AsyncLoop.builder(map)
                .usePoll(usePoll)
                .timeout(Duration.ofMillis(200))
                .threadName("chat-test-loop")
                .build();
        loop.start();
    }

    private Client connect(ChatServer server) throws IOException {
        Client client = new Client(server.localAddress());
        closeables.add(client);
        return client;
    }

    private List<Client> connectMembers(ChatServer server, int n) throws IOException {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(connect(server));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.room().memberCount() == n);
        return clients;
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {false, true})
    void eachLineGoesToEveryOtherMember(boolean usePoll) throws Exception {
        ChatServer server = startServer(new ChatRoom());
        startLoop(usePoll);
        List<Client> c = connectMembers(server, 4);

        c.get(0).send("hello\r\n");
        for (int i = 1; i < 4; i++) {
            assertThat(c.get(i).readLine()).isEqualTo("hello");
        }
        c.get(1).send("a\nb\n");
        assertThat(c.get(0).readLine())
                .as("the sender does not get its own line")
                .isEqualTo("a");
        assertThat(c.get(0).readLine()).isEqualTo("b");
        for (int i = 2; i < 4; i++) {
            assertThat(c.get(i).readLine()).isEqualTo("a");
            assertThat(c.get(i).readLine()).isEqualTo("b");
        }
        c.get(3).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.room().memberCount() == 3);
        c.get(2).send("after\n");
        assertThat(c.get(0).readLine()).isEqualTo("after");
        assertThat(c.get(1).readLine()).isEqualTo("after");
    }

    @Test
    void aClientSending256MibWithoutReadingIsPausedUnderTheHighWatermarkWhileOthersGoOn() throws Exception {
        ChatRoom floodRoom = new ChatRoom();
        floodRoom.setEcho(true);
        ChatServer floodServer = startServer(floodRoom);
        ChatServer otherServer = startServer(new ChatRoom());
        startLoop(false);

        SocketChannel flooder = SocketChannel.open(floodServer.localAddress());
        closeables.add(flooder);
        await().atMost(Duration.ofSeconds(10)).until(() -> floodRoom.memberCount() == 1);
        ChatRoomHandler handler = onLoop(() -> floodRoom.members().get(0));
        List<Client> others = connectMembers(otherServer, 2);

        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> flood(flooder, written), "flood-writer");
        threads.add(writer);
        writer.start();

        long[] last = {-1};
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    long now = written.get();
                    boolean stalled = now > 0 && now == last[0];
                    last[0] = now;
                    return stalled;
                });
        long high = handler.watermarks().high();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> handler.queuedBytes() <= high);
        for (int i = 0; i < 20; i++) {
            others.get(0).send("line " + i + "\n");
            assertThat(others.get(1).readLine()).isEqualTo("line " + i);
        }

        System.out.printf(
                "flood: client wrote %d of %d bytes before it was held back; server peak queued %d, high watermark %d%n",
                written.get(), FLOOD_BYTES, handler.peakQueuedBytes(), high);
        assertThat(written.get()).as("the writer was held back").isLessThan(FLOOD_BYTES);
        assertThat(handler.peakQueuedBytes())
                .as("peak queued bytes")
                .isLessThanOrEqualTo(high)
                .isGreaterThan(high - 4096);
        assertThat(handler.queuedBytes()).isLessThanOrEqualTo(high);
        flooder.close();
        writer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(writer.isAlive()).isFalse();
    }

    @Test
    void gracefulShutdownStopsReadingFlushesAndCloses() throws Exception {
        ChatServer server = startServer(new ChatRoom());
        startLoop(false);
        List<Client> c = connectMembers(server, 2);
        c.get(0).send("last words\n");
        assertThat(c.get(1).readLine()).isEqualTo("last words");

        assertThat(loop.shutdownGracefully(Duration.ofSeconds(5))).isTrue();
        assertThat(c.get(0).readToEnd()).isTrue();
        assertThat(c.get(1).readToEnd()).isTrue();
        assertThat(map.isEmpty()).isTrue();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    /** Writes up to 256 MiB of 1 KiB lines, never reading; ends when done or when the channel is closed. */
    private static void flood(SocketChannel channel, AtomicLong written) {
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i % 1024 == 1023 ? '\n' : 'x');
        }
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        try {
            while (written.get() < FLOOD_BYTES) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    written.addAndGet(channel.write(buffer));
                }
            }
        } catch (IOException closed) {
            // the test closed the channel (or the server did): stop writing
        }
    }

    /** A blocking line client with a read timeout. */
    private static final class Client implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader reader;
        private final OutputStream out;

        Client(SocketAddress server) throws IOException {
            socket.connect(server, 10_000);
            socket.setSoTimeout(10_000);
            reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String readLine() throws IOException {
            return reader.readLine();
        }

        /** Reads until the server closes; true if it did (end of stream or reset) within the read timeout. */
        boolean readToEnd() {
            try {
                while (reader.read() >= 0) {
                    // drain
                }
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
