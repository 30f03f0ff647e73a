package dev.asyncore.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import dev.asyncore.SocketAddresses;

/**
 * The socket rules the servers share, each written once: which socket an address gets (a wildcard, {@code 0.0.0.0} or
 * {@code ::}, one dual-stack IPv6 socket where the machine has IPv6; every other address a socket of its own family),
 * buffer sizes (0 leaves the system's default), the bound address, and how a refused connection is closed. Any thread.
 */
final class ServerSockets {

    private ServerSockets() {}

    /** Opens a socket of a protocol family: a channel, or a dispatcher's {@code createSocket}. */
    @FunctionalInterface
    interface Opener<T> {
        T open(ProtocolFamily family) throws IOException;
    }

    /**
     * Opens a socket for an address: for a wildcard, a dual-stack IPv6 socket, falling back to the address's own family
     * where the machine has no IPv6.
     */
    static <T> T open(SocketAddress address, Opener<T> opener) throws IOException {
        if (address instanceof InetSocketAddress inet
                && inet.getAddress() != null
                && inet.getAddress().isAnyLocalAddress()) {
            try {
                return opener.open(StandardProtocolFamily.INET6);
            } catch (UnsupportedOperationException | IOException noIpv6) {
                // no IPv6 on this machine: all IPv4 interfaces
            }
        }
        return opener.open(SocketAddresses.familyOf(address));
    }

    /**
     * The one {@code localAddress()} contract of the servers: the address a socket is bound to (with the port chosen for
     * port 0), or null before it is bound and once it is closed.
     */
    static SocketAddress boundAddress(Channel channel) {
        try {
            return channel instanceof NetworkChannel nc && nc.isOpen() ? nc.getLocalAddress() : null;
        } catch (IOException closedMeanwhile) {
            return null;
        }
    }

    /** Whether a TCP listening socket for this address can take {@code SO_REUSEPORT} on this platform. */
    static boolean supportsReusePort(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            return false;
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Closes a refused connection with a reset ({@code SO_LINGER} 0), so that it holds no descriptor in TIME_WAIT. */
    static void reset(SocketChannel sock) throws IOException {
        try {
            if (sock.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                sock.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } finally {
            sock.close();
        }
    }

    /** Closes a channel whose connection is given up; closing is all that is left to do with it. */
    static void closeQuietly(SocketChannel sock) {
        try {
            sock.close();
        } catch (IOException ignored) {
            // closing is all that is left to do with it
        }
    }

    /** Sets {@code SO_RCVBUF} and {@code SO_SNDBUF}, each unless 0. */
    static void setBufferSizes(NetworkChannel channel, int receiveBufferSize, int sendBufferSize) throws IOException {
        if (receiveBufferSize > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
        }
        if (sendBufferSize > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferSize);
        }
    }
}
