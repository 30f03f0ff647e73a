package dev.asyncore.internal.transport;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.asyncore.Accepted;
import dev.asyncore.Dispatcher;

/**
 * A listening socket ({@link ServerSocketChannel}), as {@link Dispatcher#listen(int)} makes it or as a dispatcher is given
 * it. Loop thread.
 *
 * <p>Closing it also removes its UNIX socket file, as Netty does, so that the same path can be bound again; Java leaves
 * the file in place.
 */
public final class ListeningTransport implements Transport {

    private final ServerSocketChannel channel;

    ListeningTransport(ServerSocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public ServerSocketChannel channel() {
        return channel;
    }

    @Override
    public SelectableChannel selectable() {
        return channel;
    }

    /** {@code OP_ACCEPT} while readable; a listener never writes. */
    @Override
    public int interestOps(boolean readable, boolean writable, boolean connecting) {
        return readable ? SelectionKey.OP_ACCEPT : 0;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new NonReadableChannelException();
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    /** Accepts a connection; one whose peer is gone before its address could be read is closed and skipped. */
    @Override
    public Accepted accept() throws IOException {
        SocketChannel conn = channel.accept();
        if (conn == null) {
            return null;
        }
        SocketAddress peer;
        try {
            peer = conn.getRemoteAddress();
        } catch (IOException e) {
            conn.close();
            return null;
        }
        return new Accepted(conn, peer);
    }

    @Override
    public Transport listen(int backlog, ProtocolFamily family, boolean reuseAddr) {
        return this;
    }

    @Override
    public void close() throws IOException {
        Path unixPath = socketFile();
        try {
            channel.close();
        } finally {
            deleteSocketFile(unixPath);
        }
    }

    /** The socket file of an open UNIX-domain listener, which closing it must remove. */
    private Path socketFile() {
        if (channel.isOpen()) {
            try {
                if (channel.getLocalAddress() instanceof UnixDomainSocketAddress unix
                        && !unix.getPath().toString().isEmpty()) {
                    return unix.getPath();
                }
            } catch (IOException ignored) {
                // closed meanwhile: nothing to remove
            }
        }
        return null;
    }

    private static void deleteSocketFile(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // another process may own the path now; leaving a stale file is the JDK's own behaviour
            }
        }
    }
}
