package dev.asyncore.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.SplittableRandom;

import dev.asyncore.handler.EchoServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that sends everything, shuts its output down and only then reads: the echo server sends back every byte it
 * still owes, in order, then closes; nothing is lost and no descriptor is left behind.
 */
class HalfCloseTest extends LoopTestSupport {

    @Test
    void pendingEchoIsSentAfterTheClientHalfCloses() throws Exception {
        EchoServer server = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        startLoop("half-close-loop");
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        byte[] payload = new byte[512 * 1024];
        new SplittableRandom(3).nextBytes(payload);
        long descriptorsBefore = openDescriptors();

        byte[] back;
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.setSoTimeout(20_000);
            client.getOutputStream().write(payload);
            client.shutdownOutput();
            back = readToEnd(client.getInputStream());
        }

        assertThat(back).isEqualTo(payload);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(server.stats().connections()).isZero();
            assertThat(map.total()).isEqualTo(1);
            assertThat(openDescriptors()).isLessThanOrEqualTo(descriptorsBefore);
        });
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }
}
