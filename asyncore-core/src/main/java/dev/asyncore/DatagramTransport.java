package dev.asyncore;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * A datagram socket ({@link DatagramChannel}: UDP over IPv4 or IPv6), as
 * {@link Dispatcher#createSocket(ProtocolFamily, SocketType)} opens it. It is neither listening nor, until
 * {@code connect} fixes its peer, connected: the loop delivers read and write events. Counts its traffic in
 * {@link DatagramStats} when they are attached. Loop thread.
 */
final class DatagramTransport implements Transport {

    private final DatagramChannel channel;
    private DatagramStats stats;

    DatagramTransport(DatagramChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens a non-blocking datagram socket of a family.
     *
     * @throws UnsupportedOperationException for {@code UNIX}: Java has no UNIX-domain datagram channel
     * @throws IOException if it cannot be opened; nothing is left open then
     */
    static DatagramChannel open(ProtocolFamily family) throws IOException {
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

    void setStats(DatagramStats stats) {
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
        int n = channel.write(src);
        count(n);
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
    SocketAddress receive(ByteBuffer dst) throws IOException {
        int before = dst.position();
        SocketAddress from = channel.receive(dst);
        DatagramStats s = stats;
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
    int sendTo(ByteBuffer src, SocketAddress target) throws IOException {
        int n = channel.send(src, target);
        count(n);
        return n;
    }

    private void count(int n) {
        DatagramStats s = stats;
        if (n > 0 && s != null) {
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
        channel.close();
    }
}
