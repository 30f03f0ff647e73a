package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.HdrHistogram.Histogram;

/**
 * TLS echo servers side by side in one run: this project's on the JDK provider ({@code asyncore-tls}) and on OpenSSL
 * (BoringSSL through Conscrypt: {@code asyncore-tls-openssl}), Netty's {@code SslHandler} at its
 * defaults (JDK provider, NIO: {@code netty-tls}) and at its best (OpenSSL through netty-tcnative, native epoll:
 * {@code netty-tls-openssl}), same certificate (P-256), protocol (TLS 1.3) and cipher ({@code TLS_AES_128_GCM_SHA256}),
 * plus the plaintext asyncore echo ({@code asyncore}) for the cost of TLS. Each server runs as its own process (on
 * {@code --server-cores} with {@code taskset} when available). The client is the C program {@code tls_load} on OpenSSL's
 * libssl ({@code --client c}, the default when compiled), as processes pinned to {@code --client-cores}, or this process
 * with the JDK's {@code SSLSocket} ({@code --client java}). Rounds alternate the servers; the table gives medians, the
 * server's utilisation in each phase, and the ratios of {@code asyncore-tls} to both Netty setups and of
 * {@code asyncore-tls-openssl} to {@code netty-tls-openssl}. Main thread.
 *
 * <p>Figures: bulk echo MB/s ({@code --bulk-conns} connections, one each client process, 64 KiB writes), server CPU% and
 * CPU ms per MB echoed in that phase, full handshakes per second (no session reused; {@code --threads} client processes or
 * threads) with the server's CPU% and CPU microseconds per handshake, ping-pong p99 of 64-byte messages (one connection),
 * and live heap per idle TLS connection (after a full GC, {@code jcmd GC.class_histogram}) at {@code --idle} connections
 * (always opened by this process).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.asyncore.bench.TlsCompare [--rounds 2] [--duration 3] [--idle 2000]
 * [--threads 4] [--servers asyncore-tls,asyncore-tls-openssl,netty-tls,netty-tls-openssl,asyncore] [--server-cores 1]
 * [--client-cores 0]
 * [--client c|java] [--c-dir asyncore-benchmarks/target]}.
 */
public final class TlsCompare {

    private static final String[] METRICS = {
        "bulk MB/s",
        "bulk srv%",
        "CPU ms/MB",
        "bulk cli%",
        "handshakes/s",
        "hs srv%",
        "CPU us/hs",
        "pp p99 us",
        "KiB/idle"
    };

    private final int rounds;
    private final long durationNanos;
    private final int idle;
    private final int threads;
    private final List<String> servers;
    private final int bulkConns;
    private final SSLContext client = BenchTls.clientContext();
    private final Cores serverCores;
    private final TlsLoad nativeClient;

    private TlsCompare(Options options) throws IOException {
        rounds = options.integer("rounds", 2);
        durationNanos = options.seconds("duration", 3).toNanos();
        idle = options.integer("idle", 2000);
        threads = options.integer("threads", 4);
        bulkConns = options.integer("bulk-conns", 1);
        servers = List.of(
                options.string("servers", "asyncore-tls,asyncore-tls-openssl,netty-tls,netty-tls-openssl,asyncore")
                        .split(","));
        serverCores = Cores.of(options.string("server-cores", "1"));
        Path dir = NativeLoad.directory(options);
        boolean c = options.string("client", NativeLoad.available(dir, "tls_load") ? "c" : "java")
                .equals("c");
        nativeClient = c ? new TlsLoad(dir, Cores.of(options.string("client-cores", "0")), durationNanos) : null;
    }

    /**
     * Runs the comparison and prints the table.
     *
     * @param args {@code --name value} options, see the class comment
     * @throws Exception when a server cannot be started or measured
     */
    public static void main(String[] args) throws Exception {
        new TlsCompare(Options.parse(args, 0)).run();
    }

