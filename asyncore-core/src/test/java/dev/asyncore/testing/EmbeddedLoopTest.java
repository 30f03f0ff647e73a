package dev.asyncore.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.Watermarks;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.EchoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The handler test support itself: the in-memory loop and connection, and the loopback server. */
class EmbeddedLoopTest {

    private final EmbeddedLoop loop = new EmbeddedLoop();

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void whatIsWrittenInboundIsReadByTheHandlerAndWhatItSendsIsReadOutbound() throws Exception {
        EmbeddedConnection c = loop.connect((ch, peer, map) -> new EchoHandler(ch, map));

        c.writeInbound("hello");
        assertThat(c.readOutboundString()).isEqualTo("hello");
        assertThat(c.readOutboundString()).isEmpty();
        assertThat(c.handler().isConnected()).isTrue();
        assertThat(c.handler().addr()).isEqualTo(c.channel().getRemoteAddress());
    }

    @Test
    void eachConnectionHasItsOwnPeerAddress() throws Exception {
        EmbeddedConnection a = loop.connect((ch, peer, map) -> new EchoHandler(ch, map));
        EmbeddedConnection b = loop.connect((ch, peer, map) -> new EchoHandler(ch, map));
        InetSocketAddress explicit = new InetSocketAddress("192.0.2.7", 5555);
        EmbeddedConnection c = loop.connect((ch, peer, map) -> new EchoHandler(ch, map), explicit);

        assertThat(a.handler().addr()).isNotEqualTo(b.handler().addr());
        assertThat(c.handler().addr()).isEqualTo(explicit);
    }

    @Test
    void aClosedWindowHoldsTheHandlerBackUntilThePeerReads() throws Exception {
        EmbeddedConnection c = loop.connect((ch, peer, map) -> new EchoHandler(ch, map, Watermarks.of(256, 1024)));
        c.setWindow(0);

        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        c.writeInbound(data);
        assertThat(c.channel().outboundBytes()).isZero();
        assertThat(c.channel().inboundBytes())
                .as("the echo stopped reading at its high watermark")
                .isPositive();
        assertThat(c.handler().readable()).isFalse();

        c.setWindow(Integer.MAX_VALUE);
        assertThat(c.readOutbound()).isEqualTo(data);
    }

    @Test
    void endOfStreamFromThePeerLetsTheHandlerFinishAndClose() throws Exception {
        EmbeddedConnection c = loop.connect((ch, peer, map) -> new EchoHandler(ch, map));
        c.setWindow(3);
        c.writeInbound("bye!");

        c.shutdownInbound();
        assertThat(c.isOpen()).as("still owes a byte").isTrue();
        assertThat(c.readOutboundString()).isEqualTo("bye");
        assertThat(c.readOutboundString()).isEqualTo("!");
        assertThat(c.isOpen()).isFalse();
        assertThat(c.isOutputShutdown()).isTrue();
        assertThat(loop.map().isEmpty()).isTrue();
    }

    @Test
    void aResetClosesTheHandlerThroughHandleClose() throws Exception {
        List<String> events = new ArrayList<>();
        EmbeddedConnection c = loop.connect((ch, peer, map) -> new Dispatcher(ch, map) {
            @Override
            public void handleRead() throws IOException {
                recv(16);
            }

            @Override
            public boolean writable() {
                return false;
            }

            @Override
            public void handleClose() {
                events.add("close");
                close();
            }
        });

        c.reset();
        assertThat(events).containsExactly("close");
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void anExceptionInAHandlerGoesToHandleErrorWhichLogsAndClosesThatHandlerOnly() throws Exception {
        EmbeddedConnection bad = loop.connect((ch, peer, map) -> new Dispatcher(ch, map) {
            @Override
            public void handleRead() {
                throw new IllegalStateException("broken on purpose");
            }

            @Override
            public boolean writable() {
                return false;
            }
        });
        EmbeddedConnection good = loop.connect((ch, peer, map) -> new EchoHandler(ch, map));

        bad.writeInbound("x");
        assertThat(bad.isOpen()).isFalse();
        assertThat(loop.logs())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("error: uncaptured java exception")
                        .contains("broken on purpose"));
        good.writeInbound("fine");
        assertThat(good.readOutboundString()).isEqualTo("fine");
    }

    @Test
    void asyncChatFramesLinesFedOneByteAtATime() throws Exception {
        List<String> lines = new ArrayList<>();
        EmbeddedConnection c = loop.connect((ch, peer, map) -> new LineCollector(ch, map, lines));

        for (byte b : "one\r\ntwo\r\nthr".getBytes(StandardCharsets.US_ASCII)) {
            c.writeInbound(new byte[] {b});
        }
        assertThat(lines).containsExactly("one", "two");
        c.writeInbound("ee\r\n");
        assertThat(lines).containsExactly("one", "two", "three");
        assertThat(c.readOutboundString()).isEqualTo("one\r\ntwo\r\nthree\r\n");
    }

    @Test
    void anEmbeddedChannelRefusesARealSelector() throws Exception {
        EmbeddedConnection c = loop.connect((ch, peer, map) -> new EchoHandler(ch, map));
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            assertThatThrownBy(() -> c.channel().register(selector, java.nio.channels.SelectionKey.OP_READ))
                    .isInstanceOf(java.nio.channels.IllegalSelectorException.class);
        }
    }

    @Test
    void aLoopbackServerServesRealSocketsOnAPortTheSystemPicked() throws Exception {
        try (LoopbackServer server =
                        LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map), s -> s.setMaxConnections(5));
                Socket client = new Socket(server.address().getAddress(), server.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            byte[] got = client.getInputStream().readNBytes(4);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("ping");
            assertThat(server.port()).isPositive();
            assertThat(server.server().maxConnections()).isEqualTo(5);
            await().until(() -> server.stats().accepted() == 1 && server.stats().connections() == 1);
            client.close();
            await().until(() -> server.stats().connections() == 0);
            server.close();
            assertThat(server.loop().isTerminated()).isTrue();
            try (Socket late = new Socket()) {
                assertThatThrownBy(() -> late.connect(server.address(), 2000)).isInstanceOf(IOException.class);
            }
        }
    }

    /** Collects lines and echoes each one back with its terminator. */
    static final class LineCollector extends AsyncChat {
        private final List<String> lines;
        private final StringBuilder current = new StringBuilder();

        LineCollector(SocketChannel channel, DispatcherMap map, List<String> lines) {
            super(channel, map);
            this.lines = lines;
            setTerminator("\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            current.append(new String(data, StandardCharsets.US_ASCII));
        }

        @Override
        protected void foundTerminator() {
            lines.add(current.toString());
            push((current + "\r\n").getBytes(StandardCharsets.US_ASCII));
            current.setLength(0);
        }
    }
}
