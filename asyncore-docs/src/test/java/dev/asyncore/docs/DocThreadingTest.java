package dev.asyncore.docs;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

import dev.asyncore.docs.threading.Relay;
import dev.asyncore.docs.threading.SeveralLoops;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The snippets of the threading page do what the page says. */
class DocThreadingTest {

    @Test
    void relayForwardsBothWaysBetweenAClientAndItsUpstream() throws Exception {
        try (LoopbackServer upstream = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
                LoopbackServer forwarder = LoopbackServer.start((ch, peer, map) -> {
                    // a test's shortcut: a blocking connect on the loop, to a loopback server that is already listening
                    SocketChannel up = SocketChannel.open(upstream.address());
                    up.configureBlocking(false);
                    Relay client = new Relay(ch, map);
                    Relay.pair(client, new Relay(up, map));
                    return client;
                });
                Lines client = new Lines(forwarder.address().getHostString(), forwarder.port())) {
            assertThat(client.ask("through the relay")).isEqualTo("through the relay");
            assertThat(client.ask("and back again")).isEqualTo("and back again");
        }
    }

    @Test
    void severalLoopsServeEchoAndStopGracefully() throws Exception {
        SeveralLoops.Started started = SeveralLoops.start(0);
        try {
            assertThat(started.group().size()).isEqualTo(2);
            int port = ((InetSocketAddress) started.server().localAddress()).getPort();
            for (int i = 0; i < 4; i++) {
                try (Lines client = new Lines("127.0.0.1", port)) {
                    assertThat(client.ask("line " + i)).isEqualTo("line " + i);
                }
            }
        } finally {
            assertThat(SeveralLoops.stop(started)).isTrue();
        }
        assertThat(started.group().isTerminated()).isTrue();
    }
}
