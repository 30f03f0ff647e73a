package dev.asyncore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadGenTest {
    private NioEchoServer nio;
    private Thread nioThread;
    private NettyEchoServer netty;
    private ServerSocket corrupting;
    private Thread corruptingThread;

    @AfterEach
    void tearDown() throws Exception {
        if (nio != null) {
            nio.close();
            nioThread.join(5000);
        }
        if (netty != null) {
            netty.close();
        }
        if (corrupting != null) {
            corrupting.close();
            corruptingThread.join(5000);
        }
    }

    private InetSocketAddress startNio() throws IOException {
        nio = new NioEchoServer(0);
        nioThread = new Thread(nio, "test-nio-echo");
        nioThread.start();
        return new InetSocketAddress("127.0.0.1", nio.port());
    }

    @Test
    void echoCountsOnlyVerifiedMessagesAndRecordsALatencyForEach() throws Exception {
        InetSocketAddress addr = startNio();

        LoadGen.EchoResult r = LoadGen.echo(addr, 4, 8, 100, Duration.ofMillis(100), Duration.ofMillis(300), null);

        assertThat(r.messages()).isPositive();
        assertThat(r.bytes()).isEqualTo(r.messages() * 100);
        assertThat(r.latency().getTotalCount()).isEqualTo(r.messages());
        assertThat(r.latencyMicros(99))
                .isGreaterThanOrEqualTo(r.latencyMicros(50))
                .isPositive();
        assertThat(r.serverCpuPerMessage()).isNaN();
    }

    @Test
    void probeDeltasArePerMessage() throws Exception {
        InetSocketAddress addr = startNio();
        long[] counter = {0};

        LoadGen.EchoResult r = LoadGen.echo(addr, 2, 4, 64, Duration.ZERO, Duration.ofMillis(200), () -> {
            counter[0] += 1000;
            return new long[] {counter[0], -1};
        });

        assertThat(r.serverDelta()).containsExactly(1000, -1);
        assertThat(r.serverCpuPerMessage()).isEqualTo(1000.0 / r.messages());
        assertThat(r.serverAllocationPerMessage()).isNaN();
    }

    @Test
    void aWrongEchoedByteFailsTheRunAndNamesItsOffset() throws Exception {
        corrupting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        corruptingThread = new Thread(
                () -> {
                    try (Socket s = corrupting.accept();
                            InputStream in = s.getInputStream();
                            OutputStream out = s.getOutputStream()) {
                        long offset = 0;
                        byte[] buf = new byte[4096];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            for (int i = 0; i < n; i++) {
                                if (offset + i == 1000) {
                                    buf[i] ^= 0x55;
                                }
                            }
                            offset += n;
                            out.write(buf, 0, n);
                        }
                    } catch (IOException ignored) {
                        // the client gave up: that is the point of the test
                    }
                },
                "test-corrupting-echo");
        corruptingThread.start();
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", corrupting.getLocalPort());

        assertThatThrownBy(() -> LoadGen.echo(addr, 1, 4, 64, Duration.ZERO, Duration.ofSeconds(5), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wrong echoed byte at stream offset 1000");
    }

    @Test
    void idleConnectionsAreAllServedAndConnectCyclesComplete() throws Exception {
        netty = new NettyEchoServer(0);
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", netty.port());

        try (ConnectLoad.IdleConnections idle = ConnectLoad.openIdle(addr, 200, 16, Duration.ofSeconds(30))) {
            assertThat(idle.size()).isEqualTo(200);
            assertThat(idle.openNanos()).isPositive();
            LoadGen.EchoResult r = LoadGen.echo(addr, 2, 2, 64, Duration.ZERO, Duration.ofMillis(200), null);
            assertThat(r.messages()).isPositive();
        }
        assertThat(ConnectLoad.connectRate(addr, 2, Duration.ZERO, Duration.ofMillis(300)))
                .isPositive();
    }

    @Test
    void badArgumentsAreRejectedWithTheirValue() {
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", 1);
        assertThatThrownBy(() -> LoadGen.echo(addr, 0, 1, 1, Duration.ZERO, Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connections must be >= 1: 0");
        assertThatThrownBy(() ->
                        Options.parse(new String[] {"--rounds", "three"}, 0).integer("rounds", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'three'");
        assertThatThrownBy(
                        () -> Options.parse(new String[] {"--warmup", "-1"}, 0).seconds("warmup", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