    private void run() throws Exception {
        System.out.printf(
                Locale.ROOT,
                "servers %s, %d rounds, duration %.1f s, servers on %s, client %s, load average %s%n",
                servers,
                rounds,
                durationNanos / 1e9,
                serverCores,
                nativeClient == null ? "Java (SSLSocket) in this process" : nativeClient,
                ProcStat.loadAverage());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String kind : servers) {
                double[] r = measure(kind);
                results.computeIfAbsent(kind, k -> new ArrayList<>()).add(r);
                System.out.printf(Locale.ROOT, "round %d %-20s %s%n", round, kind, Arrays.toString(r));
            }
        }
        print(results);
    }

    private double[] measure(String kind) throws Exception {
        boolean tls = kind.contains("-tls");
        try (ServerProcess server = ServerProcess.start(kind, serverCores)) {
            double[] r = new double[METRICS.length];
            Arrays.fill(r, Double.NaN);
            warmUp(server.port, tls);
            if (nativeClient != null) {
                nativeClient.measure(server.port, tls, bulkConns, threads, server::cpuNanos, r);
            } else {
                long cpuBefore = server.cpuNanos();
                long clientBefore = ProcStat.cpuNanos(ProcessHandle.current().pid());
                long started = System.nanoTime();
                double bytes = bulk(server.port, tls);
                long cpu = server.cpuNanos() - cpuBefore;
                long wall = System.nanoTime() - started;
                r[0] = bytes / 1e6 / (durationNanos / 1e9);
                r[1] = ProcStat.percent(cpu, wall);
                r[2] = cpu / 1e6 / (bytes / 1e6);
                r[3] = ProcStat.percent(
                        ProcStat.cpuNanos(ProcessHandle.current().pid()) - clientBefore, wall);
                if (tls) {
                    cpuBefore = server.cpuNanos();
                    started = System.nanoTime();
                    r[4] = handshakes(server.port);
                    cpu = server.cpuNanos() - cpuBefore;
                    wall = System.nanoTime() - started;
                    r[5] = ProcStat.percent(cpu, wall);
                    r[6] = cpu / 1e3 / (r[4] * wall / 1e9);
                }
                r[7] = pingPongP99(server.port, tls);
            }
            r[8] = idleKib(server, tls);
            return r;
        }
    }

    private Socket connect(int port, boolean tls) throws IOException {
        Socket s = tls ? client.getSocketFactory().createSocket("127.0.0.1", port) : new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        if (s instanceof SSLSocket ssl) {
            ssl.setEnabledProtocols(new String[] {BenchTls.PROTOCOL});
            ssl.setEnabledCipherSuites(new String[] {BenchTls.CIPHER});
            ssl.startHandshake();
        }
        return s;
    }

    private void warmUp(int port, boolean tls) throws Exception {
        long end = System.nanoTime() + durationNanos;
        try (Socket s = connect(port, tls)) {
            byte[] msg = new byte[64];
            while (System.nanoTime() < end) {
                echo(s, msg);
            }
        }
    }

    private static void echo(Socket s, byte[] msg) throws IOException {
        s.getOutputStream().write(msg);
        s.getOutputStream().flush();
        new DataInputStream(s.getInputStream()).readFully(msg);
    }

    /** Bytes echoed back on one connection in the measured duration, 64 KiB writes from a writer thread. */
    private double bulk(int port, boolean tls) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket s = connect(port, tls)) {
            AtomicLong sent = new AtomicLong();
            long end = System.nanoTime() + durationNanos;
            Future<?> w = writer.submit(() -> {
                byte[] chunk = new byte[65536];
                OutputStream out = s.getOutputStream();
                while (System.nanoTime() < end) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
                out.flush();
                return null;
            });
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long received = 0;
            long receivedInTime = 0;
            while (!w.isDone() || received < sent.get()) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                received += n;
                if (System.nanoTime() < end) {
                    receivedInTime = received;
                }
            }
            w.get();
            return receivedInTime;
        } finally {
            writer.shutdownNow();
        }
    }

    /** Full handshakes per second from several client threads, each session invalidated so that none resumes. */
    private double handshakes(int port) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicLong done = new AtomicLong();
            long start = System.nanoTime();
            long end = start + durationNanos;
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        try (Socket s = connect(port, true)) {
                            ((SSLSocket) s).getSession().invalidate();
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return done.get() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private double pingPongP99(int port, boolean tls) throws Exception {
        Histogram h = new Histogram(3);
        try (Socket s = connect(port, tls)) {
            byte[] msg = new byte[64];
            long end = System.nanoTime() + durationNanos;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                echo(s, msg);
                h.recordValue(System.nanoTime() - t0);
            }
        }
        return h.getValueAtPercentile(99) / 1e3;
    }

    /** Live heap per idle connection (handshake done, one echo), after a full GC in the server. */
    private double idleKib(ServerProcess server, boolean tls) throws Exception {
        long before = server.liveHeap();
        List<Socket> open = new ArrayList<>(idle);
        try {
            byte[] msg = new byte[1];
            for (int i = 0; i < idle; i++) {
                Socket s = connect(server.port, tls);
                open.add(s);
                echo(s, msg);
            }
            long after = server.liveHeap();
            return (after - before) / 1024.0 / idle;
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    private void print(Map<String, List<double[]>> results) {
        System.out.printf(
                Locale.ROOT,
                "%nTLS echo, medians of %d rounds (TLS 1.3, %s, P-256; %d idle connections):%n",
                rounds,
                BenchTls.CIPHER,
                idle);
        System.out.println(
                "srv% and cli% are CPU in percent of one core (100 = one core busy) in that phase: a server near"
                        + " 100% is server-bound, a client near 100% per process client-bound; CPU ms/MB and CPU us/hs count.");
        System.out.printf(Locale.ROOT, "%-22s", "server");
        for (String m : METRICS) {
            System.out.printf(Locale.ROOT, "%14s", m);
        }
        System.out.println();
        Map<String, double[]> medians = new LinkedHashMap<>();
        results.forEach((kind, rows) -> {
            double[] med = new double[METRICS.length];
            for (int i = 0; i < METRICS.length; i++) {
                final int m = i;
                double[] v = rows.stream().mapToDouble(r -> r[m]).sorted().toArray();
                med[i] = v[v.length / 2];
            }
            medians.put(kind, med);
            System.out.printf(Locale.ROOT, "%-22s", kind);
            for (double d : med) {
                System.out.printf(Locale.ROOT, "%14.1f", d);
            }
            System.out.println();
        });
        double[] a = medians.get("asyncore-tls");
        // {asyncore server, Netty server, row label}: both on the JDK, JDK against OpenSSL, both on OpenSSL
        for (String[] pair : new String[][] {
            {"asyncore-tls", "netty-tls", "x netty-tls"},
            {"asyncore-tls", "netty-tls-openssl", "x netty-tls-openssl"},
            {"asyncore-tls-openssl", "netty-tls-openssl", "openssl/openssl"}
        }) {
            double[] mine = medians.get(pair[0]);
            double[] n = medians.get(pair[1]);
            if (mine != null && n != null) {
                System.out.printf(Locale.ROOT, "%-22s", pair[2]);
                for (int i = 0; i < METRICS.length; i++) {
                    System.out.printf(Locale.ROOT, "%14.2f", mine[i] / n[i]);
                }
                System.out.println("   (" + pair[0] + " over " + pair[1]
                        + "; above 1 is better for MB/s and handshakes/s, below 1 for CPU and p99)");
            }
        }
        double[] p = medians.get("asyncore");
        if (a != null && p != null) {
            System.out.printf(Locale.ROOT, "%-22s", "tls/plaintext");
            for (int i = 0; i < METRICS.length; i++) {
                System.out.printf(Locale.ROOT, "%14.2f", a[i] / p[i]);
            }
            System.out.println("   (asyncore-tls against the plaintext asyncore echo)");
        }
    }

    /** One server process ({@link ServerMain}), pinned to the server cores when {@code taskset} exists. */
    private static final class ServerProcess implements AutoCloseable {
        private final Process process;
        private final int port;

        private ServerProcess(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static ServerProcess start(String kind, Cores cores) throws IOException {
            List<String> cmd = new ArrayList<>(cores.taskset());
            cmd.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms512m",
                    "-Xmx1g",
                    "-cp",
                    System.getProperty("java.class.path"),
                    ServerMain.class.getName(),
                    kind,
                    "0",
                    "--stdin-control"));
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                p.destroyForcibly();
                throw new IOException("server " + kind + " did not start: " + line);
            }
            ProcStat.drain(out, "drain-" + kind);
            return new ServerProcess(p, Integer.parseInt(line.substring(5).trim()));
        }

        long cpuNanos() {
            return ProcStat.cpuNanos(process.pid());
        }

        long liveHeap() throws IOException, InterruptedException {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            String last = null;
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(jcmd.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("Total")) {
                        last = line;
                    }
                }
            }
            jcmd.waitFor(60, TimeUnit.SECONDS);
            if (last == null) {
                throw new IOException("jcmd printed no Total line");
            }
            return Long.parseLong(last.trim().split("\\s+")[2]);
        }

        @Override
        public void close() throws Exception {
            try (OutputStream in = process.getOutputStream()) {
                in.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException gone) {
                // already ended
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
