package dev.asyncore.internal.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.WritableByteChannel;

import dev.asyncore.FileWrapper;

/**
 * Any channel that is neither a stream nor a listening socket: a file ({@link FileWrapper}, which no selector can watch,
 * so the loop treats it as always ready, as select and poll report regular files) or a pipe end (selected like a socket).
 * Loop thread.
 */
public final class ChannelTransport implements Transport {

    private final Channel channel;
    private final SelectableChannel selectable;

    ChannelTransport(Channel channel) {
        this.channel = channel;
        this.selectable = channel instanceof SelectableChannel sc ? sc : null;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public SelectableChannel selectable() {
        return selectable;
    }

    /** {@code OP_READ}/{@code OP_WRITE} as wanted, within what the channel supports (a pipe end does one of them). */
    @Override
    public int interestOps(boolean readable, boolean writable, boolean connecting) {
        int ops = (readable ? SelectionKey.OP_READ : 0) | (writable ? SelectionKey.OP_WRITE : 0);
        return selectable == null ? ops : ops & selectable.validOps();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (channel instanceof ReadableByteChannel in) {
            return in.read(dst);
        }
        throw new NonReadableChannelException();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (channel instanceof WritableByteChannel out) {
            return out.write(src);
        }
        throw new NonWritableChannelException();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
