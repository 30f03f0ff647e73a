package dev.asyncore.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.DispatcherMap;
import dev.asyncore.Watermarks;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sends 256 MiB without reading: the server's queued bytes stay under the high watermark and ten other
 * clients keep getting their echoes meanwhile.
 */
class FloodWithoutReadingTest extends LoopTestSupport {

    private static final int HIGH = 64 * 1024;
    private static final int LOW = 16 * 1024;
    private static final long FLOOD_BYTES = 256L * 1024 * 1024;

    private final AtomicInteger maxQueued = new AtomicInteger();

    @Test
    void queueStaysUnderTheHighWatermarkWhileOthersAreServed() throws Exception {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new RecordingEcho(channel, m));
        server.open(new InetSocketAddress("127.0.0.1", 0), 64);
        startLoop("flood-loop");
        InetSocketAddress address = (InetSocketAddress) server.localAddress();

        AtomicLong flooded = new AtomicLong();
        try (SocketChannel flooder = SocketChannel.open(address)) {
            flooder.configureBlocking(false);
            EchoClients.Result others;
            try (EchoClients clients = new EchoClients()) {
                Thread floodThread = new Thread(() -> flood(flooder, flooded), "flooder");
                floodThread.start();
                others = clients.run(address, 10, 200, 1024, 7L, 60_000);
                floodThread.join(Duration.ofSeconds(60).toMillis());
                assertThat(floodThread.isAlive()).isFalse();
            }
            assertThat(others.failures()).isEmpty();
            assertThat(others.messagesVerified()).isEqualTo(10L * 200);
        }
        assertThat(flooded.get()).as("bytes the flooder got into the kernel").isPositive();
        assertThat(maxQueued.get()).isPositive().isLessThanOrEqualTo(HIGH);
    }

    /** Writes until 256 MiB are sent or the server has stopped taking bytes for a second. */
    private static void flood(SocketChannel channel, AtomicLong sent) {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long lastProgress = System.nanoTime();
        try {
            while (sent.get() < FLOOD_BYTES && System.nanoTime() - lastProgress < 1_000_000_000L) {
                chunk.clear();
                int n = channel.write(chunk);
                if (n > 0) {
                    sent.addAndGet(n);
                    lastProgress = System.nanoTime();
                } else {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The built-in echo, recording the largest queue it ever held. */
    private final class RecordingEcho extends EchoHandler {
        RecordingEcho(SocketChannel channel, DispatcherMap map) {
            super(channel, map, Watermarks.of(LOW, HIGH));
        }

        @Override
        public void handleRead() throws IOException {
            super.handleRead();
            maxQueued.accumulateAndGet(queuedBytes(), Math::max);
        }
    }
}
