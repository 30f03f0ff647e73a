package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One loop against several, side by side in one run: each server kind of {@link LoopsServerMain} ({@code kind:loops}, for
 * example {@code asyncore:1}, {@code asyncore:2}, {@code asyncore-handoff:2}, {@code netty:2}, {@code netty-epoll:2}) is
 * started as its own process on {@code --server-cores} (default {@code none}: unpinned, its loops may use every core),
 * warmed up and measured with the closed-loop echo load, once with the plain echo handler and once with the CPU-heavy
 * handler ({@code --work} xorshift steps per 64-byte message), alternately for several rounds. The load is the C client
 * {@code echo_load} ({@code --client c}, the default when compiled: {@code --client-procs} processes, one per
 * {@code --client-cores} core by default) or {@link LoadGen} in this process ({@code --client java}). {@code --kinds
 * asyncore,netty-epoll --loops 4,8,16} stands for every kind at every loop count. Prints messages per second, the server's
 * CPU utilisation and CPU per message, the medians, and the ratios to the first server and to Netty with as many loops
 * (epoll when it ran, else NIO). Main thread.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.asyncore.bench.LoopsCompare [--servers asyncore:1,asyncore:2,...]
 * [--rounds 3] [--warmup 2] [--duration 4] [--conns 50] [--window 16] [--size 64] [--work 2000] [--server-cores 2-9]
 * [--client-cores 10-15]}.
 */
public final class LoopsCompare {
    private static final String[] HANDLERS = {"echo", "work"};

    private final Options options;
    private final Cores serverCores;
    private final Cores clientCores;
    private final Path loadClient;

    private LoopsCompare(Options options) {
        this.options = options;
        this.serverCores = Cores.of(options.string("server-cores", "none"));
        this.clientCores = Cores.of(options.string("client-cores", "none"));
        Path dir = NativeLoad.directory(options);
        String client = options.string("client", NativeLoad.available(dir, "echo_load") ? "c" : "java");
        this.loadClient = client.equals("c") ? dir.resolve("echo_load") : null;
    }

    /**
     * Runs the comparison. Main thread.
     *
     * @param args options, see the class comment
     * @throws Exception on a failure
     */
    public static void main(String[] args) throws Exception {
        new LoopsCompare(Options.parse(args, 0)).run();
    }

