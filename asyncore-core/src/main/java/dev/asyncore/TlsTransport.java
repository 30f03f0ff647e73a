package dev.asyncore;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS over a stream socket, through a {@link SSLEngine}: the dispatcher reads and writes plaintext, this transport moves
 * records. Loop thread, as the dispatcher that holds it.
 *
 * <p>The handshake is the transport's own work: while it runs, the selector interest is what the engine needs (read for
 * the peer's flight, write for a flight not yet sent), whatever the dispatcher's {@code readable()}/{@code writable()}
 * say, and socket events go to the transport ({@link #admitRead()}, {@link #admitWrite()}, {@link #flush()}), not to
 * the handler. The engine's delegated tasks (certificate checks, key agreement) run inline on the loop thread: a
 * handshake costs the other channels of the loop its CPU time (several milliseconds per full handshake with a P-256 key),
 * never a blocking wait.
 *
 * <p>Buffers: {@code netIn} holds records read and not yet decrypted, {@code appIn} plaintext not yet handed out,
 * {@code netOut} records not yet written. {@link #write} takes plaintext only while {@code netOut} is empty, so at most
 * one record waits here and the dispatcher's own watermarks bound the output as without TLS. A connection borrows its
 * loop thread's buffers ({@link Scratch}) for each step and keeps buffers of its own only once bytes are left over
 * (a partial record read or written, plaintext its handler did not read yet), and from then on: an idle connection
 * holds no buffer, a busy one allocates nothing per event.
 */
final class TlsTransport implements Transport, TlsStatus {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int RECORD_HEADER = 5;

    private final StreamTransport stream;
    private final SocketChannel channel;
    private final Dispatcher owner;
    private final TlsOptions options;
    private final SSLEngine engine;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int packetSize;
    private final int appSize;
    /** Records read and not yet decrypted (write mode), once a partial record was left over; else null. */
    private ByteBuffer netIn;
    /** Records not yet written (read mode), once one was left over; else null. */
    private ByteBuffer netOut;
    /** Plaintext not yet read (write mode), once some was left over when another connection needed the scratch. */
    private ByteBuffer appIn;
    /** During one step: {@link #netIn} or the scratch's. */
    private ByteBuffer in;

    private boolean handshaking = true;
    private boolean eof;
    private boolean closeNotifyReceived;
    private boolean truncated;
    private boolean outputShut;
    private boolean closeNotifyQueued;
    private boolean tcpOutputShut;
    private Throwable failure;
    private AsyncLoop.Cancellable timer;

    TlsTransport(StreamTransport stream, Dispatcher owner, TlsOptions options, boolean client, String serverName) {
        this.stream = stream;
        this.channel = stream.channel();
        this.owner = owner;
        this.options = options;
        this.engine = options.newEngine(client, serverName, serverName, peerPort(stream));
        SSLSession session = engine.getSession();
        this.packetSize = session.getPacketBufferSize();
        this.appSize = session.getApplicationBufferSize();
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS cannot start: " + e.getMessage(), e);
        }
        startTimer();
    }

    private static int peerPort(StreamTransport stream) {
        try {
            SocketAddress a = stream.remoteAddress();
            return a instanceof java.net.InetSocketAddress inet ? inet.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private void startTimer() {
        Duration timeout = options.handshakeTimeout();
        AsyncLoop loop = owner.map().owner();
        if (!timeout.isZero() && loop != null && !loop.isTerminated()) {
            timer = loop.schedule(this::timedOut, timeout);
        }
    }

    // ------------------------------------------------------------------------------------------------------------------
    // the seam the loop and the dispatcher use

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public SelectableChannel selectable() {
        return channel;
    }

    /** While connecting: as a plain socket. While the handshake runs: what the engine needs. Then: the dispatcher's. */
    @Override
    public int interestOps(boolean readable, boolean writable, boolean connecting) {
        if (connecting && channel.isConnectionPending()) {
            return stream.interestOps(readable, writable, true);
        }
        if (failure != null) {
            return 0;
        }
        if (handshaking) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            boolean read = hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN;
            boolean write = !read || pendingOut();
            return (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
        }
        return (readable ? SelectionKey.OP_READ : 0) | (writable ? SelectionKey.OP_WRITE : 0);
    }

    /** Plaintext decrypted and not yet read, a whole record waiting, or an end of stream not yet told. */
    @Override
    public boolean hasBufferedInput() {
        if (handshaking || failure != null) {
            return false;
        }
        return appBuffered() > 0 || eof || wholeRecordBuffered(netIn);
    }

    private static boolean wholeRecordBuffered(ByteBuffer b) {
        int n = b == null ? 0 : b.position();
        if (n < RECORD_HEADER) {
            return false;
        }
        int length = ((b.get(3) & 0xff) << 8) | (b.get(4) & 0xff);
        return n >= RECORD_HEADER + length;
    }

    /** A record not yet written whole, a {@code close_notify} to send, or a handshake flight to send. */
    @Override
    public boolean hasPendingOutput() {
        if (failure != null) {
            return false;
        }
        return pendingOut()
                || (outputShut && !tcpOutputShut)
                || (handshaking && !channel.isConnectionPending() && needsWrap());
    }

    private boolean needsWrap() {
        HandshakeStatus hs = engine.getHandshakeStatus();
        return hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK;
    }

    @Override
    public void flush() throws IOException {
        if (channel.isConnectionPending()) {
            return;
        }
        if (handshaking) {
            advance();
        } else if (failure == null) {
            flushOwn();
        }
    }

    @Override
    public boolean admitRead() throws IOException {
        if (failure != null) {
            return false;
        }
        if (handshaking) {
            advance();
            // the handler reads at once what came with the last handshake record
            return !handshaking && failure == null && appBuffered() > 0;
        }
        if (appBuffered() == 0 && !eof) {
            fill();
        }
        return appBuffered() > 0 || eof;
    }

    @Override
    public boolean admitWrite() throws IOException {
        if (failure != null) {
            return false;
        }
        if (handshaking) {
            advance();
            return false;
        }
        // The handler writes (or closes from handleWrite) only once the last record has left.
        flushOwn();
        return !pendingOut();
    }

    @Override
    public boolean isBroken() {
        return failure != null;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (channel.isConnectionPending()) {
            throw new NotYetConnectedException();
        }
        if (appBuffered() == 0 && !eof && failure == null) {
            if (handshaking) {
                advance();
            }
            if (!handshaking && failure == null) {
                fill();
            }
        }
        if (appBuffered() > 0) {
            return drain(dst);
        }
        return eof || failure != null ? -1 : 0;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (channel.isConnectionPending()) {
            throw new NotYetConnectedException();
        }
        if (failure != null || outputShut) {
            return -1;
        }
        if (handshaking) {
            advance();
            if (handshaking || failure != null) {
                return failure != null ? -1 : 0;
            }
        }
        int consumed = 0;
        try {
            while (src.hasRemaining() && flushNet()) {
                SSLEngineResult r = wrapAndWrite(src);
                consumed += r.bytesConsumed();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return consumed > 0 ? consumed : -1;
                }
            }
        } catch (SSLException e) {
            fail(e);
            return consumed > 0 ? consumed : -1;
        }
        return consumed;
    }

    @Override
    public boolean connect(SocketAddress address) throws IOException {
        return stream.connect(address);
    }

    @Override
    public boolean isConnectionPending() {
        return stream.isConnectionPending();
    }

    @Override
    public boolean finishConnect() throws IOException {
        return stream.finishConnect();
    }

    /**
     * Sends {@code close_notify} and then shuts the socket's output down: the peer reads a clean end of stream after the
     * last byte. Reading goes on until the peer's own {@code close_notify} or end of stream.
     */
    @Override
    public void shutdownOutput() throws IOException {
        if (outputShut) {
            return;
        }
        outputShut = true;
        engine.closeOutbound();
        flushOwn();
    }

    @Override
    public SocketAddress remoteAddress() throws IOException {
        return stream.remoteAddress();
    }

    /**
     * Sends what is left of the last records and {@code close_notify}, then closes the socket. What the socket does not
     * take at once is written by a {@link TlsLinger} in the same map (bounded by the handshake timeout, or 10 seconds)
     * when an {@link AsyncLoop} runs it and this is its thread; otherwise it is dropped.
     */
    @Override
    public void close() throws IOException {
        cancelTimer();
        try {
            if (failure == null && !handshaking && channel.isOpen() && channel.isConnected() && !tcpOutputShut) {
                if (!outputShut) {
                    outputShut = true;
                    engine.closeOutbound();
                }
                flushOwn();
                if ((pendingOut() || !closeNotifyQueued) && linger()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the close_notify is a courtesy: the socket closes anyway
        }
        releaseScratch();
        channel.close();
    }

    private boolean linger() throws IOException {
        AsyncLoop loop = owner.map().owner();
        if (loop == null || !loop.isRunning() || !loop.inEventLoop()) {
            return false;
        }
        releaseScratch();
        int pending = pendingOut() ? netOut.remaining() : 0;
        ByteBuffer rest = ByteBuffer.allocate(pending + packetSize);
        if (pending > 0) {
            rest.put(netOut);
        }
        if (!closeNotifyQueued) {
            closeNotifyQueued = true;
            engine.wrap(EMPTY, rest);
        }
        rest.flip();
        Duration timeout =
                options.handshakeTimeout().isZero() ? TlsOptions.DEFAULT_HANDSHAKE_TIMEOUT : options.handshakeTimeout();
        new TlsLinger(channel, loop, rest, timeout);
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------------
    // TlsStatus

    @Override
    public SSLSession session() {
        SSLSession hs = handshaking ? engine.getHandshakeSession() : null;
        return hs != null ? hs : engine.getSession();
    }

    @Override
    public boolean isHandshakeComplete() {
        return !handshaking && failure == null;
    }

    @Override
    public boolean isCloseNotifyReceived() {
        return closeNotifyReceived;
    }

    @Override
    public boolean isTruncated() {
        return truncated;
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    // ------------------------------------------------------------------------------------------------------------------
    // the engine's work

    /** Drives the handshake as far as the socket allows; a failure is recorded ({@link #fail}), never thrown. */
    private void advance() {
        if (channel.isConnectionPending() || !channel.isConnected()) {
            return;
        }
        try {
            handshake();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void handshake() throws IOException {
        beginIn();
        try {
            handshakeSteps();
            if (!handshaking && failure == null && in.position() > 0) {
                // The peer's first data came with its last handshake record: decrypt it now, so that no partial
                // record is left over to keep a buffer for.
                fillSteps();
            }
        } finally {
            endIn();
        }
    }

    private void handshakeSteps() throws IOException {
        while (handshaking) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    if (!flushNet()) {
                        return;
                    }
                    SSLEngineResult r = wrapAndWrite(EMPTY);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        flushNet();
                        throw new SSLException("the engine closed during the handshake");
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    flushNet();
                    if (!unwrapHandshake()) {
                        return;
                    }
                }
                default -> handshakeDone();
            }
        }
        flushNet();
    }

    /** One unwrap step of the handshake, reading first when no whole record waits. */
    private boolean unwrapHandshake() throws IOException {
        if (!wholeRecordBuffered(in) && engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP_AGAIN) {
            int n = readSocket();
            if (n < 0) {
                throw new EOFException("the peer closed the connection during the TLS handshake");
            }
            if (n == 0 && !wholeRecordBuffered(in)) {
                return false;
            }
        }
        in.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(in, appTarget());
        } finally {
            in.compact();
        }
        return switch (r.getStatus()) {
            case OK -> true;
            case BUFFER_UNDERFLOW -> readSocket() > 0;
            case BUFFER_OVERFLOW -> false;
            case CLOSED -> throw new SSLException("the peer closed TLS during the handshake");
        };
    }

    private int readSocket() throws IOException {
        if (!in.hasRemaining()) {
            throw new SSLException("TLS record larger than " + in.capacity() + " bytes");
        }
        return channel.read(in);
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void handshakeDone() {
        handshaking = false;
        cancelTimer();
        ServerStats s = owner.trafficStats();
        if (s != null) {
            s.handshakeCompleted();
        }
    }

    /** Decrypts what the socket has until there is plaintext, the socket has no more, or the stream ended. */
    private void fill() throws IOException {
        beginIn();
        try {
            fillSteps();
        } catch (SSLException e) {
            fail(e);
        } finally {
            endIn();
        }
    }

    private void fillSteps() throws IOException {
        while (appBuffered() == 0 && !eof) {
            if (in.position() > 0 && unwrapData()) {
                continue;
            }
            int n = readSocket();
            if (n < 0) {
                endOfStream();
            } else if (n == 0) {
                return;
            }
        }
    }

    /** One unwrap of application data; true if it made progress and may be called again at once. */
    private boolean unwrapData() throws IOException {
        in.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(in, appTarget());
        } finally {
            in.compact();
        }
        switch (r.getStatus()) {
            case CLOSED -> {
                closeNotifyReceived = true;
                eof = true;
                return false;
            }
            case BUFFER_UNDERFLOW, BUFFER_OVERFLOW -> {
                return false;
            }
            default -> {
                HandshakeStatus hs = r.getHandshakeStatus();
                if (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED && !outputShut) {
                    postHandshake();
                }
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
        }
    }

    /**
     * A handshake message after the handshake: TLS 1.3 key updates and tickets are served; a TLS 1.2 renegotiation is
     * refused (a renegotiating peer can make the server spend CPU at will), and counts as a failed handshake.
     */
    private void postHandshake() throws IOException {
        if (!"TLSv1.3".equals(engine.getSession().getProtocol())) {
            handshaking = true;
            throw new SSLException("TLS renegotiation refused");
        }
        HandshakeStatus hs;
        while ((hs = engine.getHandshakeStatus()) == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (flushNet()) {
                wrapAndWrite(EMPTY);
            } else {
                return;
            }
        }
    }

    private void endOfStream() {
        eof = true;
        if (!closeNotifyReceived) {
            truncated = true;
            try {
                engine.closeInbound();
            } catch (SSLException expected) {
                // "closed without close_notify": that is what isTruncated() reports
            }
        }
    }

    private int drain(ByteBuffer dst) {
        ByteBuffer held = appHeld();
        held.flip();
        int n = Math.min(held.remaining(), dst.remaining());
        int limit = held.limit();
        held.limit(held.position() + n);
        dst.put(held);
        held.limit(limit);
        held.compact();
        if (held != appIn && held.position() == 0) {
            SCRATCH.get().appOwner = null;
        }
        return n;
    }

    /** Writes pending records, then the {@code close_notify} and the TCP shutdown once asked for. */
    private void flushOwn() throws IOException {
        if (!flushNet() || !outputShut) {
            return;
        }
        if (!closeNotifyQueued) {
            closeNotifyQueued = true;
            wrapAndWrite(EMPTY);
            if (pendingOut()) {
                return;
            }
        }
        if (!tcpOutputShut && channel.isOpen()) {
            tcpOutputShut = true;
            stream.shutdownOutput();
        }
    }

    /** Writes what the socket takes of the pending records; true once none is left. */
    private boolean flushNet() throws IOException {
        if (netOut == null) {
            return true;
        }
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private boolean pendingOut() {
        return netOut != null && netOut.hasRemaining();
    }

    /**
     * Wraps plaintext (or a handshake or closing message for {@code EMPTY}) into one record and writes what the socket
     * takes; a record the socket did not take whole is kept in {@link #netOut}. Call only when no record is pending.
     */
    private SSLEngineResult wrapAndWrite(ByteBuffer src) throws IOException {
        ByteBuffer out = netOut != null ? netOut : SCRATCH.get().netOut(packetSize);
        out.clear();
        SSLEngineResult r;
        try {
            r = engine.wrap(src, out);
        } finally {
            out.flip();
        }
        try {
            while (out.hasRemaining() && channel.write(out) > 0) {
                // the socket takes more
            }
        } finally {
            if (out != netOut) {
                if (out.hasRemaining()) {
                    netOut = ByteBuffer.allocate(packetSize);
                    netOut.put(out).flip();
                }
                out.clear();
            }
        }
        return r;
    }

    /** Starts a read step: {@link #in} is this connection's partial record, or the thread's empty scratch. */
    private void beginIn() {
        in = netIn != null ? netIn : SCRATCH.get().netIn(packetSize);
    }

    /** Ends a read step: a partial record left in the scratch moves to a buffer of this connection's own. */
    private void endIn() {
        ByteBuffer b = in;
        in = null;
        if (b != null && b != netIn) {
            if (b.position() > 0) {
                netIn = ByteBuffer.allocate(packetSize);
                b.flip();
                netIn.put(b);
            }
            b.clear();
        }
    }

    /** Where this connection's undelivered plaintext is: its own buffer, the scratch it holds, or null. */
    private ByteBuffer appHeld() {
        if (appIn != null) {
            return appIn;
        }
        Scratch s = SCRATCH.get();
        return s.appOwner == this ? s.appIn : null;
    }

    private int appBuffered() {
        ByteBuffer held = appHeld();
        return held == null ? 0 : held.position();
    }

    /** Where to decrypt into: this connection's own buffer, or the scratch (whose other holder moves out first). */
    private ByteBuffer appTarget() {
        if (appIn != null) {
            return appIn;
        }
        Scratch s = SCRATCH.get();
        if (s.appOwner != this) {
            s.evict();
            s.appOwner = this;
        }
        return s.appIn(appSize);
    }

    /** Lets go of the scratch's plaintext on close. */
    private void releaseScratch() {
        Scratch s = SCRATCH.get();
        if (s.appOwner == this) {
            s.appIn.clear();
            s.appOwner = null;
        }
    }

    /**
     * The buffers one loop thread lends its TLS connections for one step. Plaintext decrypted into {@code appIn} stays
     * there, held by its connection, until its handler reads it or another connection needs the buffer; then it moves
     * to a buffer of its holder's own.
     */
    private static final class Scratch {
        private ByteBuffer netIn;
        private ByteBuffer netOut;
        private ByteBuffer appIn;
        private TlsTransport appOwner;

        ByteBuffer netIn(int size) {
            if (netIn == null || netIn.capacity() < size) {
                netIn = ByteBuffer.allocate(size);
            }
            return netIn;
        }

        ByteBuffer netOut(int size) {
            if (netOut == null || netOut.capacity() < size) {
                netOut = ByteBuffer.allocate(size);
            }
            return netOut;
        }

        ByteBuffer appIn(int size) {
            if (appIn == null || appIn.capacity() < size) {
                evict();
                appIn = ByteBuffer.allocate(size);
            }
            return appIn;
        }

        void evict() {
            TlsTransport holder = appOwner;
            if (holder != null && appIn != null && appIn.position() > 0) {
                holder.appIn = ByteBuffer.allocate(holder.appSize);
                appIn.flip();
                holder.appIn.put(appIn);
            }
            if (appIn != null) {
                appIn.clear();
            }
            appOwner = null;
        }
    }

    /**
     * Records a failure: the connection is over. A failure during the handshake (or a renegotiation) is counted as a
     * failed handshake and logged in one line, without a stack trace: hostile or broken peers are expected on an open
     * port. Past a few such lines a minute per server, the rest are counted only ({@link FailureLogLimit}). The engine's
     * alert, if any, is sent if the socket takes it at once.
     */
    private void fail(Throwable e) {
        if (failure != null) {
            return;
        }
        failure = e;
        eof = true;
        cancelTimer();
        if (handshaking) {
            ServerStats s = owner.trafficStats();
            if (s != null) {
                s.handshakeFailed();
            }
            if (s == null
                    || s.handshakeFailureLog.admit(
                            System.nanoTime(),
                            (type, line) -> owner.map().logSink().log(owner, type, line))) {
                owner.logInfo("TLS handshake with " + peer() + " failed: " + describe(e), "info");
            }
        } else {
            owner.logInfo("TLS connection with " + peer() + " failed: " + describe(e), "info");
        }
        try {
            engine.closeOutbound();
            if (flushNet()) {
                wrapAndWrite(EMPTY);
            }
        } catch (IOException | RuntimeException ignored) {
            // the alert is a courtesy
        }
    }

    private void timedOut() {
        timer = null;
        if (!handshaking || failure != null || !channel.isOpen()) {
            return;
        }
        fail(new TimeoutException("TLS handshake not finished within " + options.handshakeTimeout()));
        if (owner.fileno() != null) {
            try {
                owner.handleClose();
            } catch (RuntimeException e) {
                owner.close();
            }
        }
    }

    private void cancelTimer() {
        AsyncLoop.Cancellable t = timer;
        if (t != null) {
            timer = null;
            t.cancel();
        }
    }

    private String peer() {
        try {
            SocketAddress a = owner.addr() != null ? owner.addr() : channel.getRemoteAddress();
            return AbstractDispatcher.describe(a);
        } catch (IOException e) {
            return "a closed peer";
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
