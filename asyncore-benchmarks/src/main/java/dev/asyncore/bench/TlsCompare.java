package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * TLS echo servers side by side in one run: this project's ({@code asyncore-tls}) and Netty's {@code SslHandler} on the JDK
 * provider ({@code netty-tls}), same certificate (P-256), protocol (TLS 1.3) and cipher ({@code TLS_AES_128_GCM_SHA256}),
 * plus the plaintext asyncore echo ({@code asyncore}) for the cost of TLS. Each server runs as its own process (on CPU 1
 * with {@code taskset} when available); the client is this process, with the JDK's {@code SSLSocket}. Rounds alternate the
 * servers; the table gives medians and the ratio of {@code asyncore-tls} to {@code netty-tls}. Main thread.
 *
 * <p>Figures: bulk echo MB/s (one connection, 64 KiB writes), server CPU ms per MB echoed in that phase, full handshakes
 * per second (sessions invalidated, several client threads), ping-pong p99 of 64-byte messages (one connection), and live
 * heap per idle TLS connection (after a full GC, {@code jcmd GC.class_histogram}) at {@code --idle} connections.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.asyncore.bench.TlsCompare [--rounds 2] [--duration 3] [--idle 2000]
 * [--threads 4] [--servers asyncore-tls,netty-tls,asyncore]}.
 */
public final class TlsCompare {

    private static final String[] METRICS = {"bulk MB/s", "CPU ms/MB", "handshakes/s", "pp p99 us", "KiB/idle"};
    private static final boolean[] HIGHER_IS_BETTER = {true, false, true, false, false};

    private final int rounds;
    private final long durationNanos;
    private final int idle;
    private final int threads;
    private final List<String> servers;
    private final SSLContext client = BenchTls.clientContext();
    private final long clockTicks = clockTicks();

    private TlsCompare(Map<String, String> options) {
        rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        durationNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("duration", "3")));
        idle = Integer.parseInt(options.getOrDefault("idle", "2000"));
        threads = Integer.parseInt(options.getOrDefault("threads", "4"));
        servers = List.of(options.getOrDefault("servers", "asyncore-tls,netty-tls,asyncore")
                .split(","));
    }

    /**
     * Runs the comparison and prints the table.
     *
     * @param args {@code --name value} options, see the class comment
     * @throws Exception when a server cannot be started or measured
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new TlsCompare(options).run();
    }

    private void run() throws Exception {
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String kind : servers) {
                double[] r = measure(kind);
                results.computeIfAbsent(kind, k -> new ArrayList<>()).add(r);
                System.out.printf(Locale.ROOT, "round %d %-13s %s%n", round, kind, Arrays.toString(r));
            }
        }
        print(results);
    }

    private double[] measure(String kind) throws Exception {
        boolean tls = kind.endsWith("-tls");
        try (ServerProcess server = ServerProcess.start(kind)) {
            double[] r = new double[METRICS.length];
            warmUp(server.port, tls);
            long cpuBefore = server.cpuNanos(clockTicks);
            double bytes = bulk(server.port, tls);
            long cpu = server.cpuNanos(clockTicks) - cpuBefore;
            double seconds = durationNanos / 1e9;
            r[0] = bytes / 1e6 / seconds;
            r[1] = cpu / 1e6 / (bytes / 1e6);
            r[2] = tls ? handshakes(server.port) : Double.NaN;
            r[3] = pingPongP99(server.port, tls);
            r[4] = idleKib(server, tls);
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
        System.out.printf(Locale.ROOT, "%-14s", "server");
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
            System.out.printf(Locale.ROOT, "%-14s", kind);
            for (double d : med) {
                System.out.printf(Locale.ROOT, "%14.1f", d);
            }
            System.out.println();
        });
        double[] a = medians.get("asyncore-tls");
        double[] n = medians.get("netty-tls");
        if (a != null && n != null) {
            System.out.printf(Locale.ROOT, "%-14s", "asyncore/netty");
            for (int i = 0; i < METRICS.length; i++) {
                System.out.printf(Locale.ROOT, "%14.2f", a[i] / n[i]);
            }
            System.out.println("   (above 1 is better for MB/s and handshakes/s, below 1 for the others)");
        }
        double[] p = medians.get("asyncore");
        if (a != null && p != null) {
            System.out.printf(Locale.ROOT, "%-14s", "tls/plaintext");
            for (int i = 0; i < METRICS.length; i++) {
                System.out.printf(Locale.ROOT, "%14.2f", a[i] / p[i]);
            }
            System.out.println("   (asyncore-tls against the plaintext asyncore echo)");
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }

    /** One server process ({@link ServerMain}), pinned to CPU 1 when {@code taskset} exists. */
    private static final class ServerProcess implements AutoCloseable {
        private final Process process;
        private final int port;

        private ServerProcess(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static ServerProcess start(String kind) throws IOException {
            List<String> cmd = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/taskset"))
                    && Runtime.getRuntime().availableProcessors() > 1) {
                cmd.addAll(List.of("/usr/bin/taskset", "-c", "1"));
            }
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
            return new ServerProcess(p, Integer.parseInt(line.substring(5).trim()));
        }

        long cpuNanos(long ticks) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long used = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return used * 1_000_000_000L / ticks;
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
