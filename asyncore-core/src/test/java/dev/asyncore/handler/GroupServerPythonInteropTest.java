package dev.asyncore.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DispatcherMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A {@link GroupServer} of two loops serving Python's own {@code asyncore}: one Python loop opens many client dispatchers
 * at once, each sends lines and reads its echo. The Java side checks that every connection was served on one thread and
 * that both loops served some. Skipped where {@code python3} cannot import {@code asyncore}.
 */
class GroupServerPythonInteropTest {

    private static final int CLIENTS = 32;

    /** Python asyncore clients, all in one asyncore loop; prints how many got their whole payload back. */
    private static final String PYTHON_CLIENTS = """
            import asyncore, socket, sys
            host, port, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

            class Client(asyncore.dispatcher):
                def __init__(self, n):
                    asyncore.dispatcher.__init__(self)
                    self.payload = b''.join(b'client %d line %d\\n' % (n, i) for i in range(50))
                    self.out = self.payload
                    self.got = bytearray()
                    self.done = False
                    self.create_socket(socket.AF_INET)
                    self.connect((host, port))
                def handle_connect(self):
                    pass
                def writable(self):
                    return len(self.out) > 0
                def handle_write(self):
                    sent = self.send(self.out)
                    self.out = self.out[sent:]
                def handle_read(self):
                    self.got += self.recv(8192)
                    if len(self.got) >= len(self.payload):
                        self.done = self.got == self.payload
                        self.close()
                def handle_close(self):
                    self.close()

            all_clients = [Client(n) for n in range(clients)]
            asyncore.loop(timeout=0.1, count=3000)
            print('echoed %d of %d' % (sum(1 for c in all_clients if c.done), clients), flush=True)
            """;

    @TempDir
    Path dir;

    private final AsyncLoopGroup group = AsyncLoopGroup.builder(2)
            .threadName("group-python")
            .timeout(Duration.ofMillis(100))
            .build();
    private final List<GroupServerTest.RecordingEcho> handlers = new CopyOnWriteArrayList<>();
    private Process python;

    @AfterEach
    void stop() {
        if (python != null) {
            python.destroyForcibly();
        }
        group.close();
    }

    private static boolean pythonHasAsyncore() {
        try {
            Process p = new ProcessBuilder("python3", "-W", "ignore", "-c", "import asyncore")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = GroupServer.Spread.class,
            names = {"REUSE_PORT", "HAND_OFF"})
    void pythonAsyncoreClientsAreServedByBothLoopsEachOnOneThread(GroupServer.Spread spread) throws Exception {
        assumeTrue(pythonHasAsyncore(), "python3 with the asyncore module is not installed");
        assumeTrue(
                spread != GroupServer.Spread.REUSE_PORT
                        || ServerDispatcher.supportsReusePort(new InetSocketAddress("127.0.0.1", 0)),
                "SO_REUSEPORT is not available on this platform");
        GroupServer server =
                new GroupServer(group, (SocketChannel channel, java.net.SocketAddress peer, DispatcherMap map) -> {
                    GroupServerTest.RecordingEcho h = new GroupServerTest.RecordingEcho(channel, map);
                    handlers.add(h);
                    return h;
                });
        server.setSpread(spread).open(new InetSocketAddress("127.0.0.1", 0), 64, true);
        group.start();
        Path script = dir.resolve("clients.py");
        Files.writeString(script, PYTHON_CLIENTS);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        python = new ProcessBuilder(
                        "python3",
                        "-W",
                        "ignore",
                        script.toString(),
                        "127.0.0.1",
                        String.valueOf(port),
                        String.valueOf(CLIENTS))
                .redirectErrorStream(true)
                .start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.trim()).isEqualTo("echoed " + CLIENTS + " of " + CLIENTS);
        assertThat(handlers).hasSize(CLIENTS);
        for (GroupServerTest.RecordingEcho h : handlers) {
            assertThat(h.threads).hasSize(1);
        }
        Set<String> used = handlers.stream().flatMap(h -> h.threads.stream()).collect(Collectors.toSet());
        assertThat(used).containsExactlyInAnyOrder("group-python-0", "group-python-1");
        long onFirst = handlers.stream()
                .filter(h -> h.threads.contains("group-python-0"))
                .count();
        System.out.println("Python asyncore clients over " + spread + ": " + out.trim() + ", " + onFirst
                + " on loop 0 and " + (CLIENTS - onFirst) + " on loop 1");
    }
}
