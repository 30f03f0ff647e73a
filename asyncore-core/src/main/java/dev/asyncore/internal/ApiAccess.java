package dev.asyncore.internal;

import java.util.Objects;

import dev.asyncore.DatagramStats;

/**
 * Hands the machinery the write side of API objects without making it public API (the JDK's {@code SharedSecrets}):
 * each API class installs its accessor here as it initializes. Any thread.
 */
public final class ApiAccess {

    /** What the API's figures open to the machinery. */
    public interface Figures {

        /**
         * The counter a datagram transport or source filter writes these figures through. Any thread.
         *
         * @param stats the figures
         * @return their counter
         */
        DatagramCounter counter(DatagramStats stats);
    }

    private static volatile Figures figures;

    private ApiAccess() {}

    /**
     * Installs the figures' accessor; called once, by {@code DatagramStats} as it initializes.
     *
     * @param accessor the accessor
     */
    public static void install(Figures accessor) {
        figures = Objects.requireNonNull(accessor, "accessor");
    }

    /**
     * The counter that writes these figures. Any thread.
     *
     * @param stats the figures
     * @return their counter
     */
    public static DatagramCounter counter(DatagramStats stats) {
        // an instance exists, so its class has initialized and installed the accessor
        return figures.counter(stats);
    }
}
