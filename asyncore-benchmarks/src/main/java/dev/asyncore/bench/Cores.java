package dev.asyncore.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Core layout of a comparison: which CPUs the servers and the load clients run on, given as {@code taskset} core lists
 * ({@code 1}, {@code 2-5}, {@code 0,2,4}) or {@code none} for not pinned, so that the same harness runs on a bigger machine
 * with other lists. Main thread.
 */
final class Cores {
    private final String list;

    private Cores(String list) {
        this.list = list;
    }

    /**
     * Parses a core list; {@code none}, or a machine without {@code taskset} or with one CPU, leaves processes unpinned.
     *
     * @param list a taskset core list or {@code none}
     * @return the layout
     */
    static Cores of(String list) {
        String trimmed = list.trim();
        if (trimmed.equals("none") || onlineCpus() < 2 || !hasTaskset()) {
            return new Cores(null);
        }
        if (!trimmed.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
            throw new IllegalArgumentException("not a core list (like 1, 2-5 or 0,2,4, or none): '" + list + "'");
        }
        return new Cores(trimmed);
    }

    /** Whether processes are pinned at all. */
    boolean pinned() {
        return list != null;
    }

    /** The {@code taskset -c LIST} prefix for a child process pinned to all the cores, or nothing. */
    List<String> taskset() {
        return list == null ? List.of() : List.of("taskset", "-c", list);
    }

    /** The {@code taskset -c CORE} prefix for the {@code index}-th of several processes, one core each, round robin. */
    List<String> taskset(int index) {
        if (list == null) {
            return List.of();
        }
        List<Integer> each = each();
        return List.of("taskset", "-c", Integer.toString(each.get(index % each.size())));
    }

    /** The cores one by one (empty when not pinned). */
    List<Integer> each() {
        List<Integer> cores = new ArrayList<>();
        if (list == null) {
            return cores;
        }
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            for (int c = from; c <= to; c++) {
                cores.add(c);
            }
        }
        return cores;
    }

    /** How many cores the list names; {@code fallback} when not pinned. */
    int count(int fallback) {
        return list == null ? fallback : each().size();
    }

    @Override
    public String toString() {
        return list == null ? "not pinned" : "cores " + list;
    }

    private static boolean hasTaskset() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "taskset"))) {
                return true;
            }
        }
        return false;
    }

    /** CPUs of the machine, not just the ones this process may run on (it may be pinned itself). */
    static long onlineCpus() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("processor")).count();
        } catch (IOException | UncheckedIOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
