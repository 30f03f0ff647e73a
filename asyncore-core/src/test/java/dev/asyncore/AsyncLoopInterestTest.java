package dev.asyncore;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link AsyncLoop} asks {@code readable()}/{@code writable()} again after a call that can change them, even when the call
 * comes from another channel's handler: with a 30 s loop timeout (so no sweep comes to the rescue), a channel whose
 * {@code writable()} turns true in that way gets its write event at once.
 */
class AsyncLoopInterestTest {

    private final DispatcherMap map = new DispatcherMap();
    private AsyncLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        map.close();
    }

    @Test
    void aSendFromAnotherChannelsHandlerMakesTheLoopAskAgain() throws Exception {
        try (ServerSocket peers = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                Socket trigger = new Socket()) {
            InetSocketAddress address = (InetSocketAddress) peers.getLocalSocketAddress();
            Relay relay = new Relay(SocketChannel.open(address), map);
            Socket relayPeer = peers.accept();
            Watcher watcher = new Watcher(map, relay);
            watcher.createSocket();
            watcher.bind(new InetSocketAddress("127.0.0.1", 0));
            watcher.listen(5);
            loop = AsyncLoop.builder(map)
                    .threadName("interest-loop")
                    .timeout(Duration.ofSeconds(30))
                    .build();
            loop.start();

            trigger.connect(new InetSocketAddress("127.0.0.1", watcher.port()));
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.writes.get() > 0);
            InputStream in = relayPeer.getInputStream();
            relayPeer.setSoTimeout(5000);
            assertThat(in.read()).isEqualTo('!');
            relayPeer.close();
        }
    }

    /** Writable only once it has something to write, which another channel's handler gives it. */
    static final class Relay extends Dispatcher {
        final AtomicInteger writes = new AtomicInteger();
        private ByteBuffer owed;

        Relay(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        void owe(byte b) throws IOException {
            owed = ByteBuffer.wrap(new byte[] {b});
            send(ByteBuffer.allocate(0));
        }

        @Override
        public boolean readable() {
            return false;
        }

        @Override
        public boolean writable() {
            return owed != null && owed.hasRemaining();
        }

        @Override
        public void handleWrite() throws IOException {
            send(owed);
            writes.incrementAndGet();
        }
    }

    /** A listener whose accept gives the relay a byte to write. */
    static final class Watcher extends Dispatcher {
        private final Relay relay;

        Watcher(DispatcherMap map, Relay relay) {
            super(map);
            this.relay = relay;
        }

        int port() throws IOException {
            return ((InetSocketAddress) ((java.nio.channels.NetworkChannel) socket()).getLocalAddress()).getPort();
        }

        @Override
        public void handleAccepted(SocketChannel sock, java.net.SocketAddress addr) throws IOException {
            sock.close();
            relay.owe((byte) '!');
        }
    }
}
