package dev.asyncore.internal.transport;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;

import dev.asyncore.Dispatcher;
import dev.asyncore.SocketAddresses;

/**
 * A stream socket ({@link SocketChannel}: TCP or UNIX-domain), as {@link Dispatcher#createSocket} opens it or as a
 * listener accepts it. Loop thread.
 */
public final class StreamTransport implements Transport {

    private final SocketChannel channel;

    StreamTransport(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens a non-blocking stream socket of a family.
     *
     * @throws IOException if it cannot be opened; nothing is left open then
     */
    public static SocketChannel open(ProtocolFamily family) throws IOException {
        SocketChannel channel = SocketChannel.open(family);
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public SelectableChannel selectable() {
        return channel;
    }

    /** {@code OP_CONNECT} while a connect is pending (for either direction), else {@code OP_READ}/{@code OP_WRITE}. */
    @Override
    public int interestOps(boolean readable, boolean writable, boolean connecting) {
        if (connecting && channel.isConnectionPending()) {
            return (readable || writable) ? SelectionKey.OP_CONNECT : 0;
        }
        return (readable ? SelectionKey.OP_READ : 0) | (writable ? SelectionKey.OP_WRITE : 0);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean connect(SocketAddress address) throws IOException {
        return channel.connect(address);
    }

    @Override
    public boolean isConnectionPending() {
        return channel.isConnectionPending();
    }

    @Override
    public boolean finishConnect() throws IOException {
        return channel.finishConnect();
    }

    /**
     * Closes this socket and binds a {@link ServerSocketChannel} of the same family to its local address, with its
     * {@code SO_REUSEPORT} setting. A stale UNIX socket file at that path is removed first, since Java cannot bind over it.
     */
    @Override
    public Transport listen(int backlog, ProtocolFamily family, boolean reuseAddr) throws IOException {
        SocketAddress local = channel.getLocalAddress();
        ProtocolFamily fam = family != null ? family : SocketAddresses.familyOf(local);
        boolean reusePort = reusePort(channel);
        channel.close();
        ServerSocketChannel server = ServerSocketChannel.open(fam);
        try {
            server.configureBlocking(false);
            if (reusePort) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (fam != StandardProtocolFamily.UNIX) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddr);
            } else if (local instanceof UnixDomainSocketAddress unix
                    && !unix.getPath().toString().isEmpty()) {
                Files.deleteIfExists(unix.getPath());
            }
            server.bind(local, backlog);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new ListeningTransport(server);
    }

    /** Whether {@code SO_REUSEPORT} was set on the socket, so that the listening socket that replaces it keeps it. */
    private static boolean reusePort(SocketChannel channel) throws IOException {
        return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)
                && channel.getOption(StandardSocketOptions.SO_REUSEPORT);
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
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
