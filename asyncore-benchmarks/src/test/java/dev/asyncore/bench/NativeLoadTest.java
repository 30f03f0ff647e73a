package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.asyncore.TlsProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C load clients, compiled with gcc as {@code run.sh} does, drive the peers and report what they measured: every echoed
 * byte checked by the client (a wrong one exits non-zero, which {@link NativeLoad#run} turns into an exception). Skipped
 * with a message where gcc (or, for the TLS client, libssl-dev) is missing.
 */
class NativeLoadTest {
    private static final Path SOURCES = Path.of("src/main/c");

    @TempDir
    static Path bin;

    @BeforeAll
    static void compile() throws Exception {
        assumeTrue(gcc("echo_load", List.of()), "gcc is not installed: the C load clients cannot be built");
        assertThat(gcc("udp_load", List.of())).isTrue();
        assertThat(gcc("udp_mmsg_echo", List.of())).isTrue();
    }

    @Test
    void echoLoadProcessesDriveNettyOnEpollAndMeasureItsCpu() throws Exception {
        try (NettyEchoServer server = new NettyEchoServer(0, NettyTransport.EPOLL)) {
            long pid = ProcessHandle.current().pid();
            NativeLoad.Result r = NativeLoad.run(
                    bin.resolve("echo_load"),
                    Cores.of("none"),
                    2,
                    i -> List.of("127.0.0.1", Integer.toString(server.port()), "3", "4", "64", "100", "300"),
                    100,
                    () -> new long[] {ProcStat.cpuNanos(pid)},
                    30);
            assertThat(r.total("msgs")).isPositive();
            assertThat(r.total("bytes")).isEqualTo(r.total("msgs") * 64);
            assertThat(r.serverCpuNanos()).isNotNegative();
            assertThat(r.clientCpuPercent()).isPositive();
        }
    }

    @Test
    void echoLoadWithWindowOneReportsRoundTripPercentiles() throws Exception {
        try (NettyEchoServer server = new NettyEchoServer(0)) {
            NativeLoad.Result r = NativeLoad.run(
                    bin.resolve("echo_load"),
                    Cores.of("none"),
                    1,
                    i -> List.of("127.0.0.1", Integer.toString(server.port()), "1", "1", "64", "100", "300"),
                    100,
                    null,
                    30);
            assertThat(r.total("msgs")).isPositive();
            assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros()).isPositive();
        }
    }

    @Test
    void udpLoadDrivesTheRecvmmsgServer() throws Exception {
        Process server = new ProcessBuilder(bin.resolve("udp_mmsg_echo").toString(), "0", "64").start();
        try {
            String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(line).startsWith("PORT ");
            NativeLoad.Result r = NativeLoad.run(
                    bin.resolve("udp_load"),
                    Cores.of("none"),
                    2,
                    i -> List.of("127.0.0.1", line.substring(5).trim(), "4", "8", "64", "100", "300"),
                    100,
                    () -> new long[] {ProcStat.cpuNanos(server.pid())},
                    30);
            assertThat(r.total("dgrams")).isPositive();
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsLoadDrivesNettyOnOpenSslAndAsyncore() throws Exception {
        assumeTrue(
                gcc("tls_load", List.of("-lssl", "-lcrypto")), "libssl-dev is not installed: tls_load cannot be built");
        Path ca = bin.resolve("ca.crt");
        try (var in = BenchTls.open("dev-ca.crt")) {
            Files.copy(in, ca);
        }
        try (ServerMain.RunningServer netty = new NettyTlsEchoServer(0, true);
                ServerMain.RunningServer asyncore = new AsyncoreTlsEchoServer(0, TlsProvider.JDK);
                ServerMain.RunningServer asyncoreOpenSsl = new AsyncoreTlsEchoServer(0, TlsProvider.OPENSSL)) {
            for (int port : List.of(netty.port(), asyncore.port(), asyncoreOpenSsl.port())) {
                for (String mode : List.of("bulk", "handshake")) {
                    NativeLoad.Result r = NativeLoad.run(
                            bin.resolve("tls_load"),
                            Cores.of("none"),
                            1,
                            i -> List.of(mode, "127.0.0.1", Integer.toString(port), ca.toString(), "100", "500"),
                            100,
                            null,
                            30);
                    assertThat(r.total(mode.equals("bulk") ? "bytes" : "handshakes"))
                            .as(mode + " against port " + port)
                            .isPositive();
                }
            }
        }
    }

    @Test
    void coreListsPinEachProcessToOneCoreRoundRobin() {
        Cores cores = Cores.of("0-1,3");
        if (cores.pinned()) {
            assertThat(cores.each()).containsExactly(0, 1, 3);
            assertThat(cores.taskset(3)).containsExactly("taskset", "-c", "0");
            assertThat(cores.taskset()).containsExactly("taskset", "-c", "0-1,3");
        }
        assertThat(Cores.of("none").taskset()).isEmpty();
        assertThat(NativeLoad.share(50, 3, 0)).isEqualTo(17);
        assertThat(NativeLoad.share(50, 3, 2)).isEqualTo(16);
    }

    private static boolean gcc(String program, List<String> libraries) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                "gcc",
                "-O2",
                "-o",
                bin.resolve(program).toString(),
                SOURCES.resolve(program + ".c").toString()));
        cmd.addAll(libraries);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException noGcc) {
            return false;
        }
    }
}
