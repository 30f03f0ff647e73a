package dev.asyncore.internal.transport;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

import dev.asyncore.DatagramStats;
import dev.asyncore.Dispatcher;
import dev.asyncore.Errno;
import dev.asyncore.internal.DatagramCounter;

/**
 * A datagram socket ({@link DatagramChannel}: UDP over IPv4 or IPv6), as
 * {@link Dispatcher#createSocket(ProtocolFamily, SocketType)} opens it. It is neither listening nor, until
 * {@code connect} fixes its peer, connected: the loop delivers read and write events. Counts its traffic in
 * {@link DatagramStats} when they are attached. A bound socket is known to {@link OwnDatagramSockets} until it closes, so
 * that no server of the process answers it. Loop thread.
 */
public final class DatagramTransport implements Transport {

    private final DatagramChannel channel;
    private DatagramCounter stats;
    /** The address this socket is registered under in {@link OwnDatagramSockets}, or null. */
    private SocketAddress registered;

    DatagramTransport(DatagramChannel channel) {
        this.channel = channel;
        register();
    }

    /** Registers the bound address, once; a socket not bound yet registers when {@link #bind} binds it. */
    private void register() {
        if (registered != null || !channel.isOpen()) {
            return;
        }
        try {
            registered = channel.getLocalAddress();
        } catch (IOException e) {
            return;
        }
        OwnDatagramSockets.register(registered);
    }

    @Override
    public void bind(SocketAddress address) throws IOException {
        channel.bind(address);
        register();
    }

    /**
     * Opens a non-blocking datagram socket of a family.
     *
     * @throws UnsupportedOperationException for {@code UNIX}: Java has no UNIX-domain datagram channel
     * @throws IOException if it cannot be opened; nothing is left open then
     */
    public static DatagramChannel open(ProtocolFamily family) throws IOException {
        if (family == StandardProtocolFamily.UNIX) {
            throw new UnsupportedOperationException(
                    "SOCK_DGRAM needs INET or INET6: Java has no UNIX-domain datagrams");
        }
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /** Counts this socket's traffic through {@code stats} (null: uncounted). Loop thread. */
    public void setStats(DatagramCounter stats) {
        this.stats = stats;
    }

    @Override
    public DatagramChannel channel() {
        return channel;
    }

    @Override
    public SelectableChannel selectable() {
        return channel;
    }

    @Override
    public int interestOps(boolean readable, boolean writable, boolean connecting) {
        return (readable ? SelectionKey.OP_READ : 0) | (writable ? SelectionKey.OP_WRITE : 0);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Receives one datagram into the buffer, from anyone (unconnected) or from the peer (connected), as Python's
     * {@code recv} does on a datagram socket. An empty datagram and no datagram both give 0.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        int before = dst.position();
        return receive(dst) == null ? 0 : dst.position() - before;
    }

    /** Sends the buffer as one datagram to the peer {@code connect} fixed. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        boolean empty = !src.hasRemaining();
        int n = channel.write(src);
        count(n, empty);
        return n;
    }

    /**
     * As {@link Transport#send}, except that sending with no peer fixed throws {@code NotYetConnectedException} (Python:
     * {@code EDESTADDRREQ}) rather than reporting the peer gone.
     */
    @Override
    public int send(ByteBuffer src, boolean connecting) throws IOException {
        try {
            return write(src);
        } catch (IOException e) {
            if (Errno.isDisconnect(e)) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Receives one datagram.
     *
     * @return its sender, or null if none was waiting
     */
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        int before = dst.position();
        SocketAddress from = channel.receive(dst);
        DatagramCounter s = stats;
        if (from != null && s != null) {
            s.received(dst.position() - before);
        }
        return from;
    }

    /**
     * Sends the buffer's remaining bytes as one datagram to an address.
     *
     * @return the bytes sent: all of them, or 0 if the socket had no room
     */
    public int sendTo(ByteBuffer src, SocketAddress target) throws IOException {
        boolean empty = !src.hasRemaining();
        int n = channel.send(src, target);
        count(n, empty);
        return n;
    }

    /** Counts a datagram sent: {@code n} bytes, or an empty datagram (which the channel reports as 0 bytes sent). */
    private void count(int n, boolean empty) {
        DatagramCounter s = stats;
        if ((n > 0 || empty) && s != null) {
            s.sent(n);
        }
    }

    /** Fixes the peer: only its datagrams are received, and {@code send} goes to it. Completes at once. */
    @Override
    public boolean connect(SocketAddress address) throws IOException {
        channel.connect(address);
        return true;
    }

    @Override
    public Transport listen(int backlog, ProtocolFamily family, boolean reuseAddr) {
        throw new IllegalStateException("listen on a datagram socket: " + channel);
    }

    @Override
    public SocketAddress remoteAddress() throws IOException {
        return channel.getRemoteAddress();
    }

    @Override
    public void close() throws IOException {
        SocketAddress r = registered;
        if (r != null) {
            registered = null;
            OwnDatagramSockets.unregister(r);
        }
        channel.close();
    }
}
