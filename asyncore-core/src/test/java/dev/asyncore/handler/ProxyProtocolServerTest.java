package dev.asyncore.handler;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.net.AddressRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.asyncore.proxy.ProxyHeaders.concat;
import static dev.asyncore.proxy.ProxyHeaders.tlv;
import static dev.asyncore.proxy.ProxyHeaders.v1;
import static dev.asyncore.proxy.ProxyHeaders.v2;
import static dev.asyncore.proxy.ProxyHeaders.v2Inet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ServerDispatcher} with the PROXY protocol and address rules on a real loopback socket: the handler gets exactly the
 * bytes after the header and the client's address; refused connections are closed before any handler exists and counted.
 */
class ProxyProtocolServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] PAYLOAD =
            "payload after the header, echoed back exactly\n".getBytes(StandardCharsets.US_ASCII);

    private final DispatcherMap map = new DispatcherMap();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<SocketAddress> seen = new CopyOnWriteArrayList<>();
    private final List<SocketAddress> accepted = new CopyOnWriteArrayList<>();
    private ServerDispatcher server;
    private AsyncLoop loop;

    @BeforeEach
    void start() throws IOException {
        server =
                new ServerDispatcher(map, (channel, address, m) -> {
                    EchoHandler handler = new EchoHandler(channel, m);
                    seen.add(address);
                    return handler;
                }) {
                    @Override
                    public void handleAccepted(java.nio.channels.SocketChannel sock, SocketAddress addr)
                            throws Exception {
                        accepted.add(addr);
                        super.handleAccepted(sock, addr);
                    }
                };
        server.setProxyProtocol(true);
        server.open(new InetSocketAddress("127.0.0.1", 0), 32);
        loop = AsyncLoop.builder(map)
                .threadName("proxy-test-loop")
                .timeout(Duration.ofMillis(50))
                .build();
    }

    /** Starts the loop once the test has configured the server (the setters are for before the loop runs). */
    private Socket connect() throws IOException {
        if (!loop.isRunning()) {
            loop.start();
        }
        Socket s = new Socket();
        sockets.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        s.connect(server.localAddress(), 5000);
        return s;
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        loop.close();
        Asyncore.closeAll(map, true);
        map.close();
    }

    private static byte[] readExactly(Socket s, int n) throws IOException {
        byte[] got = s.getInputStream().readNBytes(n);
        assertThat(got).hasSize(n);
        return got;
    }

    /** Whether the server closed the connection without sending anything. */
    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** The address {@code addr()} of the one handler in the map. */
    private SocketAddress handlerAddr() throws Exception {
        java.util.concurrent.CompletableFuture<SocketAddress> addr = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> map.values().stream()
                .filter(d -> d instanceof EchoHandler)
                .findFirst()
                .ifPresentOrElse(d -> addr.complete(d.addr()), () -> addr.complete(null)));
        return addr.get();
    }

    @Test
    void v1HeaderAndPayloadInOneWriteEchoExactlyThePayloadWithTheClientsAddress() throws Exception {
        Socket s = connect();
        s.getOutputStream().write(concat(v1("PROXY TCP4 203.0.113.7 198.51.100.1 4242 7007"), PAYLOAD));
        assertThat(readExactly(s, PAYLOAD.length)).isEqualTo(PAYLOAD);
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 4242);
        assertThat(seen).containsExactly(client);
        assertThat(accepted).containsExactly(client);
        assertThat(handlerAddr()).isEqualTo(client);
        assertThat(server.stats().accepted()).isEqualTo(1);
        assertThat(server.stats().bytesReceived()).isEqualTo(PAYLOAD.length);
    }

    @Test
    void v2HeaderWithTlvsAndPayloadInOneWrite() throws Exception {
        byte[] header = v2Inet(
                InetAddress.getByName("2001:db8::7").getAddress(),
                InetAddress.getByName("2001:db8::1").getAddress(),
                50000,
                7007,
                concat(tlv(0x01, "h2".getBytes(StandardCharsets.US_ASCII)), tlv(0x05, new byte[400])));
        Socket s = connect();
        s.getOutputStream().write(concat(header, PAYLOAD));
        assertThat(readExactly(s, PAYLOAD.length)).isEqualTo(PAYLOAD);
        assertThat(handlerAddr()).isEqualTo(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 50000));
    }

    @Test
    void aHeaderArrivingByteByByteLosesNothing() throws Exception {
        byte[] header = v2Inet(new byte[] {10, 1, 2, 3}, new byte[] {10, 0, 0, 1}, 1234, 7007, new byte[0]);
        Socket s = connect();
        s.setTcpNoDelay(true);
        for (byte b : header) {
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
        }
        s.getOutputStream().write(PAYLOAD);
        assertThat(readExactly(s, PAYLOAD.length)).isEqualTo(PAYLOAD);
        assertThat(handlerAddr()).isEqualTo(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 1234));
    }

    @Test
    void aV2LocalHeaderIsServedWithTheBalancersAddress() throws Exception {
        Socket s = connect();
        s.getOutputStream().write(concat(v2(0x20, 0x00, new byte[0]), PAYLOAD));
        assertThat(readExactly(s, PAYLOAD.length)).isEqualTo(PAYLOAD);
        assertThat(handlerAddr()).isEqualTo(s.getLocalSocketAddress());
        assertThat(accepted).containsExactly(s.getLocalSocketAddress());
    }

    @Test
    void aConnectionWithoutAHeaderIsClosedAndCounted() throws Exception {
        Socket s = connect();
        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(closedByServer(s)).isTrue();
        await().atMost(WAIT).until(() -> server.stats().headerRefused() == 1);
        Socket early = connect();
        early.getOutputStream().write("PROXY TCP4 1.2".getBytes(StandardCharsets.US_ASCII));
        early.shutdownOutput();
        await().atMost(WAIT).until(() -> server.stats().headerRefused() == 2);
        assertThat(seen).isEmpty();
        assertThat(server.stats().accepted()).isZero();
        assertThat(server.stats().connections()).isZero();
        await().atMost(WAIT).until(() -> map.size() == 1);
    }

    @Test
    void aHeaderThatDoesNotArriveInTimeIsClosedAndCounted() throws Exception {
        server.setProxyProtocolTimeout(Duration.ofMillis(300));
        Socket silent = connect();
        Socket partial = connect();
        partial.getOutputStream().write(new byte[] {0x0D, 0x0A, 0x0D});
        long start = System.nanoTime();
        assertThat(closedByServer(silent)).isTrue();
        assertThat(closedByServer(partial)).isTrue();
        System.out.printf(
                "header timeout 300 ms: both connections closed after %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
        await().atMost(WAIT).until(() -> server.stats().headerTimedOut() == 2);
        assertThat(server.stats().headerRefused()).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void addressRulesApplyToTheAddressInTheHeader() throws Exception {
        server.setAddressRules(AddressRules.of(List.of(), List.of("10.0.0.0/8")));
        Socket denied = connect();
        denied.getOutputStream().write(concat(v1("PROXY TCP4 10.9.9.9 10.0.0.1 5555 7007"), PAYLOAD));
        assertThat(closedByServer(denied)).isTrue();
        await().atMost(WAIT).until(() -> server.stats().denied() == 1);
        assertThat(seen).isEmpty();
        Socket served = connect();
        served.getOutputStream().write(concat(v1("PROXY TCP4 192.0.2.9 10.0.0.1 5555 7007"), PAYLOAD));
        assertThat(readExactly(served, PAYLOAD.length)).isEqualTo(PAYLOAD);
        assertThat(server.stats().denied()).isEqualTo(1);
        assertThat(server.stats().accepted()).isEqualTo(1);
    }

    @Test
    void addressRulesWithoutTheProxyProtocolUseThePeer() throws Exception {
        server.setProxyProtocol(false);
        server.setAddressRules(AddressRules.of(List.of("127.0.0.2"), List.of()));
        Socket denied = connect();
        assertThat(closedByServer(denied)).isTrue();
        await().atMost(WAIT).until(() -> server.stats().denied() == 1);
        java.util.concurrent.CompletableFuture<Void> changed = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            server.setAddressRules(AddressRules.of(List.of("127.0.0.1"), List.of()));
            changed.complete(null);
        });
        changed.get();
        Socket served = connect();
        served.getOutputStream().write(PAYLOAD);
        assertThat(readExactly(served, PAYLOAD.length)).isEqualTo(PAYLOAD);
        assertThat(seen).containsExactly(served.getLocalSocketAddress());
    }

    @Test
    void pythonStyleLoopsHandTheConnectionOverToo() throws Exception {
        for (boolean usePoll : new boolean[] {false, true}) {
            try (java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(server.localAddress())) {
                client.write(java.nio.ByteBuffer.wrap(concat(v1("PROXY TCP4 192.0.2.44 10.0.0.1 4444 7007"), PAYLOAD)));
                java.nio.ByteBuffer echoed = java.nio.ByteBuffer.allocate(PAYLOAD.length);
                client.configureBlocking(false);
                for (int pass = 0; pass < 200 && echoed.hasRemaining(); pass++) {
                    Asyncore.loop(Duration.ofMillis(20), usePoll, map, 1);
                    client.read(echoed);
                }
                assertThat(echoed.array()).as("usePoll %s", usePoll).isEqualTo(PAYLOAD);
            }
        }
        assertThat(seen)
                .containsExactly(
                        new InetSocketAddress(InetAddress.getByName("192.0.2.44"), 4444),
                        new InetSocketAddress(InetAddress.getByName("192.0.2.44"), 4444));
    }
}
