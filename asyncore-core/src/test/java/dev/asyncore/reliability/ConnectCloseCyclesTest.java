package dev.asyncore.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.asyncore.handler.EchoServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 connect/close cycles, half of them ended by a reset: afterwards the process's open descriptors and the map's
 * channel count are back where they started.
 */
class ConnectCloseCyclesTest extends LoopTestSupport {

    private static final Path FDS = Path.of("/proc/self/fd");

    @Test
    void descriptorsAndChannelsComeBack() throws Exception {
        assumeThat(Files.isDirectory(FDS)).as("needs /proc/self/fd").isTrue();
        EchoServer server = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        startLoop("cycles-loop");
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        ByteBuffer ping = ByteBuffer.allocate(1);
        cycle(address, ping, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().connections() == 0);
        long before = openDescriptors();

        for (int i = 0; i < 10_000; i++) {
            cycle(address, ping, i % 2 == 0);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(server.stats().connections()).isZero();
            assertThat(map.total()).isEqualTo(1);
            assertThat(openDescriptors()).isLessThanOrEqualTo(before);
        });
        assertThat(server.stats().accepted()).isEqualTo(10_001);
    }

    /** Connects, has one byte echoed, and closes normally or with a reset (SO_LINGER 0). */
    private static void cycle(InetSocketAddress address, ByteBuffer ping, boolean reset) throws IOException {
        try (SocketChannel ch = SocketChannel.open(address)) {
            ping.clear();
            ch.write(ping);
            ping.clear();
            if (ch.read(ping) != 1) {
                throw new IllegalStateException("no echo");
            }
            if (reset) {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        }
    }
}
