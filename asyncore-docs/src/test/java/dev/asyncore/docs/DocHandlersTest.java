package dev.asyncore.docs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.docs.handlers.LookupHandler;
import dev.asyncore.docs.handlers.PingClient;
import dev.asyncore.docs.handlers.PingController;
import dev.asyncore.docs.handlers.ShoutHandler;
import dev.asyncore.docs.handlers.Syslog;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.testing.EmbeddedConnection;
import dev.asyncore.testing.EmbeddedLoop;
import dev.asyncore.testing.LoopbackServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The snippets of the handlers page do what the page says. */
class DocHandlersTest {

    @Test
    void shoutHandlerAnswersEachLineInUpperCaseWithoutSockets() throws Exception {
        // tag::embedded[]
        try (EmbeddedLoop loop = new EmbeddedLoop()) {
            EmbeddedConnection alice = loop.connect((channel, peer, map) -> new ShoutHandler(channel, map));
            alice.writeInbound("hello\n");
            assertThat(alice.readOutboundString()).isEqualTo("HELLO\n");
        }
        // end::embedded[]
    }

    @Test
    void shoutHandlerAnswersOverARealSocket() throws Exception {
        // tag::loopback[]
        try (LoopbackServer server = LoopbackServer.start((ch, peer, map) -> new ShoutHandler(ch, map));
                Lines client = new Lines(server.address().getHostString(), server.port())) {
            assertThat(client.ask("hello, world")).isEqualTo("HELLO, WORLD");
            await().until(() -> server.stats().accepted() == 1);
        }
        // end::loopback[]
    }

    @Test
    void executeBlockingAnswersFromTheRepositoryAndReportsItsFailure() throws Exception {
        Map<String, String> rows = Map.of("greeting", "hello");
        LookupHandler.Repository repository = key -> {
            if (key.equals("broken")) {
                throw new IOException("database down");
            }
            return Optional.ofNullable(rows.get(key));
        };
        try (LoopbackServer server =
                        LoopbackServer.start((ch, peer, map) -> new LookupHandler(ch, map, repository, false));
                Lines client = new Lines(server.address().getHostString(), server.port())) {
            assertThat(client.ask("greeting")).isEqualTo("VALUE hello");
            assertThat(client.ask("nothing")).isEqualTo("NOT_FOUND");
            assertThat(client.ask("broken")).isEqualTo("ERR storage unavailable");
            assertThat(client.ask("greeting")).isEqualTo("VALUE hello");
        }
    }

    @Test
    void pushBlockingAnswersInRequestOrder() throws Exception {
        LookupHandler.Repository slowFirst = key -> {
            if (key.equals("slow")) {
                Thread.sleep(200); // the first call ends last: its reply must still come first
            }
            return Optional.of(key);
        };
        try (LoopbackServer server =
                        LoopbackServer.start((ch, peer, map) -> new LookupHandler(ch, map, slowFirst, true));
                Lines client = new Lines(server.address().getHostString(), server.port())) {
            assertThat(client.ask("slow\nfast")).isEqualTo("VALUE slow");
            assertThat(client.readLine()).isEqualTo("VALUE fast");
        }
    }

    @Test
    void pingControllerBuildsItsClientOnTheLoop() throws Exception {
        try (LoopbackServer echo = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
                AsyncLoop loop = new AsyncLoop(new DispatcherMap())) {
            loop.start();
            PingController controller = new PingController(loop);
            String answer = controller.ping(echo.address().getHostString(), echo.port());
            assertThat(answer).startsWith("connecting, channel ");
            await().until(() -> echo.stats().bytesSent() == "ping\n".length());
            await().untilAsserted(() -> assertThat(loop.map().total()).isZero()); // the echo came back: it closed
        }
    }

    @Test
    void pingClientBuiltOffTheLoopIsRefused() throws Exception {
        try (LoopbackServer echo = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
                AsyncLoop loop = new AsyncLoop(new DispatcherMap())) {
            loop.start();
            InetSocketAddress address = echo.address();
            assertThatThrownBy(() -> new PingClient(address, loop.map()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("submit");
        }
    }

    @Test
    void syslogAnswersEachDatagramWithItsSize() throws Exception {
        try (AsyncLoop loop = new AsyncLoop(new DispatcherMap());
                DatagramChannel client = DatagramChannel.open()) {
            Syslog syslog = new Syslog(loop.map(), 0);
            loop.start();
            client.connect(((DatagramChannel) syslog.socket()).getLocalAddress());
            client.write(ByteBuffer.wrap("<14>hello".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer reply = ByteBuffer.allocate(64);
            client.configureBlocking(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.read(reply) > 0);
            reply.flip();
            assertThat(StandardCharsets.US_ASCII.decode(reply).toString()).isEqualTo("got 9 bytes");
        }
    }
}
