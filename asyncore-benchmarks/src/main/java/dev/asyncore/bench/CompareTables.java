package dev.asyncore.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The tables of {@link Compare}: medians of the rounds, and ratios to the C server and to Netty. Main thread. */
final class CompareTables {
    private CompareTables() {}

    /** Prints the medians of every metric and the ratio tables. */
    static void print(String[] metrics, Map<String, List<double[]>> results) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        results.forEach((kind, rounds) -> {
            double[] m = new double[metrics.length];
            for (int i = 0; i < metrics.length; i++) {
                int metric = i;
                m[i] = median(rounds.stream()
                        .mapToDouble(r -> r[metric])
                        .filter(v -> !Double.isNaN(v))
                        .sorted()
                        .toArray());
            }
            medians.put(kind, m);
        });
        System.out.println();
        System.out.println("Medians of "
                + results.values().stream().mapToInt(List::size).max().orElse(0) + " rounds "
                + "(KiB/idle: live heap after full GC for JVM servers, RSS for c; srv CPU% and cli CPU% in the 64 B phase, "
                + "bulk srv% in the bulk phase, 100 = one core):");
        printTable(metrics, medians, null);
        for (String reference : List.of("c", "netty", "netty-epoll")) {
            double[] ref = medians.get(reference);
            if (ref != null) {
                System.out.println();
                System.out.println("Ratios to " + reference + " (x " + reference
                        + "; higher is better for msg/s, MB/s, connects/s,"
                        + " idle/plain; lower is better for the others):");
                printTable(metrics, medians, ref);
            }
        }
    }

    private static void printTable(String[] metrics, Map<String, double[]> medians, double[] reference) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "| %-11s", "server"));
        StringBuilder rule = new StringBuilder("|------------");
        for (String metric : metrics) {
            header.append(String.format(Locale.ROOT, "| %12s ", metric));
            rule.append("|--------------");
        }
        System.out.println(header.append('|'));
        System.out.println(rule.append('|'));
        medians.forEach((kind, m) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %-11s", kind));
            for (int i = 0; i < metrics.length; i++) {
                double v = reference == null ? m[i] : m[i] / reference[i];
                String cell;
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    cell = "n/a";
                } else if (reference != null) {
                    cell = String.format(Locale.ROOT, "%.2fx", v);
                } else if (Math.abs(v) >= 1000) {
                    cell = String.format(Locale.ROOT, "%,.0f", v);
                } else {
                    cell = String.format(Locale.ROOT, "%.2f", v);
                }
                row.append(String.format(Locale.ROOT, "| %12s ", cell));
            }
            System.out.println(row.append('|'));
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
