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
 * UDP echo comparison: the C epoll server with one {@code recvfrom}/{@code sendto} per datagram ({@code c},
 * {@code udp_echo.c}), the C server with {@code recvmmsg}/{@code sendmmsg} ({@code c-mmsg}, {@code udp_mmsg_echo.c}: the
 * limit of one thread), Netty on NIO ({@code netty}) and on its native epoll transport with {@code recvmmsg}
 * ({@code netty-epoll}), and asyncore's {@code DatagramServer}, each in its own process (pinned to {@code --server-cores}
 * with {@code taskset} when available), run alternately for {@code --rounds} rounds. The load: {@code --clients} connected
 * UDP sockets, each keeping {@code --window} datagrams of {@code --size} bytes in flight (a socket whose replies stop for
 * 200 ms is refilled, so lost datagrams do not stall it), from the C client {@code udp_load} ({@code --client c}, the
 * default when compiled: {@code --client-procs} processes, one per {@code --client-cores} core by default) or from one Java
 * thread in this process ({@code --client java}). Reports echoed datagrams per second, the server's CPU utilisation and CPU
 * time per datagram (from {@code /proc/<pid>/stat}), datagrams per second of server CPU, the client's CPU, medians over the
 * rounds, and ratios to {@code c-mmsg} and to {@code netty-epoll}. Main thread.
 *
 * <pre>asyncore-benchmarks/run-udp.sh --rounds 3 --duration 3 --clients 8 --window 8 --size 64</pre>
 */
public final class UdpCompare {

    private static final long STALL_NANOS = 200_000_000L;

    private static final String[] COLUMNS = {"datagrams/s", "srv CPU%", "CPU us/dgram", "dgram/CPU-s", "cli CPU%"};

    private final Options options;
    private final Cores serverCores;
    private final Cores clientCores;
    private final Path loadClient;

    private UdpCompare(Options options) {
        this.options = options;
        this.serverCores = Cores.of(options.string("server-cores", options.string("server-cpu", "1")));
        this.clientCores = Cores.of(options.string("client-cores", "0"));
        Path dir = NativeLoad.directory(options);
        String client = options.string("client", NativeLoad.available(dir, "udp_load") ? "c" : "java");
        this.loadClient = client.equals("c") ? dir.resolve("udp_load") : null;
    }

    /**
     * Runs the comparison. Main thread.
     *
     * @param args {@code --name value} pairs
     * @throws Exception when a server cannot be started
     */
    public static void main(String[] args) throws Exception {
        new UdpCompare(Options.parse(args, 0)).run();
    }

    private int integer(String name, int fallback) {
        return options.integer(name, fallback);
    }

