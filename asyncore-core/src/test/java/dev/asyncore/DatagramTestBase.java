package dev.asyncore;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Datagram sockets under {@link Asyncore#loop}, over real UDP sockets on loopback, subclassed per address family (IPv4
 * {@code 127.0.0.1}, IPv6 {@code ::1}) and dispatch mode (select, poll), as {@link ApiTestBase}: the events Python gives a
 * {@code SOCK_DGRAM} dispatcher, {@code recvfrom}/{@code sendto}, {@code connect} fixing the peer, and the verbs a
 * datagram socket refuses.
 */
abstract class DatagramTestBase {

    private static final Duration PASS = Duration.ofMillis(10);
    private static final int MAX_PASSES = 500;

    final DispatcherMap map = new DispatcherMap();
    private final List<AutoCloseable> extra = new ArrayList<>();

    abstract ProtocolFamily family();

    abstract boolean usePoll();

    String host() {
        return family() == StandardProtocolFamily.INET6 ? "::1" : "127.0.0.1";
    }

    SocketAddress anyPort() {
        return new InetSocketAddress(host(), 0);
    }

    @BeforeEach
    void checkFamily() {
        if (family() == StandardProtocolFamily.INET6) {
            try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                probe.bind(new InetSocketAddress("::1", 0));
            } catch (IOException | UnsupportedOperationException e) {
                assumeTrue(false, "IPv6 support required: " + e);
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        Asyncore.closeAll(map, true);
        map.close();
        for (AutoCloseable c : extra) {
            c.close();
        }
    }

    /** Runs passes until the condition holds; fails after {@value #MAX_PASSES} passes. */
    void loopUntil(BooleanSupplier done) {
        for (int i = 0; i < MAX_PASSES && !done.getAsBoolean(); i++) {
            Asyncore.loop(PASS, usePoll(), map, 1);
        }
        assertThat(done.getAsBoolean())
                .as("condition reached within " + MAX_PASSES + " passes")
                .isTrue();
    }

    /** A plain JDK UDP peer the test drives (blocking, with a receive timeout). */
    DatagramSocket peer() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host(), 0));
        socket.setSoTimeout(10_000);
        extra.add(socket);
        return socket;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    static void send(DatagramSocket socket, String text, SocketAddress to) throws IOException {
        byte[] data = ascii(text);
        socket.send(new DatagramPacket(data, data.length, to));
    }

    static SocketAddress local(Dispatcher d) throws IOException {
        return ((NetworkChannel) d.socket()).getLocalAddress();
    }

    /** Records the events the loop gives it; answers each datagram with its bytes upper-cased. */
    static class Recorder extends Dispatcher {
        final List<String> events = new ArrayList<>();
        final List<Datagram> received = new ArrayList<>();
        boolean wantWrite;

        Recorder(DispatcherMap map) {
            super(map);
        }

        @Override
        public boolean writable() {
            return wantWrite;
        }

        @Override
        public void handleRead() throws IOException {
            events.add("read");
            Datagram d = recvfrom(2048);
            if (d != null) {
                received.add(d);
                sendto(
                        new String(d.data(), StandardCharsets.US_ASCII)
                                .toUpperCase()
                                .getBytes(StandardCharsets.US_ASCII),
                        d.address());
            }
        }

        @Override
        public void handleWrite() {
            events.add("write");
            wantWrite = false;
        }

        @Override
        public void handleConnect() {
            events.add("connect");
        }

        @Override
        public void handleAccept() {
            events.add("accept");
        }

        @Override
        public void handleClose() {
            events.add("close");
            close();
        }

        @Override
        public void handleError(Throwable t) {
            ApiTestBase.reraise(t);
        }
    }

    Recorder boundRecorder() throws IOException {
        Recorder r = new Recorder(map);
        r.createSocket(family(), SocketType.SOCK_DGRAM);
        r.bind(anyPort());
        return r;
    }

    @Test
    void datagramWaitingIsHandleReadAndRecvfromGivesTheSender() throws Exception {
        Recorder server = boundRecorder();
        assertThat(server.socket()).isInstanceOf(DatagramChannel.class);
        assertThat(server.isAccepting()).isFalse();
        assertThat(server.isConnected()).isFalse();
        DatagramSocket client = peer();

        send(client, "hello datagram", local(server));
        loopUntil(() -> !server.received.isEmpty());

        Datagram got = server.received.get(0);
        assertThat(new String(got.data(), StandardCharsets.US_ASCII)).isEqualTo("hello datagram");
        assertThat(got.address()).isEqualTo(client.getLocalSocketAddress());
        assertThat(receive(client)).isEqualTo("HELLO DATAGRAM");
        assertThat(server.events).containsOnly("read");
    }

    @Test
    void roomToSendIsHandleWriteNeverConnect() throws Exception {
        Recorder server = boundRecorder();
        server.wantWrite = true;
        loopUntil(() -> server.events.contains("write"));
        assertThat(server.events).containsExactly("write");
        assertThat(server.isConnected()).isFalse();
    }

    @Test
    void connectFixesThePeerAtOnceThenSendAndRecvUseIt() throws Exception {
        DatagramSocket far = peer();
        DatagramSocket stranger = peer();
        Recorder client = new Recorder(map) {
            @Override
            public void handleRead() throws IOException {
                events.add("read");
                received.add(new Datagram(recv(2048), addr()));
            }
        };
        client.createSocket(family(), SocketType.SOCK_DGRAM);
        client.connect(far.getLocalSocketAddress());
        assertThat(client.events).containsExactly("connect");
        assertThat(client.isConnected()).isTrue();
        assertThat(client.isConnecting()).isFalse();
        assertThat(client.addr()).isEqualTo(far.getLocalSocketAddress());

        assertThat(client.send(ascii("to the peer"))).isEqualTo(11);
        DatagramPacket packet = new DatagramPacket(new byte[64], 64);
        far.receive(packet);
        assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII))
                .isEqualTo("to the peer");

        send(stranger, "from a stranger", packet.getSocketAddress());
        send(far, "from the peer", packet.getSocketAddress());
        loopUntil(() -> !client.received.isEmpty());
        assertThat(client.received)
                .extracting(d -> new String(d.data(), StandardCharsets.US_ASCII))
                .containsExactly("from the peer");
    }

    @Test
    void nothingWaitingGivesNullFromRecvfromAndBlockingFromRecv() throws Exception {
        Recorder server = boundRecorder();
        assertThat(server.recvfrom(100)).isNull();
        assertThat(server.recvfrom(ByteBuffer.allocate(100))).isNull();
        assertThatThrownBy(() -> server.recv(100)).isInstanceOf(BlockingIOException.class);
    }

    @Test
    void anEmptyDatagramIsAnEmptyReadNotAClose() throws Exception {
        Recorder server = boundRecorder();
        DatagramSocket client = peer();
        send(client, "", local(server));
        loopUntil(() -> !server.received.isEmpty());
        assertThat(server.received.get(0).data()).isEmpty();
        assertThat(server.events).doesNotContain("close");
        assertThat(server.socket().isOpen()).isTrue();
    }

    @Test
    void recvfromCutsALongDatagramToTheBufferSize() throws Exception {
        Recorder server = new Recorder(map) {
            @Override
            public void handleRead() throws IOException {
                received.add(recvfrom(5));
            }
        };
        server.createSocket(family(), SocketType.SOCK_DGRAM);
        server.bind(anyPort());
        DatagramSocket client = peer();
        send(client, "0123456789", local(server));
        send(client, "abcdefghij", local(server));
        loopUntil(() -> server.received.size() == 2);
        assertThat(server.received)
                .extracting(d -> new String(d.data(), StandardCharsets.US_ASCII))
                .containsExactly("01234", "abcde");
    }

    @Test
    void statsCountDatagramsAndBytesBothWays() throws Exception {
        Recorder server = boundRecorder();
        DatagramStats stats = new DatagramStats();
        stats.attach(server);
        DatagramSocket client = peer();
        for (int i = 0; i < 3; i++) {
            send(client, "abcd", local(server));
        }
        loopUntil(() -> server.received.size() == 3);
        for (int i = 0; i < 3; i++) {
            assertThat(receive(client)).isEqualTo("ABCD");
        }
        assertThat(stats.datagramsReceived()).isEqualTo(3);
        assertThat(stats.bytesReceived()).isEqualTo(12);
        assertThat(stats.datagramsSent()).isEqualTo(3);
        assertThat(stats.bytesSent()).isEqualTo(12);
        assertThat(stats.datagramsDropped()).isZero();
    }

    @Test
    void aDatagramSocketRefusesListenAndAStreamSocketRefusesSendto() throws Exception {
        Recorder datagram = boundRecorder();
        assertThatThrownBy(() -> datagram.listen(5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("listen on a datagram socket");
        Dispatcher stream = new Dispatcher(map);
        stream.createSocket(family(), SocketType.SOCK_STREAM);
        assertThatThrownBy(() -> stream.sendto(ascii("x"), anyPort()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sendto on a channel that is not a datagram socket");
        assertThatThrownBy(() -> stream.recvfrom(10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recvfrom");
        assertThatThrownBy(() -> new DatagramStats().attach(stream)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unixDatagramSocketsDoNotExistInJava() {
        Dispatcher d = new Dispatcher(map);
        assertThatThrownBy(() -> d.createSocket(StandardProtocolFamily.UNIX, SocketType.SOCK_DGRAM))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("UNIX");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void aDatagramChannelGivenToTheConstructorIsConnectedIfItHasAPeer() throws Exception {
        DatagramSocket far = peer();
        DatagramChannel channel = DatagramChannel.open(family());
        channel.connect(far.getLocalSocketAddress());
        Dispatcher d = new Dispatcher(channel, map);
        assertThat(d.isConnected()).isTrue();
        assertThat(d.addr()).isEqualTo(far.getLocalSocketAddress());
        DatagramChannel loose = DatagramChannel.open(family());
        assertThat(new Dispatcher(loose, map).isConnected()).isFalse();
    }
}
