package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs every echo server alternately for several rounds and prints a table of medians and of ratios to the C epoll server
 * and to Netty. Each server is started as its own process (pinned to another core with {@code taskset} when available),
 * warmed up, measured, and stopped again in every round. Everything runs on the main thread.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.asyncore.bench.Compare [--servers c,nio,netty,netty-epoll,asyncore,starter] [--rounds 3]
 * [--warmup 2] [--duration 3] [--idle 10000] ...}; see {@code run.sh} and the README.
 */
public final class Compare {
    private static final String[] METRICS = {
        "64B msg/s",
        "CPU ns/msg",
        "srv CPU%",
        "cli CPU%",
        "alloc B/msg",
        "bulk MB/s",
        "bulk srv%",
        "pp p99 us",
        "connects/s",
        "KiB/idle",
        "open idle ms",
        "idle msg/s",
        "idle/plain"
    };

    private final Options options;
    private final Cores serverCores;
    private final Cores clientCores;
    private final Path loadClient;

    private Compare(Options options) {
        this.options = options;
        this.serverCores = Cores.of(options.string("server-cores", options.string("server-cpu", "1")));
        this.clientCores = Cores.of(options.string("client-cores", "0"));
        Path dir = NativeLoad.directory(options);
        String client = options.string("client", NativeLoad.available(dir, "echo_load") ? "c" : "java");
        this.loadClient = client.equals("c") ? dir.resolve("echo_load") : null;
        if (loadClient != null && !Files.isExecutable(loadClient)) {
            throw new IllegalArgumentException("--client c needs " + loadClient + " (run.sh compiles it with gcc)");
        }
    }

    /**
     * Runs the comparison. Main thread.
     *
     * @param args options, see the class comment
     * @throws Exception on a failure
     */
    public static void main(String[] args) throws Exception {
        new Compare(Options.parse(args, 0)).run();
    }

