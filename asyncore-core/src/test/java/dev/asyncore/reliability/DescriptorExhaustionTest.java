package dev.asyncore.reliability;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server in a child JVM with {@code ulimit -n} set low gets bursts of connections past the limit: the listener stays
 * open, backs off without spinning, counts the failed accepts, logs one line per episode, and serves the connections that
 * waited in the backlog as soon as descriptors come back; on an {@code AsyncLoop} and on Python's pass
 * ({@code Asyncore.loop}), which has no timers and learns of the resume from {@code readable()}.
 */
class DescriptorExhaustionTest {

    private static final int LIMIT = 256;
    private static final int BURST = 300;
    private static final int BURSTS = 3;

    private ExhaustedServerProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"async-loop", "asyncore-loop"})
    void listenerSurvivesBurstsPastTheDescriptorLimit(String loopKind, @TempDir Path directory) throws Exception {
        System.out.println("server on " + loopKind + ", ulimit -n " + LIMIT + ", bursts of " + BURST + " connections");
        server = ExhaustedServerProcess.start(
                LIMIT, directory.resolve("child.out"), ExhaustedEchoServer.class.getName(), loopKind);
        int port = Integer.parseInt(server.awaitLine("PORT ", Duration.ofSeconds(30)));
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        assertThat(server.stats().acceptErrors()).isZero();

        for (int burst = 1; burst <= BURSTS; burst++) {
            server.runBurst(address, burst, BURST, (stats) -> {});
        }

        server.assertOneLogLinePerEpisode(BURSTS);
    }
}
