package dev.asyncore.internal.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The UDP sockets this process has bound, so that a server can refuse to answer a datagram that one of them sent (or that
 * a spoofer made look so): answering it would make the process talk to itself, the classic echo loop. A datagram socket
 * registers as it is bound and leaves as it closes ({@link DatagramTransport}). Any thread.
 *
 * <p>A source counts as own when a socket of this process is bound to its port and to its address, or to the wildcard
 * ({@code 0.0.0.0}, {@code ::}) while the source's address is one of this machine's (loopback, or an address of an
 * interface as they were when the last socket registered). Looking up a port that no socket of the process holds reads one
 * array element and allocates nothing.
 */
public final class OwnDatagramSockets {

    private static final AtomicIntegerArray PORTS = new AtomicIntegerArray(65536);
    private static final CopyOnWriteArrayList<InetSocketAddress> BOUND = new CopyOnWriteArrayList<>();
    private static volatile Set<InetAddress> localAddresses = Set.of();
    private static volatile Set<InetAddress> broadcastAddresses = Set.of();

    private OwnDatagramSockets() {}

    /** Records a socket bound to this address; a null or non-IP address is ignored. */
    static void register(SocketAddress bound) {
        if (bound instanceof InetSocketAddress inet && inet.getPort() > 0) {
            refreshInterfaces();
            BOUND.add(inet);
            PORTS.incrementAndGet(inet.getPort());
        }
    }

    /** Forgets a socket registered with this address. */
    static void unregister(SocketAddress bound) {
        if (bound instanceof InetSocketAddress inet && inet.getPort() > 0 && BOUND.remove(inet)) {
            PORTS.decrementAndGet(inet.getPort());
        }
    }

    /**
     * Whether a datagram from this source may have come from a socket of this process.
     *
     * @param source the sender
     * @return true if a socket of this process is bound where the source says it is
     */
    public static boolean isOwn(InetSocketAddress source) {
        if (PORTS.get(source.getPort()) == 0) {
            return false;
        }
        InetAddress address = source.getAddress();
        for (InetSocketAddress bound : BOUND) {
            if (bound.getPort() != source.getPort()) {
                continue;
            }
            InetAddress b = bound.getAddress();
            if (b.equals(address) || (b.isAnyLocalAddress() && isLocal(address))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an address is a broadcast address: the limited broadcast {@code 255.255.255.255} or the broadcast address of
     * one of this machine's interfaces.
     *
     * @param address the address
     * @return true if a datagram to it would reach every host of a network
     */
    public static boolean isBroadcast(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 4 && (raw[0] & raw[1] & raw[2] & raw[3]) == (byte) 0xff) {
            return true;
        }
        return broadcastAddresses.contains(address);
    }

    private static boolean isLocal(InetAddress address) {
        return address.isLoopbackAddress() || address.isAnyLocalAddress() || localAddresses.contains(address);
    }

    /** Reads the interfaces' addresses again; a socket binds rarely, so this costs nothing per datagram. */
    private static void refreshInterfaces() {
        Set<InetAddress> local = new HashSet<>();
        Set<InetAddress> broadcast = new HashSet<>();
        try {
            Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
            while (all != null && all.hasMoreElements()) {
                for (InterfaceAddress a : all.nextElement().getInterfaceAddresses()) {
                    local.add(a.getAddress());
                    if (a.getBroadcast() != null) {
                        broadcast.add(a.getBroadcast());
                    }
                }
            }
        } catch (SocketException e) {
            return;
        }
        localAddresses = Set.copyOf(local);
        broadcastAddresses = Set.copyOf(broadcast);
    }
}