    private void run() throws Exception {
        int rounds = options.integer("rounds", 3);
        List<String> kinds = new ArrayList<>();
        for (String k : options.string("servers", "c,nio,netty,netty-epoll,asyncore,starter")
                .split(",")) {
            String kind = k.trim();
            String why = unavailable(kind);
            if (why == null) {
                kinds.add(kind);
            } else {
                System.out.println("skipping '" + kind + "': " + why);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "servers %s, %d rounds, warmup %s, duration %s, servers on %s, load client %s on %s (%d processes), "
                        + "%d cpus, load average %s%n",
                kinds,
                rounds,
                options.seconds("warmup", 2),
                options.seconds("duration", 3),
                serverCores,
                loadClient == null ? "Java (LoadGen, one thread)" : "C (echo_load)",
                clientCores,
                clientProcesses(),
                Cores.onlineCpus(),
                ProcStat.loadAverage());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (String kind : kinds) {
            results.put(kind, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (String kind : kinds) {
                double[] r = measure(kind, round);
                results.get(kind).add(r);
            }
        }
        System.out.println();
        System.out.println(
                "load average at the end: " + ProcStat.loadAverage()
                        + " (other work on the machine shows up as noise); srv CPU% and cli CPU% are of one core (100 = one core"
                        + " busy): a server near 100% per loop is server-bound, a client near 100% per process is client-bound");
        CompareTables.print(METRICS, results);
    }

    private String unavailable(String kind) {
        switch (kind) {
            case "c":
                return Files.isExecutable(cBinary())
                        ? null
                        : "no C server binary at " + cBinary() + " (run.sh compiles it with gcc)";
            case "starter":
                return sampleJar() != null
                        ? null
                        : "no sample-app/target/sample-app-*.jar (build it with mvn -pl sample-app -am package)";
            case "asyncore":
                try {
                    Class.forName("dev.asyncore.bench.AsyncoreEchoServer");
                    return null;
                } catch (ClassNotFoundException e) {
                    return "this build has no asyncore echo server class";
                }
            case "baseline":
                String jar = options.string("baseline-jar", "");
                return !jar.isEmpty() && Files.isRegularFile(Path.of(jar))
                        ? null
                        : "no --baseline-jar (a benchmarks.jar built from the commit to compare against)";
            case "nio":
            case "netty":
            case "netty-epoll":
            case "python-loop":
                return null;
            default:
                return "unknown server kind (expected c, nio, netty, netty-epoll, asyncore, baseline, python-loop or starter)";
        }
    }

    private double[] measure(String kind, int round) throws Exception {
        Duration warmup = options.seconds("warmup", 2);
        Duration duration = options.seconds("duration", 3);
        int conns = options.integer("conns", 50);
        int window = options.integer("window", 16);
        int size = options.integer("size", 64);
        double[] r = new double[METRICS.length];
        Arrays.fill(r, Double.NaN);
        try (ServerProcess server = start(kind)) {
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.port);
            // Warm the server (and this client) up on every kind of load it is about to see.
            LoadGen.echo(addr, conns, window, size, Duration.ZERO, warmup, null);
            LoadGen.echo(
                    addr,
                    conns,
                    options.integer("bulk-window", 4),
                    options.integer("bulk-size", 16384),
                    Duration.ZERO,
                    warmup.dividedBy(2),
                    null);

            String small;
            double ppP50;
            if (loadClient == null) {
                long clientCpu = ProcStat.cpuNanos(ProcessHandle.current().pid());
                LoadGen.EchoResult e =
                        LoadGen.echo(addr, conns, window, size, Duration.ofMillis(200), duration, server::probe);
                clientCpu = ProcStat.cpuNanos(ProcessHandle.current().pid()) - clientCpu;
                r[0] = e.messagesPerSecond();
                r[1] = e.serverCpuPerMessage();
                r[2] = ProcStat.percent(e.serverDelta()[0], e.nanos());
                r[3] = ProcStat.percent(clientCpu, e.nanos() + 200_000_000L);
                r[4] = e.serverAllocationPerMessage();
                small = e.toString();
                long cpu0 = server.cpuNanos();
                LoadGen.EchoResult bulk = LoadGen.echo(
                        addr,
                        conns,
                        options.integer("bulk-window", 4),
                        options.integer("bulk-size", 16384),
                        Duration.ofMillis(200),
                        duration,
                        null);
                r[5] = bulk.megabytesPerSecond();
                r[6] = ProcStat.percent(server.cpuNanos() - cpu0, bulk.nanos() + 200_000_000L);
                LoadGen.EchoResult pingPong = LoadGen.echo(
                        addr, options.integer("pp-conns", 1), 1, size, Duration.ofMillis(200), duration, null);
                r[7] = pingPong.latencyMicros(99);
                ppP50 = pingPong.latencyMicros(50);
            } else {
                NativeLoad.Result e = nativeEcho(server, conns, window, size, duration, server::probe);
                r[0] = e.perSecond("msgs");
                r[1] = e.serverCpuPer("msgs");
                r[2] = e.serverCpuPercent();
                r[3] = e.clientCpuPercent();
                r[4] = e.serverAllocationPer("msgs");
                small = String.format(Locale.ROOT, "%,.0f msg/s (C client)", r[0]);
                NativeLoad.Result bulk = nativeEcho(
                        server,
                        conns,
                        options.integer("bulk-window", 4),
                        options.integer("bulk-size", 16384),
                        duration,
                        () -> new long[] {server.cpuNanos()});
                r[5] = bulk.perSecond("bytes") / 1e6;
                r[6] = bulk.serverCpuPercent();
                NativeLoad.Result pingPong = NativeLoad.run(
                        loadClient,
                        clientCores,
                        1,
                        i -> echoArgs(server.port, options.integer("pp-conns", 1), 1, size, duration),
                        200,
                        null,
                        60 + duration.toSeconds());
                r[7] = pingPong.p99Micros();
                ppP50 = pingPong.p50Micros();
            }
            r[8] = ConnectLoad.connectRate(
                    addr, options.integer("connect-concurrency", 8), Duration.ofMillis(200), duration);

            int idleCount = options.integer("idle", 10_000);
            long memBefore = server.memoryBytes();
            try (ConnectLoad.IdleConnections idle =
                    ConnectLoad.openIdle(addr, idleCount, 128, Duration.ofSeconds(120))) {
                r[10] = idle.openNanos() / 1e6;
                long memAfter = server.memoryBytes();
                r[9] = (memAfter - memBefore) / 1024.0 / Math.max(1, idleCount);
                r[11] = loadClient == null
                        ? LoadGen.echo(addr, conns, window, size, Duration.ofMillis(200), duration, null)
                                .messagesPerSecond()
                        : nativeEcho(server, conns, window, size, duration, null)
                                .perSecond("msgs");
                r[12] = r[11] / r[0];
            }
            System.out.printf(
                    Locale.ROOT,
                    "round %d %-8s small %s, server CPU %.0f%%, client CPU %.0f%% | bulk %,.0f MB/s | ping-pong p50 %.1f "
                            + "p99 %.1f us | %,.0f connects/s | %,d idle: %.2f KiB/conn%s, opened in %.0f ms, "
                            + "%,.0f msg/s (%.2fx)%n",
                    round,
                    kind,
                    small,
                    r[2],
                    r[3],
                    r[5],
                    ppP50,
                    r[7],
                    r[8],
                    idleCount,
                    r[9],
                    server.java ? " heap" : " RSS",
                    r[10],
                    r[11],
                    r[12]);
        } catch (IOException | RuntimeException e) {
            System.out.println("round " + round + " " + kind + " FAILED: " + e);
        }
        return r;
    }

    /** The closed-loop echo from the C client processes, the connections split over them. */
    private NativeLoad.Result nativeEcho(
            ServerProcess server, int conns, int window, int size, Duration duration, LoadGen.Probe probe)
            throws IOException, InterruptedException {
        int processes = Math.min(conns, clientProcesses());
        return NativeLoad.run(
                loadClient,
                clientCores,
                processes,
                i -> echoArgs(server.port, NativeLoad.share(conns, processes, i), window, size, duration),
                200,
                probe,
                60 + duration.toSeconds());
    }

    private static List<String> echoArgs(int port, int conns, int window, int size, Duration duration) {
        return List.of(
                "127.0.0.1",
                Integer.toString(port),
                Integer.toString(conns),
                Integer.toString(window),
                Integer.toString(size),
                "200",
                Long.toString(duration.toMillis()));
    }

    /** {@code --client-procs}, by default one per client core. */
    private int clientProcesses() {
        return options.integer("client-procs", clientCores.count(1));
    }

    // ---------------------------------------------------------------------------------------------------- server
    // processes

    private final class ServerProcess implements AutoCloseable {
        final Process process;
        final int port;
        final boolean java;
        final boolean controllable;
        final BlockingQueue<String> replies;

        ServerProcess(Process process, int port, boolean java, boolean controllable, BlockingQueue<String> replies) {
            this.process = process;
            this.port = port;
            this.java = java;
            this.controllable = controllable;
            this.replies = replies;
        }

        /** CPU time and allocated bytes of the server so far (see {@link LoadGen.Probe}). */
        long[] probe() {
            return new long[] {cpuNanos(), allocatedBytes()};
        }

        /** Bytes allocated by the server's live threads so far (ServerMain servers only), else -1. */
        long allocatedBytes() {
            if (!controllable) {
                return -1;
            }
            try {
                replies.clear();
                process.getOutputStream().write("alloc\n".getBytes(StandardCharsets.US_ASCII));
                process.getOutputStream().flush();
                String reply = replies.poll(5, TimeUnit.SECONDS);
                return reply == null
                        ? -1
                        : Long.parseLong(reply.substring("ALLOC ".length()).trim());
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /** CPU time (user + system, all threads) of the server process so far. */
        long cpuNanos() {
            return ProcStat.cpuNanos(process.pid());
        }

        /** Live heap after a full GC for a JVM (jcmd GC.class_histogram), resident set size otherwise. */
        long memoryBytes() throws IOException, InterruptedException {
            long pid = process.pid();
            if (!java) {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
                throw new IOException("no VmRSS in /proc/" + pid + "/status");
            }
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
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
                throw new IOException("jcmd " + pid + " GC.class_histogram printed no Total line");
            }
            String[] f = last.trim().split("\\s+");
            return Long.parseLong(f[2]);
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // the process is gone already
            }
            if (!controllable) {
                process.destroy();
            }
            try {
                if (!process.waitFor(controllable ? 3 : 15, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private ServerProcess start(String kind) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.addAll(serverCores.taskset());
        List<String> jvm = Arrays.asList(options.string("server-jvm", "-Xms256m -Xmx1g -XX:+UseG1GC")
                .trim()
                .split("\\s+"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        switch (kind) {
            case "c" -> {
                cmd.add(cBinary().toString());
                cmd.add("0");
                return launch(cmd, false, -1);
            }
            case "starter" -> {
                int port = freePort();
                cmd.add(java);
                cmd.addAll(jvm);
                cmd.addAll(List.of(
                        "-jar",
                        sampleJar().toString(),
                        "--asyncore.servers.echo.port=" + port,
                        "--server.port=0",
                        "--spring.main.banner-mode=off"));
                // The sample app's chat server must not collide with a previous round (or anything else on the
                // machine).
                String extra = options.string("starter-args", "--asyncore.servers.chat.port=0")
                        .trim();
                if (!extra.isEmpty()) {
                    cmd.addAll(Arrays.asList(extra.split("\\s+")));
                }
                return launch(cmd, true, port);
            }
            default -> {
                // "baseline" is the asyncore server of another build (--baseline-jar), for a before/after in one run.
                boolean baseline = kind.equals("baseline");
                cmd.add(java);
                cmd.addAll(jvm);
                cmd.addAll(List.of(
                        "-cp",
                        baseline ? options.string("baseline-jar", "") : System.getProperty("java.class.path"),
                        ServerMain.class.getName(),
                        baseline ? "asyncore" : kind,
                        "0",
                        "--stdin-control"));
                return launch(cmd, true, -1);
            }
        }
    }

    /** Starts the process; port -1 means "read PORT n from its stdout", else wait until the port accepts connections. */
    private ServerProcess launch(List<String> cmd, boolean java, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int bound = port;
        if (port < 0) {
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                p.destroyForcibly();
                throw new IOException("server " + cmd + " did not print its port; first line: " + line);
            }
            bound = Integer.parseInt(line.substring(5).trim());
        }
        // Keep draining its stdout so that a chatty server never blocks on a full pipe; keep the answers to "alloc".
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Thread drain = new Thread(
                () -> {
                    try {
                        String line;
                        while ((line = out.readLine()) != null) {
                            if (line.startsWith("ALLOC ")) {
                                replies.add(line);
                            }
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                },
                "drain-" + p.pid());
        drain.setDaemon(true);
        drain.start();
        if (port >= 0) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                if (!p.isAlive()) {
                    throw new IOException("server " + cmd + " exited with " + p.exitValue() + " before listening");
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        p.destroyForcibly();
                        throw new IOException("server " + cmd + " did not listen on port " + port + " within 90 s");
                    }
                    Thread.sleep(100);
                }
            }
        }
        return new ServerProcess(p, bound, java, cmd.contains(ServerMain.class.getName()), replies);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path cBinary() {
        return Path.of(options.string("c-binary", "target/epoll_echo"));
    }

    private Path sampleJar() {
        String configured = options.string("sample-jar", null);
        if (configured != null) {
            Path p = Path.of(configured);
            return Files.isRegularFile(p) ? p : null;
        }
        for (String dir : List.of("sample-app/target", "../sample-app/target")) {
            Path d = Path.of(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    Path found = files.filter(f -> {
                                String n = f.getFileName().toString();
                                return n.startsWith("sample-app-")
                                        && n.endsWith(".jar")
                                        && !n.endsWith("-plain.jar")
                                        && !n.endsWith("-sources.jar");
                            })
                            .findFirst()
                            .orElse(null);
                    if (found != null) {
                        return found;
                    }
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
