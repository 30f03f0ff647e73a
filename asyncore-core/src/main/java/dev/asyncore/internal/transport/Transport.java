package dev.asyncore.internal.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import dev.asyncore.Accepted;
import dev.asyncore.Dispatcher;
import dev.asyncore.Errno;

/**
 * What Python calls a dispatcher's {@code socket}: the object that does the channel work a {@link Dispatcher} delegates to
 * (read, write, accept, connect and its completion, shutdown, close, addresses), and tells the loop which selector interest
 * it needs for the dispatcher's {@code readable()}/{@code writable()}. Loop thread, as the dispatcher that holds it.
 *
 * <p>The dispatcher keeps asyncore's API, state and events, and maps failures to events (a disconnect to
 * {@code handleClose}); a transport only moves bytes and answers for its channel. Kinds: a stream socket
 * ({@link StreamTransport}), a listening socket ({@link ListeningTransport}), a datagram socket
 * ({@link DatagramTransport}), and any other channel such as a file or a
 * pipe ({@link ChannelTransport}). A transport that holds bytes of its own (TLS over a stream keeps decrypted plaintext)
 * says so through {@link #hasBufferedInput()}, and the loop then reads without waiting for the socket.
 *
 * <p>A verb the channel cannot do throws an {@link IllegalStateException} naming it ({@code recv} on a listening
 * channel, {@code accept} on a stream).
 */
public interface Transport {

    /**
     * Wraps a channel in the transport of its kind.
     *
     * @param channel the channel
     * @return a stream, listening, datagram or plain channel transport
     */
    static Transport of(Channel channel) {
        if (channel instanceof SocketChannel stream) {
            return new StreamTransport(stream);
        }
        if (channel instanceof ServerSocketChannel server) {
            return new ListeningTransport(server);
        }
        if (channel instanceof DatagramChannel datagram) {
            return new DatagramTransport(datagram);
        }
        return new ChannelTransport(channel);
    }

    /** The Java channel, as {@link Dispatcher#socket()} gives it. */
    Channel channel();

    /** The channel a selector watches, or null when none can (a file: the loop treats it as always ready). */
    SelectableChannel selectable();

    /**
     * The selector interest ({@code SelectionKey.OP_*}) that serves what the dispatcher wants.
     *
     * @param readable the dispatcher's {@code readable()}
     * @param writable the dispatcher's {@code writable()}
     * @param connecting whether the dispatcher started a connect not yet announced
     * @return the interest ops; 0 for none
     */
    int interestOps(boolean readable, boolean writable, boolean connecting);

    /**
     * Whether a read would give bytes without the channel being readable (plaintext a TLS transport has decrypted and
     * not yet handed out). The loop then dispatches a read at once. Default false.
     *
     * @return true when bytes wait in the transport
     */
    default boolean hasBufferedInput() {
        return false;
    }

    /**
     * Whether the transport holds bytes of its own for the channel (a TLS record the socket did not take whole, a
     * {@code close_notify}). The loop then watches the channel for writing whatever the dispatcher's {@code writable()}
     * says, and calls {@link #flush()} when it can take more. Default false.
     *
     * @return true while bytes of the transport's own wait for the channel
     */
    default boolean hasPendingOutput() {
        return false;
    }

    /**
     * Writes what the channel takes of the transport's own pending bytes ({@link #hasPendingOutput()}). Default: nothing.
     *
     * @throws IOException if the channel fails
     */
    default void flush() throws IOException {}

    /**
     * Does the transport's own work a read event calls for before the dispatcher sees it (a TLS handshake step, or
     * decrypting a record). Default: nothing, the dispatcher reads.
     *
     * @return true if the dispatcher has something to read (bytes or end of stream); false when the event was the
     *     transport's own
     * @throws IOException if the channel fails
     */
    default boolean admitRead() throws IOException {
        return true;
    }

    /**
     * Does the transport's own work a write event calls for before the dispatcher sees it (a TLS handshake step).
     * Default: nothing, the dispatcher writes.
     *
     * @return true if the dispatcher may write now; false when the event was the transport's own
     * @throws IOException if the channel fails
     */
    default boolean admitWrite() throws IOException {
        return true;
    }

    /**
     * Whether the transport failed for good (a TLS handshake refused or timed out, a bad record): the connection is over
     * and the dispatcher is told through {@code handleClose}. Default false.
     *
     * @return true once the transport failed
     */
    default boolean isBroken() {
        return false;
    }

    /** Whether the channel is open. */
    boolean isOpen();

    /**
     * Reads into the buffer, advancing its position.
     *
     * @return the bytes read, 0 if none were ready, -1 at end of stream
     * @throws IOException as the channel's read; {@code NotYetConnectedException} while a connect is pending
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes what the channel takes of the buffer, advancing its position.
     *
     * @return the bytes written, 0 if the channel would block
     * @throws IOException as the channel's write; {@code NotYetConnectedException} while a connect is pending
     */
    int write(ByteBuffer src) throws IOException;

