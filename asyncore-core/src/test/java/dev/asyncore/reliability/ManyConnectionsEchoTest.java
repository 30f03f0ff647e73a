package dev.asyncore.reliability;

import java.net.InetSocketAddress;
import java.time.Duration;

import dev.asyncore.handler.EchoServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** 2,000 concurrent connections each echo 100 random messages, every byte verified. */
class ManyConnectionsEchoTest extends LoopTestSupport {

    private EchoServer server;

    @BeforeEach
    void start() throws Exception {
        server = new EchoServer(new InetSocketAddress("127.0.0.1", 0), map);
        server.setMaxConnections(0);
        startLoop("many-connections-loop");
    }

    @Test
    void twoThousandConnectionsEchoEveryByte() throws Exception {
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        EchoClients.Result result;
        try (EchoClients clients = new EchoClients()) {
            result = clients.run(address, 2000, 100, 512, 42L, 120_000);
        }
        assertThat(result.failures()).isEmpty();
        assertThat(result.messagesVerified()).isEqualTo(2000L * 100);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(server.stats().connections()).isZero();
            assertThat(map.total()).isEqualTo(1);
        });
        assertThat(server.stats().accepted()).isEqualTo(2000);
        assertThat(server.stats().bytesReceived()).isEqualTo(result.bytesVerified());
        assertThat(server.stats().bytesSent()).isEqualTo(result.bytesVerified());
    }
}
