package dev.asyncore.boot.it;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.asyncore.boot.context.AsyncoreConnectionClosedEvent;
import dev.asyncore.boot.context.AsyncoreConnectionEvent;
import dev.asyncore.boot.context.AsyncoreConnectionOpenedEvent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code asyncore.servers.<name>.connection-events} publishes an event per connection opened and closed, for that server. */
class ConnectionEventsApplicationTests {

    @Test
    void aServerWithConnectionEventsPublishesOpenedAndClosedOnTheLoopThread() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "asyncore.servers.audited.port=0",
                        "asyncore.servers.audited.address=127.0.0.1",
                        "asyncore.servers.audited.connection-events=true",
                        "asyncore.servers.quiet.port=0",
                        "asyncore.servers.quiet.address=127.0.0.1",
                        "spring.main.banner-mode=off")
                .run()) {
            Recorder recorder = context.getBean(Recorder.class);
            int audited = context.getEnvironment().getProperty("local.asyncore.servers.audited.port", Integer.class);
            int quiet = context.getEnvironment().getProperty("local.asyncore.servers.quiet.port", Integer.class);

            java.net.SocketAddress client;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), audited)) {
                client = socket.getLocalSocketAddress();
                roundTrip(socket, "audited");
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), quiet)) {
                roundTrip(socket, "not audited");
            }
            await().until(() -> recorder.events.size() >= 2);

            assertThat(recorder.events).hasSize(2);
            assertThat(recorder.events.get(0)).isInstanceOf(AsyncoreConnectionOpenedEvent.class);
            assertThat(recorder.events.get(1)).isInstanceOf(AsyncoreConnectionClosedEvent.class);
            assertThat(((AsyncoreConnectionClosedEvent) recorder.events.get(1)).getCause())
                    .isNull();
            assertThat(recorder.events)
                    .extracting(AsyncoreConnectionEvent::getServerName)
                    .containsOnly("audited");
            assertThat(recorder.events)
                    .extracting(AsyncoreConnectionEvent::getRemoteAddress)
                    .containsOnly(client);
            assertThat(recorder.threads).containsOnly("asyncore-loop");
        }
    }

    private static void roundTrip(Socket socket, String text) throws Exception {
        socket.setSoTimeout(10_000);
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(bytes);
        assertThat(new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII))
                .isEqualTo(text);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        Recorder recorder() {
            return new Recorder();
        }
    }

    static class Recorder {
        final List<AsyncoreConnectionEvent> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @EventListener
        void on(AsyncoreConnectionEvent event) {
            this.events.add(event);
            this.threads.add(Thread.currentThread().getName());
        }
    }
}
