package dev.asyncore;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.asyncore.internal.loop.Registration;
import dev.asyncore.internal.transport.ChannelTransport;
import dev.asyncore.internal.transport.ListeningTransport;
import dev.asyncore.internal.transport.StreamTransport;
import dev.asyncore.internal.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seams under {@link Dispatcher}: the transport that does its channel work, chosen by the channel's kind, and the
 * registration that carries the loop's bookkeeping while it is in a map.
 */
class TransportSeamTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    @Test
    void transportFollowsTheChannelKind(@TempDir Path dir) throws IOException {
        Dispatcher server = new Dispatcher(map);
        server.createSocket();
        assertThat(server.transport()).isInstanceOf(StreamTransport.class);
        assertThat(server.socket()).isSameAs(server.transport().channel()).isInstanceOf(SocketChannel.class);

        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.listen(5);
        assertThat(server.transport()).isInstanceOf(ListeningTransport.class);
        assertThat(server.socket()).isInstanceOf(ServerSocketChannel.class);

        Path file = Files.writeString(dir.resolve("data.txt"), "spam");
        FileDispatcher files = new FileDispatcher(file, map);
        assertThat(files.transport()).isInstanceOf(ChannelTransport.class);
        assertThat(files.transport().selectable()).isNull();
        assertThat(files.socket()).isInstanceOf(FileWrapper.class);
    }

    @Test
    void registrationIsMadeOnJoiningAndDroppedOnLeaving() throws IOException {
        Dispatcher d = new Dispatcher(map);
        assertThat(d.registration()).isNull();

        d.createSocket();
        Registration first = d.registration();
        assertThat(first).isNotNull();
        assertThat(first.isMember()).isTrue();
        assertThat(first.map()).isSameAs(map);

        d.delChannel();
        assertThat(d.registration()).isNull();
        assertThat(first.isMember()).isFalse();

        d.addChannel();
        assertThat(d.registration()).isNotNull().isNotSameAs(first);
    }

    @Test
    void bufferedInputIsReadWithoutTheSocketBeingReadable() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel accepted = listener.accept()) {
                ByteReader reader = new ByteReader(accepted, map);
                reader.replaceTransport(new Buffering(reader.transport(), "hello"));

                // The peer sends nothing: only the transport's own bytes can be read, one per pass. Were they not seen,
                // each pass would wait its whole timeout and read nothing.
                Asyncore.loop(Duration.ofSeconds(5), false, map, 5);

                assertThat(reader.received()).isEqualTo("hello");
                assertThat(reader.transport().hasBufferedInput()).isFalse();
            }
        }
    }

    @Test
    void bufferedInputIsReadByAnAsyncLoop() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel accepted = listener.accept();
                    AsyncLoop loop =
                            AsyncLoop.builder(map).threadName("seam-test").build()) {
                loop.start();
                ByteReader reader = loop.submit(() -> {
                            ByteReader r = new ByteReader(accepted, map);
                            r.replaceTransport(new Buffering(r.transport(), "spam and eggs"));
                            return r;
                        })
                        .get();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> loop.submit(reader::received).get(), "spam and eggs"::equals);
            }
        }
    }

    @Test
    void pendingOutputIsFlushedWithoutAWriteEvent() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel accepted = listener.accept()) {
                ByteReader quiet = new ByteReader(accepted, map);
                Buffering transport = new Buffering(quiet.transport(), "");
                transport.owe("PING");
                quiet.replaceTransport(transport);

                // The dispatcher wants neither to read nor to write: only the transport's own bytes make the loop
                // watch the channel, and they reach the peer without a write event.
                quiet.setReadable(false);
                Asyncore.loop(Duration.ofSeconds(5), false, map, 1);

                assertThat(transport.hasPendingOutput()).isFalse();
                assertThat(quiet.writeEvents).isZero();
                peer.configureBlocking(false);
                ByteBuffer got = ByteBuffer.allocate(16);
                await().atMost(Duration.ofSeconds(10)).until(() -> peer.read(got) >= 0 && got.position() == 4);
                assertThat(new String(got.array(), 0, 4, StandardCharsets.US_ASCII))
                        .isEqualTo("PING");
            }
        }
    }

    /** Reads one byte per read event, so that each buffered byte takes a pass of its own. */
    private static final class ByteReader extends Dispatcher {
        private final StringBuilder received = new StringBuilder();
        private final ByteBuffer one = ByteBuffer.allocate(1);
        private boolean readable = true;
        int writeEvents;

        ByteReader(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean readable() {
            return readable;
        }

        void setReadable(boolean readable) {
            this.readable = readable;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleWrite() {
            writeEvents++;
        }

        @Override
        public void handleRead() throws IOException {
            one.clear();
            if (recv(one) > 0) {
                received.append((char) one.get(0));
            }
        }

        String received() {
            return received.toString();
        }
    }

    /**
     * A transport holding bytes it has already taken from the wire, as TLS holds decrypted plaintext, and bytes of its
     * own it still owes the wire, as TLS owes a record.
     */
    private static final class Buffering implements Transport {
        private final Transport wire;
        private final ByteBuffer held;
        private ByteBuffer owed = ByteBuffer.allocate(0);

        Buffering(Transport wire, String held) {
            this.wire = wire;
            this.held = ByteBuffer.wrap(held.getBytes(StandardCharsets.US_ASCII));
        }

        void owe(String bytes) {
            owed = ByteBuffer.wrap(bytes.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public boolean hasPendingOutput() {
            return owed.hasRemaining();
        }

        @Override
        public void flush() throws IOException {
            wire.write(owed);
        }

        @Override
        public boolean hasBufferedInput() {
            return held.hasRemaining();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!held.hasRemaining()) {
                return wire.read(dst);
            }
            int n = Math.min(dst.remaining(), held.remaining());
            dst.put(held.slice(held.position(), n));
            held.position(held.position() + n);
            return n;
        }

        @Override
        public Channel channel() {
            return wire.channel();
        }

        @Override
        public SelectableChannel selectable() {
            return wire.selectable();
        }

        @Override
        public int interestOps(boolean readable, boolean writable, boolean connecting) {
            return wire.interestOps(readable, writable, connecting);
        }

        @Override
        public boolean isOpen() {
            return wire.isOpen();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return wire.write(src);
        }

        @Override
        public void close() throws IOException {
            wire.close();
        }
    }
}
