package dev.asyncore.internal;

import java.util.Objects;
import java.util.function.Function;

import dev.asyncore.DatagramStats;
import dev.asyncore.Offload;
import dev.asyncore.ServerStats;
import dev.asyncore.internal.offload.OffloadRunner;

/**
 * Hands the machinery what the API opens to it without making it public API (the JDK's {@code SharedSecrets}):
 * {@code DispatcherMap} installs the loop's {@link ChannelAccess} here as it initializes, {@code ServerStats} and
 * {@code DatagramStats} the write side of their figures ({@link ServerCounter}, {@link DatagramCounter}), {@code Offload}
 * its machinery ({@link OffloadRunner}). Any thread.
 */
public final class ApiAccess {

    private static volatile ChannelAccess channels;
    private static volatile Function<ServerStats, ServerCounter> serverCounters;
    private static volatile Function<DatagramStats, DatagramCounter> datagramCounters;
    private static volatile Function<Offload, OffloadRunner> offloadRunners;

    private ApiAccess() {}

    /**
     * Installs the loop's access to channels and maps; called once, by {@code DispatcherMap} as it initializes.
     *
     * @param access the accessor
     */
    public static void install(ChannelAccess access) {
        channels = Objects.requireNonNull(access, "access");
    }

    /**
     * What the loop calls on a channel and its map. Any thread.
     *
     * @return the accessor
     */
    public static ChannelAccess channels() {
        ChannelAccess c = channels;
        if (c == null) {
            // no map exists yet: initialize the class that installs the accessor
            try {
                Class.forName("dev.asyncore.DispatcherMap", true, ApiAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            c = channels;
        }
        return c;
    }

    /**
     * Installs how a server's figures are written; called once, by {@code ServerStats} as it initializes.
     *
     * @param counters gives the counter of given figures
     */
    public static void installServer(Function<ServerStats, ServerCounter> counters) {
        serverCounters = Objects.requireNonNull(counters, "counters");
    }

    /**
     * Installs how a datagram socket's figures are written; called once, by {@code DatagramStats} as it initializes.
     *
     * @param counters gives the counter of given figures
     */
    public static void installDatagram(Function<DatagramStats, DatagramCounter> counters) {
        datagramCounters = Objects.requireNonNull(counters, "counters");
    }

    /**
     * The counter that writes a server's figures. Loop thread, as the counting.
     *
     * @param stats the figures (their class has initialized, and installed the accessor, as they were made)
     * @return their counter
     */
    public static ServerCounter counter(ServerStats stats) {
        return serverCounters.apply(stats);
    }

    /**
     * The counter that writes a datagram socket's figures. Loop thread, as the counting.
     *
     * @param stats the figures (their class has initialized, and installed the accessor, as they were made)
     * @return their counter
     */
    public static DatagramCounter counter(DatagramStats stats) {
        return datagramCounters.apply(stats);
    }

    /**
     * Installs how an offload's machinery is found; called once, by {@code Offload} as it initializes.
     *
     * @param runners gives the runner of a given offload
     */
    public static void installOffload(Function<Offload, OffloadRunner> runners) {
        offloadRunners = Objects.requireNonNull(runners, "runners");
    }

    /**
     * The machinery of an offload: its queue, bounds and counting. Any thread.
     *
     * @param offload the offload (its class has initialized, and installed the accessor, as it was built)
     * @return its runner
     */
    public static OffloadRunner runner(Offload offload) {
        return offloadRunners.apply(offload);
    }
}
