package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * UDP echo comparison: the C epoll server ({@code udp_echo.c}), Netty's NIO datagram channel and asyncore's
 * {@code DatagramServer}, each in its own process (pinned to {@code --server-cpu} with {@code taskset} when available),
 * run alternately for {@code --rounds} rounds against one load client in this process: {@code --clients} connected UDP
 * sockets, each keeping {@code --window} datagrams of {@code --size} bytes in flight (a socket whose replies stop for 200 ms
 * is refilled, so lost datagrams do not stall it). Reports echoed datagrams per second and the server's CPU time per
 * datagram (from {@code /proc/<pid>/stat}), medians over the rounds, and the ratios to C and to Netty.
 *
 * <pre>asyncore-benchmarks/run-udp.sh --rounds 3 --duration 3 --clients 8 --window 8 --size 64</pre>
 */
public final class UdpCompare {

    private static final long STALL_NANOS = 200_000_000L;

    private final Map<String, String> options;

    private UdpCompare(Map<String, String> options) {
        this.options = options;
    }

    /**
     * Runs the comparison. Main thread.
     *
     * @param args {@code --name value} pairs
     * @throws Exception when a server cannot be started
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new UdpCompare(options).run();
    }

    private int integer(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(fallback)));
    }

    private void run() throws Exception {
        List<String> servers =
                List.of(options.getOrDefault("servers", "c,netty,asyncore").split(","));
        int rounds = integer("rounds", 3);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String server : servers) {
                double[] r = measure(server);
                if (r != null) {
                    results.computeIfAbsent(server, k -> new ArrayList<>()).add(r);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d %-9s %,12.0f datagrams/s  %6.2f us server CPU per datagram%n",
                            round,
                            server,
                            r[0],
                            r[1]);
                }
            }
        }
        report(results);
    }

    private void report(Map<String, List<double[]>> results) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        results.forEach((server, rs) -> medians.put(server, new double[] {median(rs, 0), median(rs, 1)}));
        double[] c = medians.get("c");
        double[] netty = medians.get("netty");
        System.out.printf(
                Locale.ROOT,
                "%n%-9s %14s %14s %10s %12s%n",
                "server",
                "datagrams/s",
                "CPU us/dgram",
                "vs C",
                "vs Netty");
        medians.forEach((server, m) -> System.out.printf(
                Locale.ROOT,
                "%-9s %,14.0f %14.2f %10s %12s%n",
                server,
                m[0],
                m[1],
                c == null ? "-" : String.format(Locale.ROOT, "%.2fx", m[0] / c[0]),
                netty == null ? "-" : String.format(Locale.ROOT, "%.2fx", m[0] / netty[0])));
    }

    private static double median(List<double[]> rs, int index) {
        double[] v = rs.stream().mapToDouble(r -> r[index]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One run of one server: {datagrams per second, server CPU microseconds per datagram}; null if it cannot run. */
    private double[] measure(String server) throws Exception {
        List<String> command = new ArrayList<>();
        String cpu = options.getOrDefault("server-cpu", "1");
        if (Files.isExecutable(Path.of("/usr/bin/taskset"))
                && Runtime.getRuntime().availableProcessors() > 1) {
            command.addAll(List.of("/usr/bin/taskset", "-c", cpu));
        }
        if (server.equals("c")) {
            String binary = options.getOrDefault("c-binary", "asyncore-benchmarks/target/udp_echo");
            if (!Files.isExecutable(Path.of(binary))) {
                System.err.println("no C server at " + binary + ": skipped");
                return null;
            }
            command.add(binary);
        } else {
            String java = ProcessHandle.current().info().command().orElse("java");
            command.addAll(List.of(
                    java,
                    "-Xms256m",
                    "-Xmx512m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    UdpServerMain.class.getName(),
                    server));
        }
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                throw new IOException(server + " server did not start: " + line);
            }
            int port = Integer.parseInt(line.substring(5).trim());
            load(port, integer("warmup", 1));
            long cpuBefore = cpuNanos(process.pid());
            long started = System.nanoTime();
            long echoed = load(port, integer("duration", 3));
            double seconds = (System.nanoTime() - started) / 1e9;
            long cpuNanos = cpuNanos(process.pid()) - cpuBefore;
            return new double[] {echoed / seconds, cpuNanos / 1e3 / Math.max(1, echoed)};
        } finally {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Keeps every client's window full for the duration; the number of echoes received. */
    private long load(int port, int seconds) throws IOException {
        int clients = integer("clients", 8);
        int window = integer("window", 8);
        int size = integer("size", 64);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        DatagramChannel[] channels = new DatagramChannel[clients];
        long[] lastReply = new long[clients];
        ByteBuffer out = ByteBuffer.allocateDirect(size);
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        long echoed = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < clients; i++) {
                channels[i] = DatagramChannel.open();
                channels[i].configureBlocking(false);
                channels[i].connect(server);
                channels[i].register(selector, SelectionKey.OP_READ, i);
                fill(channels[i], out, window);
                lastReply[i] = System.nanoTime();
            }
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            long now;
            while ((now = System.nanoTime()) < deadline) {
                selector.select(50);
                for (SelectionKey key : selector.selectedKeys()) {
                    int i = (Integer) key.attachment();
                    DatagramChannel ch = channels[i];
                    while (true) {
                        in.clear();
                        if (ch.receive(in) == null) {
                            break;
                        }
                        echoed++;
                        out.clear();
                        ch.write(out);
                    }
                    lastReply[i] = now;
                }
                selector.selectedKeys().clear();
                for (int i = 0; i < clients; i++) {
                    if (now - lastReply[i] > STALL_NANOS) {
                        fill(channels[i], out, window);
                        lastReply[i] = now;
                    }
                }
            }
        } finally {
            for (DatagramChannel ch : channels) {
                if (ch != null) {
                    ch.close();
                }
            }
        }
        return echoed;
    }

    private static void fill(DatagramChannel ch, ByteBuffer out, int window) throws IOException {
        for (int w = 0; w < window; w++) {
            out.clear();
            ch.write(out);
        }
    }

    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 1_000_000_000L / 100;
    }
}
