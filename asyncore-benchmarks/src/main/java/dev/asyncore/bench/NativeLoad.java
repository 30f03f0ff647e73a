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

    /** What the client processes measured together: sums of their counters, the longest interval, the worst p50/p99. */
    record Result(Map<String, Double> sums, double seconds, double p50Micros, double p99Micros) {
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
     * @param timeoutSeconds how long to wait for each
     * @return the summed result
     * @throws IOException when a process fails or prints no result
     * @throws InterruptedException when interrupted while waiting
     */
    static Result run(Path program, Cores cores, int processes, IntFunction<List<String>> args, long timeoutSeconds)
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
            Map<String, Double> sums = new HashMap<>();
            double seconds = 0;
            double p50 = Double.NaN;
            double p99 = Double.NaN;
            for (Process p : started) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException(program.getFileName() + " failed (exit "
                            + (p.isAlive() ? "timeout" : p.exitValue()) + "): " + out.trim());
                }
                Map<String, Double> fields = parse(out, program);
                seconds = Math.max(seconds, fields.getOrDefault("seconds", 0.0));
                p50 = worst(p50, fields.get("p50_us"));
                p99 = worst(p99, fields.get("p99_us"));
                fields.forEach((k, v) -> sums.merge(k, v, Double::sum));
            }
            return new Result(sums, seconds, p50, p99);
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
