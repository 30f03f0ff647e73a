package dev.asyncore.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.asyncore.SocketAddresses;

/**
 * A connected {@link SocketChannel} held in memory: what the test writes inbound is what the dispatcher reads, and what the
 * dispatcher writes is kept for the test to read. Built by {@link EmbeddedLoop}; never registered with a selector (the
 * embedded loop decides readiness itself, and a real selector refuses it). Confined to the thread that runs its
 * {@code EmbeddedLoop}.
 *
 * <p>The peer's side: {@link #writeInbound} queues bytes, {@link #shutdownInbound()} sends end of stream, {@link #reset()}
 * makes every later read and write fail as a reset connection does, {@link #setWindow(int)} caps how many unread bytes the
 * peer accepts before a write takes no more (a slow reader).
 */
public final class EmbeddedSocketChannel extends SocketChannel {

    private final SocketAddress local;
    private final SocketAddress remote;
    private final Map<SocketOption<?>, Object> options = new HashMap<>();
    private ByteBuffer inbound = ByteBuffer.allocate(256).flip();
    private ByteBuffer outbound = ByteBuffer.allocate(256);
    private boolean inboundEnded;
    private boolean outputShut;
    private boolean inputShut;
    private boolean resetByPeer;
    private int window = Integer.MAX_VALUE;
    private long changes;

    EmbeddedSocketChannel(SocketAddress local, SocketAddress remote) {
        super(SelectorProvider.provider());
        this.local = Objects.requireNonNull(local, "local");
        this.remote = Objects.requireNonNull(remote, "remote");
    }

    /**
     * Queues bytes for the dispatcher to read.
     *
     * @param data the bytes
     */
    public void writeInbound(byte[] data) {
        ensureInbound(data.length);
        inbound.compact().put(data).flip();
    }

    /** The peer shuts its output down: once the queued bytes are read, a read returns end of stream. */
    public void shutdownInbound() {
        inboundEnded = true;
    }

    /** The peer resets the connection: every later read and write fails with "Connection reset by peer". */
    public void reset() {
        resetByPeer = true;
    }

    /**
     * Caps the bytes the dispatcher may have written and the test not yet read; a write past it takes only what fits.
     *
     * @param bytes the cap; {@link Integer#MAX_VALUE} for none (the default)
     */
    public void setWindow(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("window must be 0 or more, was " + bytes);
        }
        this.window = bytes;
    }

    /**
     * Takes every byte the dispatcher wrote so far.
     *
     * @return the bytes, oldest first; empty when there are none
     */
    public byte[] readOutbound() {
        outbound.flip();
        byte[] data = new byte[outbound.remaining()];
        outbound.get(data);
        outbound.clear();
        return data;
    }

    /**
     * The number of bytes written by the dispatcher and not yet read by the test.
     *
     * @return the count
     */
    public int outboundBytes() {
        return outbound.position();
    }

    /**
     * The number of inbound bytes the dispatcher has not read yet.
     *
     * @return the count
     */
    public int inboundBytes() {
        return inbound.remaining();
    }

    /**
     * Whether the dispatcher shut its output down ({@code shutdownOutput}) or closed the channel.
     *
     * @return true once the peer would see end of stream
     */
    public boolean isOutputShutdown() {
        return outputShut || !isOpen();
    }

    /** A count that grows whenever the dispatcher moves a byte, shuts a direction down or closes. */
    long changes() {
        return changes;
    }

    /** Whether a read would return data or end of stream, or fail: what a selector reports as readable. */
    boolean readReady() {
        return isOpen() && (inbound.hasRemaining() || inboundEnded || resetByPeer || inputShut);
    }

    /** Whether a write would take at least one byte, or fail: what a selector reports as writable. */
    boolean writeReady() {
        return isOpen() && (outbound.position() < window || resetByPeer || outputShut);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkOpen();
        if (resetByPeer) {
            throw new IOException("Connection reset by peer");
        }
        if (inputShut) {
            return -1;
        }
        if (!inbound.hasRemaining()) {
            return inboundEnded ? -1 : 0;
        }
        int n = Math.min(dst.remaining(), inbound.remaining());
        ByteBuffer slice = inbound.slice(inbound.position(), n);
        dst.put(slice);
        inbound.position(inbound.position() + n);
        changes += n;
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkOpen();
        if (resetByPeer) {
            throw new IOException("Broken pipe");
        }
        if (outputShut) {
            throw new ClosedChannelException();
        }
        int n = (int) Math.min(src.remaining(), Math.max(0L, (long) window - outbound.position()));
        ensureOutbound(n);
        ByteBuffer part = src.slice(src.position(), n);
        outbound.put(part);
        src.position(src.position() + n);
        changes += n;
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = write(srcs[i]);
            total += n;
            if (srcs[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public SocketChannel bind(SocketAddress address) throws IOException {
        throw new AlreadyBoundException();
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        checkOpen();
        options.put(name, value);
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) throws IOException {
        checkOpen();
        return (T) options.get(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of(
                StandardSocketOptions.SO_KEEPALIVE,
                StandardSocketOptions.SO_LINGER,
                StandardSocketOptions.SO_RCVBUF,
                StandardSocketOptions.SO_SNDBUF,
                StandardSocketOptions.SO_REUSEADDR,
                StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        checkOpen();
        inputShut = true;
        changes++;
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        checkOpen();
        outputShut = true;
        changes++;
        return this;
    }

    /**
     * Not available: an embedded channel has no {@link Socket}.
     *
     * @return never
     */
    @Override
    public Socket socket() {
        throw new UnsupportedOperationException("an embedded channel has no java.net.Socket");
    }

    @Override
    public boolean isConnected() {
        return isOpen();
    }

    @Override
    public boolean isConnectionPending() {
        return false;
    }

    @Override
    public boolean connect(SocketAddress address) throws IOException {
        throw new java.nio.channels.AlreadyConnectedException();
    }

    @Override
    public boolean finishConnect() {
        return true;
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        checkOpen();
        return remote;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        checkOpen();
        return local;
    }

    @Override
    protected void implCloseSelectableChannel() {
        // nothing to release: the buffers stay readable so that a test can see what was sent before the close
        changes++;
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // an in-memory channel never blocks
    }

    @Override
    public String toString() {
        return "EmbeddedSocketChannel[" + (isOpen() ? "open" : "closed") + " local=" + SocketAddresses.describe(local)
                + " remote=" + SocketAddresses.describe(remote) + "]";
    }

    private void checkOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void ensureInbound(int more) {
        if (inbound.capacity() - inbound.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(inbound.capacity() * 2, inbound.remaining() + more));
            bigger.put(inbound).flip();
            inbound = bigger;
        }
    }

    private void ensureOutbound(int more) {
        if (outbound.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(outbound.capacity() * 2, outbound.position() + more));
            outbound.flip();
            bigger.put(outbound);
            outbound = bigger;
        }
    }
}
