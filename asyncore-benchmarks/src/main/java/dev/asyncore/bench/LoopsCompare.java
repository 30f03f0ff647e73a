package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
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
import java.util.concurrent.TimeUnit;

/**
 * One loop against several, side by side in one run: each server kind of {@link LoopsServerMain} ({@code kind:loops}, for
 * example {@code asyncore:1}, {@code asyncore:2}, {@code asyncore-handoff:2}, {@code netty:2}) is started as its own
 * process, unpinned (its loops may use every core), warmed up and measured with the closed-loop echo load of
 * {@link LoadGen}, once with the plain echo handler and once with the CPU-heavy handler ({@code --work} xorshift steps per
 * 64-byte message), alternately for several rounds. Prints messages per second and server CPU per message, the medians, and
 * the ratios to the first server and to {@code netty:2}. Main thread.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.asyncore.bench.LoopsCompare [--servers asyncore:1,asyncore:2,...]
 * [--rounds 3] [--warmup 2] [--duration 4] [--conns 50] [--window 16] [--size 64] [--work 2000]}.
 */
public final class LoopsCompare {
    private static final String[] HANDLERS = {"echo", "work"};

    private final Options options;
    private final long clockTicks = clockTicks();

    private LoopsCompare(Options options) {
        this.options = options;
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
        List<String> servers =
                Arrays.asList(options.string("servers", "asyncore:1,asyncore:2,asyncore-handoff:2,netty:1,netty:2")
                        .split(","));
        int rounds = options.integer("rounds", 3);
        System.out.printf(
                Locale.ROOT,
                "servers %s, handlers echo and work (%d xorshift steps per 64 B), %d rounds, warmup %s, duration %s, "
                        + "%d conns x window %d x %d B, %d cpus, servers and client unpinned, load average %s%n",
                servers,
                options.integer("work", 2000),
                rounds,
                options.seconds("warmup", 2),
                options.seconds("duration", 4),
                options.integer("conns", 50),
                options.integer("window", 16),
                options.integer("size", 64),
                Runtime.getRuntime().availableProcessors(),
                loadAverage());
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
        System.out.println("load average at the end: " + loadAverage());
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
            LoadGen.EchoResult r = LoadGen.echo(
                    addr, conns, window, size, Duration.ofMillis(200), options.seconds("duration", 4), () ->
                            new long[] {cpuNanos(p), -1});
            System.out.printf(
                    Locale.ROOT,
                    "round %d %-5s %-20s %,12.0f msg/s  server CPU %,8.0f ns/msg%n",
                    round,
                    handler,
                    server,
                    r.messagesPerSecond(),
                    r.serverCpuPerMessage());
            return new double[] {r.messagesPerSecond(), r.serverCpuPerMessage()};
        } catch (IOException | RuntimeException e) {
            System.out.println("round " + round + " " + handler + " " + server + " FAILED: " + e);
            return null;
        } finally {
            stop(p);
        }
    }

    private Process start(String kind, String loops, int work) throws IOException {
        List<String> cmd = new ArrayList<>();
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

    private long cpuNanos(Process p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000_000L / clockTicks;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the CPU time of server process " + p.pid(), e);
        }
    }

    private static void print(String handler, Map<String, List<double[]>> byServer) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        byServer.forEach((server, rounds) -> medians.put(server, new double[] {
            median(rounds.stream().mapToDouble(r -> r[0]).sorted().toArray()),
            median(rounds.stream().mapToDouble(r -> r[1]).sorted().toArray())
        }));
        String first = medians.keySet().iterator().next();
        double[] netty2 = medians.get("netty:2");
        System.out.println();
        System.out.println("handler " + handler + ", medians:");
        System.out.println("| server | msg/s | server CPU ns/msg | msg/s vs " + first + " | CPU/msg vs " + first
                + " | msg/s vs netty:2 | CPU/msg vs netty:2 |");
        System.out.println("|---|---|---|---|---|---|---|");
        medians.forEach((server, m) -> System.out.printf(
                Locale.ROOT,
                "| %s | %,.0f | %,.0f | %.2fx | %.2fx | %s | %s |%n",
                server,
                m[0],
                m[1],
                m[0] / medians.get(first)[0],
                m[1] / medians.get(first)[1],
                netty2 == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", m[0] / netty2[0]),
                netty2 == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", m[1] / netty2[1])));
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