    /**
     * Reads as asyncore's {@code recv} needs it: a disconnect error or end of stream gives -1 (the dispatcher then runs
     * {@code handleClose}); a read that finds a connect pending completes it first, and gives 0 while it is still pending.
     *
     * @param dst the buffer
     * @param connecting whether the dispatcher started a connect not yet announced
     * @return the bytes read, 0 if none were ready, -1 when the peer is gone
     * @throws IOException on any other failure
     */
    default int recv(ByteBuffer dst, boolean connecting) throws IOException {
        try {
            return read(dst);
        } catch (NotYetConnectedException e) {
            if (isConnectionPending() && finishConnect()) {
                return recv(dst, connecting);
            }
            return connecting && isConnectionPending() ? 0 : -1;
        } catch (IOException e) {
            if (Errno.isDisconnect(e)) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Writes as asyncore's {@code send} needs it: a disconnect error gives -1 (the dispatcher then runs
     * {@code handleClose}); a write that finds a connect pending completes it first, and gives 0 while it is still
     * pending.
     *
     * @param src the bytes
     * @param connecting whether the dispatcher started a connect not yet announced
     * @return the bytes written, 0 if the channel would block, -1 when the peer is gone
     * @throws IOException on any other failure
     */
    default int send(ByteBuffer src, boolean connecting) throws IOException {
        try {
            return write(src);
        } catch (NotYetConnectedException e) {
            if (isConnectionPending() && finishConnect()) {
                return send(src, connecting);
            }
            return connecting && isConnectionPending() ? 0 : -1;
        } catch (IOException e) {
            if (Errno.isDisconnect(e)) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Accepts a pending connection.
     *
     * @return the new channel (blocking) and its peer, or null if none was pending or it was gone at once
     * @throws IOException if accepting fails
     */
    default Accepted accept() throws IOException {
        throw new IllegalStateException("accept on a channel that is not listening: " + channel());
    }

    /**
     * Starts connecting.
     *
     * @return true if the connection completed at once
     * @throws IOException if connecting fails at once
     */
    default boolean connect(SocketAddress address) throws IOException {
        throw new IllegalStateException("connect on a channel that is not a stream socket: " + channel());
    }

    /** Whether a connect waits for its completion. */
    default boolean isConnectionPending() {
        return false;
    }

    /**
     * Completes a pending connect.
     *
     * @return true once connected
     * @throws IOException if the connect failed ({@code ConnectException} if refused)
     */
    default boolean finishConnect() throws IOException {
        return true;
    }

    /**
     * Binds the channel to a local address.
     *
     * @throws IOException if binding fails
     */
    default void bind(SocketAddress address) throws IOException {
        if (!(channel() instanceof NetworkChannel network)) {
            throw new IllegalStateException("no socket: call createSocket() first");
        }
        network.bind(address);
    }

    /** Sets {@code SO_REUSEADDR} where the channel supports it; ignores it elsewhere, as Python does. */
    default void setReuseAddr() {
        if (channel() instanceof NetworkChannel network) {
            try {
                network.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // Python swallows OSError here; UNIX-domain channels have no SO_REUSEADDR
            }
        }
    }

    /**
     * Starts listening: the transport that now serves the dispatcher, this one if it listens already.
     *
     * @param backlog the accept backlog
     * @param family the family the dispatcher's socket was created with, or null to take the bound address's
     * @param reuseAddr whether {@code SO_REUSEADDR} was asked for
     * @return the listening transport
     * @throws IOException if the listening channel cannot be bound
     */
    default Transport listen(int backlog, ProtocolFamily family, boolean reuseAddr) throws IOException {
        throw new IllegalStateException("listen on a channel that is not a socket: " + channel());
    }

    /**
     * Shuts the output down: the peer reads end of stream.
     *
     * @throws IOException if the channel fails
     */
    default void shutdownOutput() throws IOException {
        throw new IllegalStateException("shutdown on a channel that is not a stream socket: " + channel());
    }

    /**
     * The peer's address.
     *
     * @return the address, or null if not connected or not a socket
     * @throws IOException if the channel fails
     */
    default SocketAddress remoteAddress() throws IOException {
        return null;
    }

    /**
     * Closes the channel; a second close does nothing.
     *
     * @throws IOException if closing fails
     */
    void close() throws IOException;

    /**
     * Closes a transport, if any, as Python's {@code close} does its socket: a channel closed already or a peer gone is
     * no error. Loop thread.
     *
     * @throws UncheckedIOException if closing fails for another reason
     */
    static void close(Transport t) {
        if (t != null) {
            try {
                t.close();
            } catch (ClosedChannelException ignored) {
                // already closed: Python ignores EBADF
            } catch (IOException e) {
                if (!Errno.isDisconnect(e)) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
