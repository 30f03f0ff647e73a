package dev.asyncore.handler;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link DatagramServer} on an {@link AsyncLoop} over real UDP sockets on loopback, IPv4 and IPv6. */
class DatagramServerTest {

    private final DispatcherMap map = new DispatcherMap();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private AsyncLoop loop;

    @AfterEach
    void tearDown() throws Exception {
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private DatagramServer start(String host, DatagramHandler handler) throws IOException {
        DatagramServer server = new DatagramServer(map, handler);
        server.open(new InetSocketAddress(host, 0));
        loop = AsyncLoop.builder(map)
                .threadName("datagram-test")
                .timeout(Duration.ofMillis(100))
                .build();
        loop.start();
        return server;
    }

    private DatagramSocket client(String host) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, 0));
        socket.setSoTimeout(10_000);
        closeables.add(socket);
        return socket;
    }

    private static void send(DatagramSocket socket, String text, SocketAddress to) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(data, data.length, to));
    }

    private static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    private static void assumeIpv6(String host) {
        if (host.contains(":")) {
            try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                probe.bind(new InetSocketAddress(host, 0));
            } catch (IOException | UnsupportedOperationException e) {
                assumeTrue(false, "IPv6 support required: " + e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void echoesEachDatagramToItsSenderAndCountsIt(String host) throws Exception {
        assumeIpv6(host);
        DatagramServer server = start(host, DatagramHandler.echo());
        SocketAddress address = server.localAddress();
        DatagramSocket a = client(host);
        DatagramSocket b = client(host);
        for (int i = 0; i < 100; i++) {
            send(a, "a" + i, address);
            assertThat(receive(a)).isEqualTo("a" + i);
            send(b, "b" + i, address);
            assertThat(receive(b)).isEqualTo("b" + i);
        }
        String large = "x".repeat(60_000);
        send(a, large, address);
        assertThat(receive(a)).isEqualTo(large);
        await().untilAsserted(() -> {
            assertThat(server.stats().datagramsReceived()).isEqualTo(201);
            assertThat(server.stats().datagramsSent()).isEqualTo(201);
        });
        long bytes = 60_000 + 2L * (10 * 2 + 90 * 3);
        assertThat(server.stats().bytesReceived()).isEqualTo(bytes);
        assertThat(server.stats().bytesSent()).isEqualTo(bytes);
        assertThat(server.stats().datagramsDropped()).isZero();
    }

    @Test
    void aHandlerThatThrowsLosesThatDatagramOnlyAndTheServerStaysOpen() throws Exception {
        List<String> logged = new ArrayList<>();
        map.setLogSink((d, type, message) -> {
            synchronized (logged) {
                logged.add(type + ": " + message);
            }
        });
        DatagramServer server = start("127.0.0.1", (data, sender, s) -> {
            if (data.get(data.position()) == '!') {
                throw new IllegalArgumentException("refused datagram");
            }
            s.reply(data, sender);
        });
        DatagramSocket client = client("127.0.0.1");
        send(client, "!boom", server.localAddress());
        send(client, "fine", server.localAddress());
        assertThat(receive(client)).isEqualTo("fine");
        synchronized (logged) {
            assertThat(logged).anyMatch(l -> l.startsWith("error: ") && l.contains("refused datagram"));
        }
        assertThat(server.socket().isOpen()).isTrue();
    }

    @Test
    void aGracefulShutdownClosesTheServer() throws Exception {
        DatagramServer server = start("127.0.0.1", DatagramHandler.echo());
        DatagramSocket client = client("127.0.0.1");
        send(client, "before", server.localAddress());
        assertThat(receive(client)).isEqualTo("before");
        assertThat(loop.shutdownGracefully(Duration.ofSeconds(5))).isTrue();
        assertThat(loop.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(server.socket().isOpen()).isFalse();
    }

    @Test
    void aPortInUseFailsOpenAndLeavesNothingOpen() throws Exception {
        DatagramSocket taken = client("127.0.0.1");
        DatagramServer server = new DatagramServer(map, DatagramHandler.echo());
        assertThatThrownBy(() -> server.open(taken.getLocalSocketAddress())).isInstanceOf(java.net.BindException.class);
        assertThat(server.socket().isOpen()).isFalse();
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void aWildcardAddressReceivesOnLoopback() throws Exception {
        DatagramServer server = start("0.0.0.0", DatagramHandler.echo());
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        DatagramSocket client = client("127.0.0.1");
        send(client, "via wildcard", new InetSocketAddress("127.0.0.1", port));
        assertThat(receive(client)).isEqualTo("via wildcard");
    }

    @Test
    void settersRefuseValuesThatMakeNoSense() {
        DatagramServer server = new DatagramServer(map, DatagramHandler.echo());
        assertThatThrownBy(() -> server.setReadBudget(0)).hasMessageContaining("read budget must be at least 1, was 0");
        assertThatThrownBy(() -> server.setQueueLimits(0, 10)).hasMessageContaining("0 datagrams");
    }
}
