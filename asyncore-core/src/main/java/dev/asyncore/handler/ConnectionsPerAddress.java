package dev.asyncore.handler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client IP address, for {@link ServerDispatcher#setMaxConnectionsPerAddress(int)}: one map shared by
 * every loop of a server. An address leaves the map when its count returns to 0, so the map never holds more entries than
 * the server has open connections. Any thread; each call is atomic.
 */
final class ConnectionsPerAddress {

    private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    /**
     * The key a client address is counted under: its IP address; null for an address that is not an IP address (a
     * UNIX-domain peer), which is not counted.
     */
    static InetAddress keyOf(SocketAddress client) {
        return client instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /**
     * Counts one more connection of an address, unless it already has {@code limit}.
     *
     * @return true if counted, false if the address is at its limit
     */
    boolean tryAcquire(InetAddress address, int limit) {
        boolean[] acquired = {false};
        counts.compute(address, (a, n) -> {
            int open = n == null ? 0 : n;
            if (open >= limit) {
                return n;
            }
            acquired[0] = true;
            return open + 1;
        });
        return acquired[0];
    }

    /** Counts one connection of an address fewer; forgets the address at 0. A null address is not counted. */
    void release(InetAddress address) {
        if (address != null) {
            counts.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Open connections of an address. */
    int count(InetAddress address) {
        Integer n = counts.get(address);
        return n == null ? 0 : n;
    }

    /** Addresses with at least one open connection. */
    int addresses() {
        return counts.size();
    }
}
