package dev.asyncore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.internal.loop.InterestPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On an {@link AsyncLoop}, a change to what a dispatcher's {@code readable()}/{@code writable()} would return, made by
 * another dispatcher's event, is acted on in the next pass, as in Python: the classic relay through a partner's buffer
 * field, and a gate that another channel's event opens. The loop's timeout (its sweep) is set to two minutes, so a message
 * that arrives within the await's bound was not carried by a sweep.
 */
class AsyncLoopPythonInterestTest {

    private static final Duration SWEEP = Duration.ofMinutes(2);
    private static final Duration BEFORE_SWEEP = Duration.ofSeconds(30);

    private final DispatcherMap map = new DispatcherMap();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private AsyncLoop loop;

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.close();
        }
        map.close();
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {false, true})
    void aRelayWritesThroughItsPartnersBufferOnTheNextPass(boolean usePoll) throws Exception {
        Socket left = new Socket();
        Socket right = new Socket();
        Relay a = new Relay(accepted(left), map);
        Relay b = new Relay(accepted(right), map);
        a.partner = b;
        b.partner = a;
        startLoop(usePoll);

        InputStream rightIn = right.getInputStream();
        OutputStream leftOut = left.getOutputStream();
        byte[] got = new byte[5];
        long[] nanos = new long[20];
        for (int i = 0; i < nanos.length; i++) {
            byte[] message = ("msg" + (char) ('A' + i) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            leftOut.write(message);
            leftOut.flush();
            readFully(rightIn, got);
            nanos[i] = System.nanoTime() - start;
            assertThat(got).isEqualTo(message);
        }
        // Awaited reads above carry no bound of their own: the proof is that every message came before the first sweep.
        assertThat(loop.passes()).isPositive();
        Arrays.sort(nanos);
        System.out.printf(
                "relay through a partner's buffer (%s dispatch, sweep %ss): median %.3f ms, max %.3f ms over %d messages%n",
                usePoll ? "poll" : "select",
                SWEEP.toSeconds(),
                nanos[nanos.length / 2] / 1e6,
                nanos[nanos.length - 1] / 1e6,
                nanos.length);
        assertThat(nanos[nanos.length - 1]).isLessThan(BEFORE_SWEEP.toNanos());
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {false, true})
    void aGateOpenedByAnotherChannelsEventIsReadOnTheNextPass(boolean usePoll) throws Exception {
        Socket gated = new Socket();
        Socket opener = new Socket();
        Gate gate = new Gate(accepted(gated), map);
        new Opener(accepted(opener), map, gate);
        startLoop(usePoll);

        gated.getOutputStream().write("waiting".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        // The gate is shut: the loop asks its readable() on every pass and never reads. Let several passes go by.
        long passes = loop.passes();
        opener.getOutputStream().write('x');
        await().atMost(BEFORE_SWEEP).until(() -> gate.openedAt.get() != 0);
        await().atMost(BEFORE_SWEEP).until(() -> gate.readAt.get() != 0);
        assertThat(gate.received.get()).isEqualTo("waiting".length());
        assertThat(loop.passes()).isGreaterThan(passes);
        System.out.printf(
                "gate opened by another channel (%s dispatch, sweep %ss): read %.3f ms after it opened%n",
                usePoll ? "poll" : "select", SWEEP.toSeconds(), (gate.readAt.get() - gate.openedAt.get()) / 1e6);
        assertThat(gate.readAt.get() - gate.openedAt.get()).isLessThan(BEFORE_SWEEP.toNanos());
    }

    @Test
    void aThrowingReadableClosesThatChannelAloneAndTheLoopGoesOn() throws Exception {
        Socket bad = new Socket();
        Socket good = new Socket();
        Throwing thrower = new Throwing(accepted(bad), map);
        new EchoHandler(accepted(good), map);
        startLoop(false);

        thrower.fail.set(true);
        // A polled channel is asked on the next pass; wake the loop with traffic on the good channel.
        good.setSoTimeout(10_000);
        good.getOutputStream().write("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] echoed = new byte[4];
        readFully(good.getInputStream(), echoed);
        assertThat(new String(echoed, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("ping");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> thrower.errors.get() == 1
                        && thrower.socket() != null
                        && !thrower.socket().isOpen());
        assertThat(loop.isRunning()).isTrue();
        good.getOutputStream().write("pong".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        readFully(good.getInputStream(), echoed);
        assertThat(new String(echoed, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("pong");
        assertThat(bad.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void theLibrarysHandlersAreTrackedAndAUsersOwnInterestIsAskedEveryPass() {
        assertThat(InterestPolicy.askEveryPass(Dispatcher.class)).isFalse();
        assertThat(InterestPolicy.askEveryPass(DispatcherWithSend.class)).isFalse();
        assertThat(InterestPolicy.askEveryPass(EchoHandler.class)).isFalse();
        assertThat(InterestPolicy.askEveryPass(dev.asyncore.handler.ServerDispatcher.class))
                .isFalse();
        assertThat(InterestPolicy.askEveryPass(Chat.class)).isFalse();
        assertThat(InterestPolicy.askEveryPass(Relay.class)).isTrue();
        assertThat(InterestPolicy.askEveryPass(EchoWithOwnWritable.class)).isTrue();
        assertThat(InterestPolicy.askEveryPass(TrackedEchoWithOwnWritable.class))
                .isFalse();
        assertThat(InterestPolicy.askEveryPass(SubclassOfTracked.class)).isFalse();
    }

    private void startLoop(boolean usePoll) {
        loop = AsyncLoop.builder(map)
                .threadName("python-interest")
                .timeout(SWEEP)
                .usePoll(usePoll)
                .daemon(true)
                .build();
        loop.start();
    }

    /** Connects {@code client} to a fresh loopback listener and returns the server side. */
    private SocketChannel accepted(Socket client) throws IOException {
        opened.add(client);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client.connect(listener.getLocalAddress());
            client.setSoTimeout(60_000);
            SocketChannel server = listener.accept();
            opened.add(server);
            return server;
        }
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        int off = 0;
        while (off < into.length) {
            int n = in.read(into, off, into.length - off);
            assertThat(n).as("end of stream after %d bytes", off).isPositive();
            off += n;
        }
    }

    /** Python's relay: what one side reads goes into its partner's buffer; writable() is whether the buffer has data. */
    static final class Relay extends Dispatcher {
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        Relay partner;

        Relay(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean readable() {
            return partner.buffer.position() < partner.buffer.capacity();
        }

        @Override
        public boolean writable() {
            return buffer.position() > 0;
        }

        @Override
        public void handleRead() throws IOException {
            recv(partner.buffer);
        }

        @Override
        public void handleWrite() throws IOException {
            buffer.flip();
            send(buffer);
            buffer.compact();
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    /** Reads only once another channel opened it. */
    static final class Gate extends Dispatcher {
        final AtomicInteger received = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong openedAt = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong readAt = new java.util.concurrent.atomic.AtomicLong();
        private final ByteBuffer in = ByteBuffer.allocate(64);
        private boolean open;

        Gate(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        void open() {
            open = true;
            openedAt.set(System.nanoTime());
        }

        @Override
        public boolean readable() {
            return open;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleRead() throws IOException {
            in.clear();
            int n = recv(in);
            if (n > 0) {
                readAt.compareAndSet(0, System.nanoTime());
                received.addAndGet(n);
            }
        }
    }

    /** Opens the gate when it reads a byte. */
    static final class Opener extends DispatcherWithSend {
        private final Gate gate;
        private final ByteBuffer in = ByteBuffer.allocate(64);

        Opener(SocketChannel channel, DispatcherMap map, Gate gate) {
            super(channel, map);
            this.gate = gate;
        }

        @Override
        public void handleRead() throws IOException {
            in.clear();
            if (recv(in) > 0) {
                gate.open();
            }
        }
    }

    /** A readable() that throws once told to. */
    static final class Throwing extends Dispatcher {
        final AtomicBoolean fail = new AtomicBoolean();
        final AtomicInteger errors = new AtomicInteger();

        Throwing(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean readable() {
            if (fail.get()) {
                throw new IllegalStateException("readable() failed on purpose");
            }
            return true;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleError(Throwable t) {
            errors.incrementAndGet();
            close();
        }
    }

    abstract static class Chat extends AsyncChat {
        Chat(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }
    }

    static class EchoWithOwnWritable extends EchoHandler {
        EchoWithOwnWritable(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return super.writable();
        }
    }

    @TrackedInterest
    static class TrackedEchoWithOwnWritable extends EchoHandler {
        TrackedEchoWithOwnWritable(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return super.writable();
        }
    }

    static final class SubclassOfTracked extends TrackedEchoWithOwnWritable {
        SubclassOfTracked(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }
    }
}
