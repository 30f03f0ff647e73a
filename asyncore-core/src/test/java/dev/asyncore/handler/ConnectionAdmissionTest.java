package dev.asyncore.handler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ServerStats;
import dev.asyncore.net.AddressRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.asyncore.proxy.ProxyHeaders.concat;
import static dev.asyncore.proxy.ProxyHeaders.v1;
import static dev.asyncore.proxy.ProxyHeaders.v2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client may hold of a {@link ServerDispatcher} on real loopback sockets: connections that never send their PROXY
 * header count against {@code max-connections}; only trusted proxies may send a header; a {@code AF_UNIX} header does not
 * pass a deny-only list; one client address holds at most {@code max-connections-per-address}, counted over every loop.
 */
class ConnectionAdmissionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] PAYLOAD = "hello\n".getBytes(StandardCharsets.US_ASCII);

    private final DispatcherMap map = new DispatcherMap();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<SocketAddress> served = new CopyOnWriteArrayList<>();
    private ServerDispatcher server;
    private AsyncLoop loop;
    private AsyncLoopGroup group;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (loop != null) {
            loop.close();
        }
        if (group != null) {
            group.close();
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    private ServerDispatcher server() throws IOException {
        server = new ServerDispatcher(map, (channel, address, m) -> {
            served.add(address);
            return new EchoHandler(channel, m);
        });
        return server;
    }

    private void run() throws IOException {
        server.open(new InetSocketAddress("127.0.0.1", 0), 4096);
        loop = AsyncLoop.builder(map).threadName("admission-test").build();
        loop.start();
    }

    private Socket connect(SocketAddress to) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        s.connect(to, 5000);
        return s;
    }

    private static boolean echoes(Socket s, byte[] header) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(concat(header, PAYLOAD));
        try {
            return java.util.Arrays.equals(s.getInputStream().readNBytes(PAYLOAD.length), PAYLOAD);
        } catch (SocketException reset) {
            return false;
        }
    }

    /** Connects; a connection the server resets at once may fail already here (the reset beat the connect's end). */
    private Socket connectOrReset(SocketAddress to) throws IOException {
        try {
            return connect(to);
        } catch (SocketException reset) {
            return null;
        }
    }

    private static boolean closedByServer(Socket s) throws IOException {
        if (s == null) {
            return true;
        }
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void connectionsWithoutAHeaderCountAgainstMaxConnections() throws Exception {
        server().setProxyProtocol(true);
        server.setProxyProtocolTimeout(Duration.ofMinutes(1));
        server.setMaxConnections(50);
        run();
        int clients = 3_000;
        for (int i = 0; i < clients; i++) {
            connectOrReset(server.localAddress());
        }
        ServerStats stats = server.stats();
        await().atMost(WAIT).until(() -> stats.headersPending() + stats.rejected() == clients);
        int channels = loop.submit(map::size).join();
        System.out.printf(
                "%d header-less connections against max-connections 50: %d server channels (listener included), "
                        + "%d reading a header, %d refused%n",
                clients, channels, stats.headersPending(), stats.rejected());
        assertThat(stats.headersPending()).isEqualTo(50);
        assertThat(channels).isEqualTo(51);
        assertThat(stats.rejected()).isEqualTo(clients - 50);
        for (Socket s : sockets) {
            s.close();
        }
        await().atMost(WAIT).until(() -> stats.headersPending() == 0);
        Socket valid = connect(server.localAddress());
        assertThat(echoes(valid, v1("PROXY TCP4 203.0.113.7 198.51.100.1 4242 7007")))
                .isTrue();
    }

    @Test
    void aPeerThatIsNoTrustedProxyIsRefusedBeforeItsHeader() throws Exception {
        server().setProxyProtocol(true);
        server.setTrustedProxies(AddressRules.of(List.of("10.0.0.0/8"), null));
        server.setAddressRules(AddressRules.of(List.of("10.0.0.0/8"), null));
        run();
        Socket direct = connect(server.localAddress());
        direct.getOutputStream().write(concat(v1("PROXY TCP4 10.1.2.3 198.51.100.1 4242 7007"), PAYLOAD));
        assertThat(closedByServer(direct)).isTrue();
        await().until(() -> server.stats().untrustedProxy() == 1);
        assertThat(served).isEmpty();
        assertThat(server.stats().headerRefused()).isZero();
        assertThat(server.stats().denied()).isZero();
        System.out.println("untrusted PROXY sender at 127.0.0.1 claiming 10.1.2.3: refused, untrustedProxy="
                + server.stats().untrustedProxy() + ", handlers made=" + served.size());
    }

    @Test
    void aTrustedProxyIsBelieved() throws Exception {
        server().setProxyProtocol(true);
        server.setTrustedProxies(AddressRules.of(List.of("127.0.0.1"), null));
        server.setAddressRules(AddressRules.of(List.of("10.0.0.0/8"), null));
        run();
        Socket s = connect(server.localAddress());
        assertThat(echoes(s, v1("PROXY TCP4 10.1.2.3 198.51.100.1 4242 7007"))).isTrue();
        assertThat(served).containsExactly(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 4242));
        assertThat(server.stats().untrustedProxy()).isZero();
    }

    @Test
    void aUnixDomainHeaderDoesNotPassADenyOnlyList() throws Exception {
        server().setProxyProtocol(true);
        server.setAddressRules(AddressRules.of(null, List.of("192.0.2.0/24")));
        run();
        byte[] unix = new byte[216];
        unix[0] = '/';
        unix[1] = 'x';
        Socket s = connect(server.localAddress());
        s.getOutputStream().write(concat(v2(0x21, 0x31, unix), PAYLOAD));
        assertThat(closedByServer(s)).isTrue();
        await().until(() -> server.stats().denied() == 1);
        assertThat(served).isEmpty();
    }

    @Test
    void oneAddressHoldsAtMostItsConnectionsAndTheCountIsGivenBack() throws Exception {
        server().setMaxConnectionsPerAddress(3);
        run();
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = connect(server.localAddress());
            assertThat(echoes(s, new byte[0])).isTrue();
            held.add(s);
        }
        Socket fourth = connectOrReset(server.localAddress());
        assertThat(closedByServer(fourth)).isTrue();
        await().until(() -> server.stats().rejectedPerAddress() == 1);
        held.get(0).close();
        await().until(() -> server.stats().connections() == 2);
        Socket again = connect(server.localAddress());
        assertThat(echoes(again, new byte[0])).isTrue();
        for (Socket s : sockets) {
            s.close();
        }
        await().until(() -> server.stats().connections() == 0);
        assertThat(loop.submit(() -> server.connectionsPerAddress().addresses()).join())
                .isZero();
    }

    @Test
    void withTheProxyProtocolTheHeadersAddressIsCounted() throws Exception {
        server().setProxyProtocol(true);
        server.setMaxConnectionsPerAddress(2);
        run();
        byte[] fromA = v1("PROXY TCP4 203.0.113.7 198.51.100.1 4242 7007");
        assertThat(echoes(connect(server.localAddress()), fromA)).isTrue();
        assertThat(echoes(connect(server.localAddress()), fromA)).isTrue();
        Socket third = connect(server.localAddress());
        third.getOutputStream().write(concat(fromA, PAYLOAD));
        assertThat(closedByServer(third)).isTrue();
        await().until(() -> server.stats().rejectedPerAddress() == 1);
        assertThat(echoes(connect(server.localAddress()), v1("PROXY TCP4 203.0.113.8 198.51.100.1 4242 7007")))
                .isTrue();
        assertThat(server.stats().rejectedPerAddress()).isEqualTo(1);
    }

    @Test
    void aServerOverSeveralLoopsCountsEachAddressOverAllOfThem() throws Exception {
        group = AsyncLoopGroup.builder(2).threadName("admission-group").build();
        group.start();
        GroupServer spread = new GroupServer(group, (channel, address, m) -> new EchoHandler(channel, m))
                .setSpread(GroupServer.Spread.HAND_OFF)
                .configure(s -> s.setMaxConnectionsPerAddress(4));
        spread.open(new InetSocketAddress("127.0.0.1", 0), 128, true);
        try {
            int served = 0;
            for (int i = 0; i < 6; i++) {
                try {
                    Socket s = connect(spread.localAddress());
                    s.getOutputStream().write(PAYLOAD);
                    served += java.util.Arrays.equals(s.getInputStream().readNBytes(PAYLOAD.length), PAYLOAD) ? 1 : 0;
                } catch (SocketException reset) {
                    // refused: counted below
                }
            }
            assertThat(served).isEqualTo(4);
            long refused = spread.stats().stream()
                    .mapToLong(ServerStats::rejectedPerAddress)
                    .sum();
            assertThat(refused).isEqualTo(2);
        } finally {
            spread.close();
        }
    }
}
