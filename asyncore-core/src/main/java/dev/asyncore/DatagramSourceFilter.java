package dev.asyncore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.asyncore.internal.transport.OwnDatagramSockets;

/**
 * Decides whether a UDP server may answer a datagram's source, and counts in the server's {@link DatagramStats} each
 * datagram it refuses: from a socket of this process ({@link DatagramStats#datagramsDroppedOwnSource()}, the echo loop of a
 * server that would answer itself or a sibling), from port 0, a broadcast or a multicast address
 * ({@link DatagramStats#datagramsDroppedInvalidSource()}: no answer can go there, or it would reach a whole network), and,
 * when a rate is set, from an address past its rate ({@link DatagramStats#datagramsDroppedRateLimited()}). Nothing is
 * logged per datagram. Loop thread (the server's).
 *
 * <p>The rate is a token bucket per source address: {@code rate} datagrams a second, up to {@code burst} at once. The
 * buckets live in a map of at most {@value #MAX_SOURCES} addresses that forgets the least recently seen first, so that a
 * flood from spoofed addresses costs bounded memory (each new address then starts with a full bucket: the read budget and
 * the receive buffer bound such a flood, not the rate).
 *
 * <p>Differs from Python: asyncore answers whatever {@code recvfrom} returns.
 */
public final class DatagramSourceFilter {

    /** The most source addresses whose buckets are kept. */
    public static final int MAX_SOURCES = 16_384;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final DatagramStats stats;
    private final long nanosPerToken;
    private final long burstNanos;
    private final Map<InetAddress, long[]> buckets;

    /**
     * Makes a filter. Any thread; then used on the server's loop thread.
     *
     * @param stats the server's figures, where refused datagrams are counted
     * @param ratePerSecond datagrams a second one source address may send; 0 for no rate limit
     * @param burst datagrams one source may send at once above its rate (at least 1 when a rate is set)
     * @throws IllegalArgumentException if a value is negative, or a rate is set with a burst below 1
     */
    public DatagramSourceFilter(DatagramStats stats, int ratePerSecond, int burst) {
        checkRate(ratePerSecond, burst);
        this.stats = stats;
        this.nanosPerToken = ratePerSecond == 0 ? 0 : Math.max(1, NANOS_PER_SECOND / ratePerSecond);
        this.burstNanos = nanosPerToken * burst;
        this.buckets = ratePerSecond == 0
                ? Map.of()
                : new LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<InetAddress, long[]> eldest) {
                        return size() > MAX_SOURCES;
                    }
                };
    }

    /**
     * Checks a rate and burst as the constructor does. Any thread.
     *
     * @param ratePerSecond datagrams a second per source address; 0 for no rate limit
     * @param burst datagrams at once above the rate (at least 1 when a rate is set)
     * @throws IllegalArgumentException if a value is negative, or a rate is set with a burst below 1
     */
    public static void checkRate(int ratePerSecond, int burst) {
        if (ratePerSecond < 0 || burst < 0 || (ratePerSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException(
                    "the rate per source must be 0 (none) or more and the burst at least 1, were " + ratePerSecond
                            + " and " + burst);
        }
    }

    /**
     * Whether to hand the datagram to the handler; a refused one is counted. Loop thread.
     *
     * @param source the datagram's sender
     * @param now {@link System#nanoTime()}, read once per read event
     * @return true to answer it
     */
    public boolean admit(SocketAddress source, long now) {
        if (!(source instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return true;
        }
        InetAddress address = inet.getAddress();
        if (inet.getPort() == 0
                || address.isMulticastAddress()
                || address.isAnyLocalAddress()
                || OwnDatagramSockets.isBroadcast(address)) {
            stats.droppedInvalidSource();
            return false;
        }
        if (OwnDatagramSockets.isOwn(inet)) {
            stats.droppedOwnSource();
            return false;
        }
        if (nanosPerToken > 0 && !take(address, now)) {
            stats.droppedRateLimited();
            return false;
        }
        return true;
    }

    /**
     * Takes a token from the source's bucket. The bucket is kept as the time at which it would be full again: a datagram
     * moves it one token later, and it may not run more than the burst ahead of now.
     */
    private boolean take(InetAddress address, long now) {
        long[] full = buckets.get(address);
        if (full == null) {
            buckets.put(address, new long[] {now + nanosPerToken});
            return true;
        }
        long start = full[0] - now < 0 ? now : full[0];
        if (start + nanosPerToken - now > burstNanos) {
            return false;
        }
        full[0] = start + nanosPerToken;
        return true;
    }

    /**
     * Source addresses whose buckets are kept now. Loop thread.
     *
     * @return the count, at most {@link #MAX_SOURCES}
     */
    public int trackedSources() {
        return buckets.size();
    }
}
