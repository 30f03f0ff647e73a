package dev.asyncore;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.Objects;

import dev.asyncore.internal.transport.DatagramTransport;
import dev.asyncore.internal.transport.StreamTransport;
import dev.asyncore.internal.transport.Transport;

/**
 * The machinery behind {@link Dispatcher}'s socket verbs, kept apart so that each verb there reads as a few lines
 * delegating to its transport, as Python's do to {@code self.socket}. Loop thread, as the dispatcher's verbs.
 */
final class SocketVerbs {

    private static final byte[] EMPTY = new byte[0];

    private SocketVerbs() {}

    /** A connect completed at once: runs {@code handleConnectEvent}, its checked exceptions as {@link IOException}. */
    static void connected(Dispatcher d) throws IOException {
        try {
            d.handleConnectEvent();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("handleConnect failed", e);
        }
    }

    /** Makes a freshly opened channel the dispatcher's socket, closing it if that fails. */
    static void adopt(Dispatcher d, ProtocolFamily family, SelectableChannel channel) throws IOException {
        try {
            d.setFamily(family);
            d.setSocket(channel);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Puts a TLS transport over the dispatcher's stream socket. */
    static void installTls(Dispatcher d, TlsOptions options, boolean client, String serverName) {
        Objects.requireNonNull(options, "options");
        if (!(d.transport() instanceof StreamTransport stream)) {
            throw new IllegalStateException(
                    "TLS needs a stream socket that does not speak TLS yet, not " + d.transport());
        }
        d.replaceTransport(options.transport(stream, d, client, serverName));
    }

    /** Sends through the transport, counting the bytes; 0 after {@code handleClose} if the peer is gone. */
    static int send(Dispatcher d, ByteBuffer data) throws IOException {
        int n = d.transport().send(data, d.isConnecting());
        if (n < 0) {
            d.handleClose();
            return 0;
        }
        ServerStats s = d.trafficStats();
        if (s != null) {
            s.sent(n);
        }
        return n;
    }

    /** Receives through the transport, counting the bytes; -1 after {@code handleClose} if the peer is gone. */
    static int recv(Dispatcher d, ByteBuffer dst) throws IOException {
        int n = d.transport().recv(dst, d.isConnecting());
        if (n < 0) {
            d.handleClose();
            return -1;
        }
        ServerStats s = d.trafficStats();
        if (s != null) {
            s.received(n);
        }
        return n;
    }

    /** Python's {@code recv(bufferSize)}: a fresh array of what came, empty at end of stream. */
    static byte[] recvArray(Dispatcher d, int bufferSize) throws IOException {
        if (bufferSize == 0) {
            d.handleClose();
            return EMPTY;
        }
        if (d.transport() instanceof DatagramTransport) {
            Datagram datagram = d.recvfrom(bufferSize);
            if (datagram == null) {
                throw new BlockingIOException();
            }
            return datagram.data();
        }
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        int n = d.recv(buffer);
        if (n == 0) {
            throw new BlockingIOException();
        }
        return n < 0 ? EMPTY : Arrays.copyOf(buffer.array(), n);
    }

    /** Python's {@code recvfrom(bufferSize)}: one datagram in a fresh array, or null if none waited. */
    static Datagram recvfromArray(Dispatcher d, int bufferSize) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        SocketAddress from = d.recvfrom(buffer);
        return from == null ? null : new Datagram(Arrays.copyOf(buffer.array(), buffer.position()), from);
    }

    /** The dispatcher's datagram transport, or an exception naming the verb that needed one. */
    static DatagramTransport datagram(Dispatcher d, String verb) {
        if (d.transport() instanceof DatagramTransport t) {
            return t;
        }
        throw new IllegalStateException(verb + " on a channel that is not a datagram socket: " + d.socket());
    }

    /**
     * Lets the transport do its own work for an event first (a TLS handshake step): false when the event was its own, and
     * {@code handleClose} is called if the transport failed for good.
     */
    static boolean transportAdmits(Dispatcher d, boolean read) throws Exception {
        Transport t = d.transport();
        if (t == null || (read ? t.admitRead() : t.admitWrite())) {
            return true;
        }
        if (t.isBroken() && d.fileno() != null) {
            d.handleClose();
        }
        return false;
    }

    /** The line {@code handleError} logs: Python's "uncaptured python exception" with a condensed trace. */
    static String errorLine(Dispatcher d, Throwable t) {
        String info;
        try {
            info = Asyncore.compactTraceback(t).info();
        } catch (AssertionError e) {
            info = "[]";
        }
        String self;
        try {
            self = d.toString();
        } catch (RuntimeException e) {
            self = "<toString() failed for object at 0x" + Integer.toHexString(System.identityHashCode(d)) + ">";
        }
        return "uncaptured java exception, closing channel " + self + " ("
                + t.getClass().getName() + ":" + t.getMessage() + " " + info + ")";
    }
}
