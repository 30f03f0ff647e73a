package dev.asyncore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs one of the C load clients ({@code echo_load}, {@code udp_load}, {@code tls_load}, compiled by {@code run.sh} and
 * {@code run-udp.sh} into {@code target/}) as several processes, the {@code i}-th pinned to the {@code i}-th client core
 * (round robin), and adds up what they print ({@code RESULT key=value ...}). Main thread.
 */
final class NativeLoad {
    private NativeLoad() {}

    /**
     * What the client processes measured together: sums of their counters, the longest interval, the worst p50/p99, and
     * the change of the server's {@link LoadGen.Probe} counters (index 0 its CPU nanoseconds, index 1 its allocated bytes;
     * null without a probe) over the wall time from the end of the clients' warm-up to their end.
     */
    record Result(
            Map<String, Double> sums,
            double seconds,
            double p50Micros,
            double p99Micros,
            long[] serverDelta,
            long serverWallNanos) {
        /** The server's CPU nanoseconds while the clients measured, -1 without a probe. */
        long serverCpuNanos() {
            return serverDelta == null ? -1 : serverDelta[0];
        }

        /** The server's CPU in percent of one core while the clients measured (100 = one core busy). */
        double serverCpuPercent() {
            return serverDelta == null ? Double.NaN : ProcStat.percent(serverDelta[0], serverWallNanos);
        }

        /** The server's CPU nanoseconds per unit of the counter {@code key} (msgs, dgrams, bytes, handshakes). */
        double serverCpuPer(String key) {
            return serverDelta == null ? Double.NaN : serverDelta[0] / Math.max(1.0, total(key));
        }

        /** Bytes the server allocated per unit of the counter {@code key}, NaN where it cannot tell. */
        double serverAllocationPer(String key) {
            return serverDelta == null || serverDelta.length < 2 || serverDelta[1] < 0
                    ? Double.NaN
                    : serverDelta[1] / Math.max(1.0, total(key));
        }

        /** A counter summed over the processes, per second of the measured interval. */
        double perSecond(String key) {
            return sums.getOrDefault(key, 0.0) / seconds;
        }

        /** A counter summed over the processes. */
        double total(String key) {
            return sums.getOrDefault(key, 0.0);
        }

        /** The clients' CPU in the interval, in percent of one core (100 = one core busy). */
        double clientCpuPercent() {
            return total("cpu_ns") / 1e9 / seconds * 100;
        }
    }

    /** The directory holding the compiled C programs: {@code --c-dir}, else next to the C server given, else target/. */
    static Path directory(Options options) {
        String dir = options.string("c-dir", null);
        if (dir != null) {
            return Path.of(dir);
        }
        String server = options.string("c-binary", null);
        Path parent = server == null ? null : Path.of(server).toAbsolutePath().getParent();
        return parent != null ? parent : Path.of("asyncore-benchmarks", "target");
    }

    /** Whether the named program has been compiled (gcc, and for {@code tls_load} libssl-dev, were there). */
    static boolean available(Path dir, String program) {
        return Files.isExecutable(dir.resolve(program));
    }

    /**
     * Starts {@code processes} copies of the program, waits for all of them and adds their results up.
     *
     * @param program the compiled client
     * @param cores where each process runs
     * @param processes how many processes
     * @param args the arguments of the {@code i}-th process
     * @param warmupMillis the warm-up the arguments give the clients: the server's CPU is read after it
     * @param probe the server's counters (CPU nanoseconds, allocated bytes or -1), or null
     * @param timeoutSeconds how long to wait for each
     * @return the summed result
     * @throws IOException when a process fails or prints no result
     * @throws InterruptedException when interrupted while waiting
     */
    static Result run(
            Path program,
            Cores cores,
            int processes,
            IntFunction<List<String>> args,
            long warmupMillis,
            LoadGen.Probe probe,
            long timeoutSeconds)
            throws IOException, InterruptedException {
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                List<String> cmd = new ArrayList<>(cores.taskset(i));
                cmd.add(program.toString());
                cmd.addAll(args.apply(i));
                started.add(new ProcessBuilder(cmd)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start());
            }
            Thread.sleep(warmupMillis);
            long[] before = probe == null ? null : probe.read();
            long wallBefore = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (Process p : started) {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new IOException(program.getFileName() + " did not finish within " + timeoutSeconds + " s");
                }
            }
            long[] delta = null;
            if (probe != null) {
                long[] after = probe.read();
                delta = new long[after.length];
                for (int i = 0; i < after.length; i++) {
                    delta[i] = after[i] < 0 || before[i] < 0 ? -1 : after[i] - before[i];
                }
            }
            long wall = System.nanoTime() - wallBefore;
            Map<String, Double> sums = new HashMap<>();
            double seconds = 0;
            double p50 = Double.NaN;
            double p99 = Double.NaN;
            for (Process p : started) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (p.exitValue() != 0) {
                    throw new IOException(
                            program.getFileName() + " failed (exit " + p.exitValue() + "): " + out.trim());
                }
                Map<String, Double> fields = parse(out, program);
                seconds = Math.max(seconds, fields.getOrDefault("seconds", 0.0));
                p50 = worst(p50, fields.get("p50_us"));
                p99 = worst(p99, fields.get("p99_us"));
                fields.forEach((k, v) -> sums.merge(k, v, Double::sum));
            }
            return new Result(sums, seconds, p50, p99, delta, wall);
        } finally {
            for (Process p : started) {
                p.destroyForcibly();
            }
        }
    }

    /** Splits {@code total} connections over {@code processes}: the share of the {@code i}-th (at least one). */
    static int share(int total, int processes, int i) {
        return Math.max(1, total / processes + (i < total % processes ? 1 : 0));
    }

    private static double worst(double sofar, Double value) {
        if (value == null || value < 0) {
            return sofar;
        }
        return Double.isNaN(sofar) ? value : Math.max(sofar, value);
    }

    private static Map<String, Double> parse(String out, Path program) throws IOException {
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                Map<String, Double> fields = new HashMap<>();
                for (String kv : line.substring(7).trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    fields.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
                }
                return fields;
            }
        }
        throw new IOException(program.getFileName() + " printed no RESULT line: " + out.trim());
    }
}