    private void run() throws Exception {
        List<String> servers = List.of(
                options.string("servers", "c,c-mmsg,netty,netty-epoll,asyncore").split(","));
        int rounds = integer("rounds", 3);
        System.out.printf(
                Locale.ROOT,
                "servers %s, %d rounds, %d sockets x window %d x %d B, servers on %s, load client %s on %s, "
                        + "load average %s%n",
                servers,
                rounds,
                integer("clients", 8),
                integer("window", 8),
                integer("size", 64),
                serverCores,
                loadClient == null ? "Java (one thread)" : "C (udp_load, " + clientProcesses() + " processes)",
                clientCores,
                ProcStat.loadAverage());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String server : servers) {
                double[] r = measure(server);
                if (r != null) {
                    results.computeIfAbsent(server, k -> new ArrayList<>()).add(r);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d %-11s %,12.0f datagrams/s  server CPU %3.0f%%, %6.2f us per datagram, "
                                    + "client CPU %3.0f%%%n",
                            round,
                            server,
                            r[0],
                            r[1],
                            r[2],
                            r[4]);
                }
            }
        }
        report(results);
    }

    private void report(Map<String, List<double[]>> results) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        results.forEach((server, rs) -> {
            double[] m = new double[COLUMNS.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = median(rs, i);
            }
            medians.put(server, m);
        });
        double[] limit = medians.get("c-mmsg");
        double[] netty = medians.get("netty-epoll");
        System.out.printf(
                Locale.ROOT,
                "%nMedians (CPU%% of one core, 100 = one core busy; dgram/CPU-s = datagrams per second of server CPU; "
                        + "the ratios are of dgram/CPU-s):%n| %-11s |",
                "server");
        for (String column : COLUMNS) {
            System.out.printf(Locale.ROOT, " %12s |", column);
        }
        System.out.printf(Locale.ROOT, " %12s | %12s |%n", "vs c-mmsg", "vs netty-epoll");
        medians.forEach((server, m) -> {
            System.out.printf(Locale.ROOT, "| %-11s |", server);
            for (int i = 0; i < m.length; i++) {
                System.out.printf(Locale.ROOT, i == 0 || i == 3 ? " %,12.0f |" : " %12.2f |", m[i]);
            }
            System.out.printf(
                    Locale.ROOT,
                    " %12s | %12s |%n",
                    limit == null ? "-" : String.format(Locale.ROOT, "%.2fx", m[3] / limit[3]),
                    netty == null ? "-" : String.format(Locale.ROOT, "%.2fx", m[3] / netty[3]));
        });
    }

    private static double median(List<double[]> rs, int index) {
        double[] v = rs.stream().mapToDouble(r -> r[index]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One run of one server: the {@link #COLUMNS}; null if it cannot run. */
    private double[] measure(String server) throws Exception {
        List<String> command = new ArrayList<>(serverCores.taskset());
        if (server.equals("c") || server.equals("c-mmsg")) {
            String binary = server.equals("c")
                    ? options.string("c-binary", "asyncore-benchmarks/target/udp_echo")
                    : NativeLoad.directory(options).resolve("udp_mmsg_echo").toString();
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
            ProcStat.drain(out, "drain-" + server);
            if (loadClient != null) {
                return nativeLoad(port, process.pid());
            }
            load(port, integer("warmup", 1));
            long cpuBefore = ProcStat.cpuNanos(process.pid());
            long clientBefore = ProcStat.cpuNanos(ProcessHandle.current().pid());
            long started = System.nanoTime();
            long echoed = load(port, integer("duration", 3));
            long nanos = System.nanoTime() - started;
            long cpuNanos = ProcStat.cpuNanos(process.pid()) - cpuBefore;
            long clientNanos = ProcStat.cpuNanos(ProcessHandle.current().pid()) - clientBefore;
            return new double[] {
                echoed * 1e9 / nanos,
                ProcStat.percent(cpuNanos, nanos),
                cpuNanos / 1e3 / Math.max(1, echoed),
                echoed * 1e9 / Math.max(1, cpuNanos),
                ProcStat.percent(clientNanos, nanos)
            };
        } finally {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** The load from the C client processes, the sockets split over them. */
    private double[] nativeLoad(int port, long serverPid) throws Exception {
        int sockets = integer("clients", 8);
        int processes = Math.min(sockets, clientProcesses());
        long warmupMillis = integer("warmup", 1) * 1000L;
        NativeLoad.Result r = NativeLoad.run(
                loadClient,
                clientCores,
                processes,
                i -> List.of(
                        "127.0.0.1",
                        Integer.toString(port),
                        Integer.toString(NativeLoad.share(sockets, processes, i)),
                        Integer.toString(integer("window", 8)),
                        Integer.toString(integer("size", 64)),
                        Long.toString(warmupMillis),
                        Long.toString(integer("duration", 3) * 1000L)),
                warmupMillis,
                () -> new long[] {ProcStat.cpuNanos(serverPid)},
                60 + integer("warmup", 1) + integer("duration", 3));
        return new double[] {
            r.perSecond("dgrams"),
            r.serverCpuPercent(),
            r.serverCpuPer("dgrams") / 1e3,
            r.total("dgrams") * 1e9 / Math.max(1, r.serverCpuNanos()),
            r.clientCpuPercent()
        };
    }

    private int clientProcesses() {
        return options.integer("client-procs", clientCores.count(1));
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
}