    private void run() throws Exception {
        List<String> servers = servers();
        int rounds = options.integer("rounds", 3);
        System.out.printf(
                Locale.ROOT,
                "servers %s, handlers echo and work (%d xorshift steps per 64 B), %d rounds, warmup %s, duration %s, "
                        + "%d conns x window %d x %d B, %d cpus, servers on %s, load client %s on %s, load average %s%n",
                servers,
                options.integer("work", 2000),
                rounds,
                options.seconds("warmup", 2),
                options.seconds("duration", 4),
                options.integer("conns", 50),
                options.integer("window", 16),
                options.integer("size", 64),
                Cores.onlineCpus(),
                serverCores,
                loadClient == null
                        ? "Java (LoadGen, one thread)"
                        : "C (echo_load, " + clientProcesses() + " processes)",
                clientCores,
                ProcStat.loadAverage());
        Map<String, Map<String, List<double[]>>> results = new LinkedHashMap<>();
        for (String handler : HANDLERS) {
            Map<String, List<double[]>> byServer = new LinkedHashMap<>();
            servers.forEach(s -> byServer.put(s.trim(), new ArrayList<>()));
            results.put(handler, byServer);
        }
        for (int round = 1; round <= rounds; round++) {
            for (String handler : HANDLERS) {
                for (String server : results.get(handler).keySet()) {
                    double[] r = measure(server, handler, round);
                    if (r != null) {
                        results.get(handler).get(server).add(r);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("load average at the end: " + ProcStat.loadAverage()
                + "; server CPU% is of one core (100 = one core busy): N loops saturated read N x 100%");
        results.forEach((handler, byServer) -> print(handler, byServer));
    }

    private double[] measure(String server, String handler, int round) throws Exception {
        String[] kindLoops = server.split(":");
        int work = handler.equals("work") ? options.integer("work", 2000) : 0;
        int conns = options.integer("conns", 50);
        int window = options.integer("window", 16);
        int size = options.integer("size", 64);
        Process p = start(kindLoops[0], kindLoops.length > 1 ? kindLoops[1] : "1", work);
        try {
            int port = readPort(p);
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
            LoadGen.echo(addr, conns, window, size, Duration.ZERO, options.seconds("warmup", 2), null);
            double[] r = loadClient == null
                    ? javaLoad(addr, conns, window, size, p)
                    : nativeLoad(port, conns, window, size, p);
            System.out.printf(
                    Locale.ROOT,
                    "round %d %-5s %-20s %,12.0f msg/s  server CPU %,8.0f ns/msg, %4.0f%% of one core%n",
                    round,
                    handler,
                    server,
                    r[0],
                    r[1],
                    r[2]);
            return r;
        } catch (IOException | RuntimeException e) {
            System.out.println("round " + round + " " + handler + " " + server + " FAILED: " + e);
            return null;
        } finally {
            stop(p);
        }
    }

    private Process start(String kind, String loops, int work) throws IOException {
        List<String> cmd = new ArrayList<>(serverCores.taskset());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(options.string("server-jvm", "-Xms256m -Xmx1g -XX:+UseG1GC")
                .trim()
                .split("\\s+")));
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                LoopsServerMain.class.getName(),
                kind,
                loops,
                Integer.toString(work)));
        return new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static int readPort(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("PORT ")) {
            throw new IOException("server did not print its port; first line: " + line);
        }
        ProcStat.drain(out, "drain-" + p.pid());
        return Integer.parseInt(line.substring(5).trim());
    }

    private static void stop(Process p) throws InterruptedException {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    /** {@code --servers}, or every one of {@code --kinds} at every one of {@code --loops}. */
    private List<String> servers() {
        String loops = options.string("loops", null);
        if (loops == null) {
            return Arrays.asList(options.string(
                            "servers",
                            "asyncore:1,asyncore:2,asyncore-handoff:2,netty:1,netty:2,netty-epoll:1,netty-epoll:2")
                    .split(","));
        }
        List<String> servers = new ArrayList<>();
        for (String n : loops.split(",")) {
            for (String kind :
                    options.string("kinds", "asyncore,netty,netty-epoll").split(",")) {
                servers.add(kind.trim() + ":" + n.trim());
            }
        }
        return servers;
    }

    private int clientProcesses() {
        return options.integer("client-procs", clientCores.count(1));
    }

    /** {msg/s, server CPU ns/msg, server CPU%} with the load of {@link LoadGen}. */
    private double[] javaLoad(InetSocketAddress addr, int conns, int window, int size, Process p) throws IOException {
        LoadGen.EchoResult r =
                LoadGen.echo(addr, conns, window, size, Duration.ofMillis(200), options.seconds("duration", 4), () ->
                        new long[] {ProcStat.cpuNanos(p.pid()), -1});
        return new double[] {
            r.messagesPerSecond(), r.serverCpuPerMessage(), ProcStat.percent(r.serverDelta()[0], r.nanos())
        };
    }

    /** {msg/s, server CPU ns/msg, server CPU%} with the C client processes, the connections split over them. */
    private double[] nativeLoad(int port, int conns, int window, int size, Process p)
            throws IOException, InterruptedException {
        int processes = Math.min(conns, clientProcesses());
        long millis = options.seconds("duration", 4).toMillis();
        NativeLoad.Result r = NativeLoad.run(
                loadClient,
                clientCores,
                processes,
                i -> List.of(
                        "127.0.0.1",
                        Integer.toString(port),
                        Integer.toString(NativeLoad.share(conns, processes, i)),
                        Integer.toString(window),
                        Integer.toString(size),
                        "200",
                        Long.toString(millis)),
                200,
                () -> new long[] {ProcStat.cpuNanos(p.pid())},
                60 + millis / 1000);
        return new double[] {r.perSecond("msgs"), r.serverCpuPer("msgs"), r.serverCpuPercent()};
    }

    private static void print(String handler, Map<String, List<double[]>> byServer) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        byServer.forEach((server, rounds) -> medians.put(server, new double[] {
            median(rounds.stream().mapToDouble(r -> r[0]).sorted().toArray()),
            median(rounds.stream().mapToDouble(r -> r[1]).sorted().toArray()),
            median(rounds.stream().mapToDouble(r -> r[2]).sorted().toArray())
        }));
        String first = medians.keySet().iterator().next();
        System.out.println();
        System.out.println("handler " + handler + ", medians:");
        System.out.println("| server | msg/s | server CPU ns/msg | server CPU% | msg/s vs " + first + " | CPU/msg vs "
                + first + " | Netty with as many loops | msg/s vs it | CPU/msg vs it |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        medians.forEach((server, m) -> {
            String loops = server.contains(":") ? server.substring(server.indexOf(':')) : ":1";
            String peer = medians.containsKey("netty-epoll" + loops) ? "netty-epoll" + loops : "netty" + loops;
            double[] n = medians.get(peer);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %,.0f | %,.0f | %.0f | %.2fx | %.2fx | %s | %s | %s |%n",
                    server,
                    m[0],
                    m[1],
                    m[2],
                    m[0] / medians.get(first)[0],
                    m[1] / medians.get(first)[1],
                    n == null ? "n/a" : peer,
                    n == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", m[0] / n[0]),
                    n == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", m[1] / n[1]));
        });
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
