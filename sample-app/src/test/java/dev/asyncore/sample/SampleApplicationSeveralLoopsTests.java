package dev.asyncore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.sample.chat.ChatRoom;
import dev.asyncore.sample.chat.ChatRoomHandler;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.asyncore.sample.SampleClients.WAIT;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application with {@code asyncore.loop.threads=2}: both loop threads run, {@code /actuator/asyncore} lists them,
 * the chat room relays a line between members on different loops (each member's {@code push} runs on its own loop, which
 * {@code ChatRoomHandler} asserts), and shutdown drains both loops.
 */
class SampleApplicationSeveralLoopsTests {

    private static final int MAX_CLIENTS = 40;

    @Test
    void chatRoomRelaysBetweenMembersOnDifferentLoopsAndShutdownDrainsBoth() throws Exception {
        // command-line arguments, which win over the application.yml the sample ships with
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
                .run(
                        "--asyncore.loop.threads=2",
                        "--server.port=0",
                        "--asyncore.servers.echo.port=0",
                        "--asyncore.servers.chat.port=0",
                        "--asyncore.servers.kv.port=0",
                        "--spring.datasource.url=jdbc:h2:mem:sample-several-loops",
                        "--asyncore.shutdown.timeout=10s",
                        "--spring.main.banner-mode=off");
        List<Socket> clients = new ArrayList<>();
        try {
            assertThat(threadAlive("asyncore-loop-0")).isTrue();
            assertThat(threadAlive("asyncore-loop-1")).isTrue();
            AsyncLoopGroup group = context.getBean(AsyncLoopGroup.class);
            ChatRoom room = context.getBean(ChatRoom.class);
            int chatPort = context.getEnvironment().getProperty("local.asyncore.servers.chat.port", Integer.class);

            Map<Integer, Socket> byLocalPort = new HashMap<>();
            while (loopsWithMembers(room) < 2 && clients.size() < MAX_CLIENTS) {
                Socket client = connect(chatPort);
                clients.add(client);
                byLocalPort.put(client.getLocalPort(), client);
                int expected = clients.size();
                await().atMost(WAIT).until(() -> room.memberCount() == expected);
            }
            assertThat(loopsWithMembers(room)).as("members on both loops").isEqualTo(2);
            Socket onFirst = clientOf(room, byLocalPort, group.loop(0).threadName());
            Socket onSecond = clientOf(room, byLocalPort, group.loop(1).threadName());
            System.out.println("chat members: "
                    + room.members().stream()
                            .collect(Collectors.groupingBy((m) -> m.loop().threadName(), Collectors.counting())));

            send(onFirst, "from the first loop\r\n");
            for (Socket other : clients) {
                if (other != onFirst) {
                    assertThat(readLine(other.getInputStream())).isEqualTo("from the first loop");
                }
            }
            send(onSecond, "from the second loop\n");
            for (Socket other : clients) {
                if (other != onSecond) {
                    assertThat(readLine(other.getInputStream())).isEqualTo("from the second loop");
                }
            }

            int httpPort = context.getEnvironment().getProperty("local.server.port", Integer.class);
            String body = SampleClients.get(httpPort, "/actuator/asyncore");
            List<String> names = JsonPath.read(body, "$.loops[*].loop.threadName");
            assertThat(names).containsExactly("asyncore-loop-0", "asyncore-loop-1");
            List<Boolean> running = JsonPath.read(body, "$.loops[*].loop.running");
            assertThat(running).containsExactly(true, true);
            assertThat((Integer) JsonPath.read(body, "$.servers.chat.connections"))
                    .isEqualTo(clients.size());

            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            // every member, on either loop, flushes and closes when the graceful shutdown begins
            for (Socket client : clients) {
                InputStream in = client.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
                client.close();
            }
            closing.get(30, TimeUnit.SECONDS);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            context.close();
        }
        await().atMost(WAIT).until(() -> !threadAlive("asyncore-loop-0") && !threadAlive("asyncore-loop-1"));
    }

    private static long loopsWithMembers(ChatRoom room) {
        Set<String> loops =
                room.members().stream().map((m) -> m.loop().threadName()).collect(Collectors.toSet());
        return loops.size();
    }

    private static Socket clientOf(ChatRoom room, Map<Integer, Socket> byLocalPort, String loopThread)
            throws IOException {
        for (ChatRoomHandler member : room.members()) {
            if (member.loop().threadName().equals(loopThread)) {
                Socket client = byLocalPort.get(((InetSocketAddress) member.addr()).getPort());
                if (client != null) {
                    return client;
                }
            }
        }
        throw new IOException("no member on " + loopThread);
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch((t) -> t.getName().equals(name) && t.isAlive());
    }
}
