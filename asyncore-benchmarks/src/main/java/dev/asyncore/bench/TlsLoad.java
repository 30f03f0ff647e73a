package dev.asyncore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The C load of {@link TlsCompare}: {@code tls_load} on OpenSSL's libssl for the TLS servers and {@code echo_load} for the
 * plaintext one, each as processes pinned to the client cores, so that the client is neither the JDK's {@code SSLSocket}
 * nor on the server's core. Main thread.
 */
final class TlsLoad {
    private static final long WARMUP_MILLIS = 200;

    private final Path tlsLoad;
    private final Path echoLoad;
    private final Cores cores;
    private final long durationMillis;
    private final Path caFile;

    TlsLoad(Path dir, Cores cores, long durationNanos) throws IOException {
        this.tlsLoad = dir.resolve("tls_load");
        this.echoLoad = dir.resolve("echo_load");
        if (!Files.isExecutable(tlsLoad)) {
            throw new IllegalArgumentException(
                    "--client c needs " + tlsLoad + " (run.sh compiles it with gcc when libssl-dev is installed)");
        }
        this.cores = cores;
        this.durationMillis = durationNanos / 1_000_000;
        this.caFile = Files.createTempFile("bench-ca", ".crt");
        caFile.toFile().deleteOnExit();
        try (InputStream in = BenchTls.open("dev-ca.crt")) {
            Files.copy(in, caFile, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Measures bulk, handshakes (TLS only) and ping-pong into {@code r} (the columns of {@link TlsCompare}).
     *
     * @param port the server's port
     * @param tls whether the server speaks TLS
     * @param bulkConns connections (one per process) of the bulk phase
     * @param handshakeProcs processes of the handshake phase
     * @param serverCpu the server's CPU nanoseconds so far
     * @param r the row to fill: 0 MB/s, 1 server CPU%, 2 CPU ms/MB, 3 client CPU%, 4 handshakes/s, 5 server CPU%, 6 CPU
     *     us per handshake, 7 ping-pong p99 us
     * @throws IOException when a client fails
     * @throws InterruptedException when interrupted
     */
    void measure(int port, boolean tls, int bulkConns, int handshakeProcs, LongSupplier serverCpu, double[] r)
            throws IOException, InterruptedException {
        LoadGen.Probe probe = () -> new long[] {serverCpu.getAsLong()};
        NativeLoad.Result bulk = tls
                ? run(tlsLoad, bulkConns, List.of("bulk", "127.0.0.1", Integer.toString(port)), probe)
                : run(echoLoad, bulkConns, echo(port, 4, 65536), probe);
        r[0] = bulk.perSecond("bytes") / 1e6;
        r[1] = bulk.serverCpuPercent();
        r[2] = bulk.serverCpuNanos() / 1e6 / Math.max(1e-9, bulk.total("bytes") / 1e6);
        r[3] = bulk.clientCpuPercent();
        if (tls) {
            NativeLoad.Result hs =
                    run(tlsLoad, handshakeProcs, List.of("handshake", "127.0.0.1", Integer.toString(port)), probe);
            r[4] = hs.perSecond("handshakes");
            r[5] = hs.serverCpuPercent();
            r[6] = hs.serverCpuPer("handshakes") / 1e3;
        }
        NativeLoad.Result pp = tls
                ? run(tlsLoad, 1, List.of("pingpong", "127.0.0.1", Integer.toString(port)), null)
                : run(echoLoad, 1, echo(port, 1, 64), null);
        r[7] = pp.p99Micros();
    }

    private List<String> echo(int port, int window, int size) {
        return List.of(
                "127.0.0.1",
                Integer.toString(port),
                "1",
                Integer.toString(window),
                Integer.toString(size),
                Long.toString(WARMUP_MILLIS),
                Long.toString(durationMillis));
    }

    private NativeLoad.Result run(Path program, int processes, List<String> head, LoadGen.Probe probe)
            throws IOException, InterruptedException {
        List<String> args = program.equals(tlsLoad)
                ? List.of(
                        head.get(0),
                        head.get(1),
                        head.get(2),
                        caFile.toString(),
                        Long.toString(WARMUP_MILLIS),
                        Long.toString(durationMillis))
                : head;
        return NativeLoad.run(program, cores, processes, i -> args, WARMUP_MILLIS, probe, 60 + durationMillis / 1000);
    }

    @Override
    public String toString() {
        return "C on OpenSSL (tls_load; echo_load for plaintext) on " + cores;
    }
}
