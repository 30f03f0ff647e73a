package dev.asyncore.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options; used on the main thread only. */
final class Options {
    private final Map<String, String> values = new HashMap<>();

    static Options parse(String[] args, int from) {
        Options o = new Options();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected an option starting with --, got '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                value = args[++i];
            }
            o.values.put(name, value);
        }
        return o;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " is not an integer: '" + v + "'", e);
        }
    }

    Duration seconds(String name, double fallback) {
        String v = values.get(name);
        double s = fallback;
        if (v != null) {
            try {
                s = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option --" + name + " is not a number of seconds: '" + v + "'", e);
            }
        }
        if (s < 0) {
            throw new IllegalArgumentException("option --" + name + " must not be negative: " + s);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }
}
