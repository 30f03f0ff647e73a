package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process from {@code /proc/<pid>/stat} (user + system, all threads), the figure every comparison divides
 * by its unit of work and by the elapsed time (utilisation: 100% is one core busy for the whole interval). Any thread.
 */
final class ProcStat {
    private static final long CLOCK_TICKS = clockTicks();

    private ProcStat() {}

    /**
     * Returns the CPU time the process has used so far.
     *
     * @param pid the process
     * @return nanoseconds of CPU (clock-tick resolution)
     */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1_000_000_000L / CLOCK_TICKS;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    /**
     * Returns CPU time over elapsed time in percent of one core.
     *
     * @param cpuNanos CPU used in the interval
     * @param elapsedNanos the interval
     * @return utilisation, 100 = one core
     */
    static double percent(long cpuNanos, long elapsedNanos) {
        return elapsedNanos <= 0 ? Double.NaN : cpuNanos * 100.0 / elapsedNanos;
    }

    /**
     * Reads and drops the rest of a server's standard output on a daemon thread, so that a server that logs (asyncore
     * reports a reset connection on stdout, as Python's {@code log_info} does) never blocks on a full pipe.
     *
     * @param out the server's standard output, after its {@code PORT} line
     * @param name the thread's name
     */
    static void drain(BufferedReader out, String name) {
        Thread t = new Thread(
                () -> {
                    try {
                        while (out.readLine() != null) {
                            // dropped
                        }
                    } catch (IOException ended) {
                        // the process is gone
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
    }

    /** The load average of the machine, for the header of every table. */
    static String loadAverage() {
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
