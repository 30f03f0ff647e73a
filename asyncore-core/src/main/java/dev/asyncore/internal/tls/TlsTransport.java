package dev.asyncore.internal.tls;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import dev.asyncore.AsyncLoop;
import dev.asyncore.TlsProvider;
import dev.asyncore.TlsStatus;
import dev.asyncore.internal.TransportOwner;
import dev.asyncore.internal.transport.StreamTransport;
import dev.asyncore.internal.transport.Transport;

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
 * <p>{@link #write} takes plaintext only while no record waits to be written, so the dispatcher's own watermarks bound
 * the output as without TLS. Where bytes wait between steps is {@link TlsBuffers}' concern, what the transport needs
 * from its dispatcher {@link TransportOwner}'s; a server that maps host names to contexts has no engine until
 * {@link HelloStage} makes it.
 */
public final class TlsTransport implements Transport, TlsStatus {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final StreamTransport stream;
    private final SocketChannel channel;
    private final TransportOwner owner;
    private final Duration handshakeTimeout;
    /** For a server that picks its context by name, until the ClientHello made the engine; else null. */
    private final HelloStage hello;

    private SSLEngine engine; // null until the ClientHello named the server (with hello)

    private final TlsBuffers buffers;
    /** During one step: the records read ({@link TlsBuffers#beginIn()}). */
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

    /** A handshake on a fresh engine over a stream socket, reporting to its owner; zero: no timeout. Loop thread. */
    public TlsTransport(StreamTransport stream, TransportOwner owner, SSLEngine engine, Duration handshakeTimeout) {
        this(stream, owner, engine, null, handshakeTimeout);
    }

    /** A server handshake: {@code engines} makes the engine for the hello's name once its ALPN offer fits protocols. */
    public TlsTransport(
            StreamTransport stream,
            TransportOwner owner,
            Function<String, SSLEngine> engines,
            List<String> protocols,
            Duration handshakeTimeout) {
        this(stream, owner, null, new HelloStage(engines, protocols), handshakeTimeout);
    }

    private TlsTransport(
            StreamTransport stream, TransportOwner owner, SSLEngine engine, HelloStage hello, Duration timeout) {
        this.stream = stream;
        this.channel = stream.channel();
        this.owner = owner;
        this.handshakeTimeout = timeout;
        this.engine = engine;
        this.hello = hello;
        this.buffers = engine == null
                ? new TlsBuffers(channel, null, HelloStage.HELLO_BUFFER, HelloStage.HELLO_BUFFER)
                : TlsEngineSteps.begin(channel, engine);
        timer = this.owner.schedule(this::timedOut, timeout);
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
        if (handshaking && engine == null) {
            return SelectionKey.OP_READ;
        }
        if (handshaking) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            boolean read = hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN;
            boolean write = !read || buffers.pendingOut();
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
        return buffers.appBuffered() > 0 || eof || buffers.wholeRecordHeld();
    }

    /** A record not yet written whole, a {@code close_notify} to send, or a handshake flight to send. */
    @Override
    public boolean hasPendingOutput() {
        if (failure != null) {
            return false;
        }
        return buffers.pendingOut()
                || (outputShut && !tcpOutputShut)
                || (handshaking && !channel.isConnectionPending() && needsWrap());
    }

    private boolean needsWrap() {
        if (engine == null) {
            return false;
        }
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
            return !handshaking && failure == null && buffers.appBuffered() > 0;
        }
        if (buffers.appBuffered() == 0 && !eof) {
            fill();
        }
        return buffers.appBuffered() > 0 || eof;
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
        return !buffers.pendingOut();
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
        if (buffers.appBuffered() == 0 && !eof && failure == null) {
            if (handshaking) {
                advance();
            }
            if (!handshaking && failure == null) {
                fill();
            }
        }
        if (buffers.appBuffered() > 0) {
            return buffers.drain(dst);
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
            while (src.hasRemaining() && buffers.flush()) {
                SSLEngineResult r = buffers.wrapAndWrite(src);
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
        if (engine == null) { // no hello yet: nothing to close in TLS
            tcpOutputShut = true;
            stream.shutdownOutput();
        } else {
            engine.closeOutbound();
            flushOwn();
        }
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
                if ((buffers.pendingOut() || !closeNotifyQueued)
                        && TlsLinger.start(owner.loop(), buffers, !closeNotifyQueued, handshakeTimeout)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the close_notify is a courtesy: the socket closes anyway
        }
        buffers.releaseScratch();
        channel.close();
    }

    // ------------------------------------------------------------------------------------------------------------------
    // TlsStatus

    /** The engine's session, or null on a server still waiting for the ClientHello that names the server. */
    @Override
    public SSLSession session() {
        return engine == null ? null : TlsEngineSteps.session(engine, handshaking);
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
    public TlsProvider provider() {
        return engine == null ? null : TlsEngineSteps.provider(engine);
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public String serverName() {
        if (hello != null) {
            return hello.serverName();
        }
        return engine == null ? null : TlsEngineSteps.requestedServerName(engine, session());
    }

    @Override
    public String applicationProtocol() {
        return isHandshakeComplete() ? TlsEngineSteps.applicationProtocol(engine) : null;
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
            if (engine == null && (engine = hello.engine(buffers)) == null) {
                return;
            }
            in = buffers.in();
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
                case NEED_TASK -> TlsEngineSteps.runTasks(engine);
                case NEED_WRAP -> {
                    if (!buffers.flush()) {
                        return;
                    }
                    SSLEngineResult r = buffers.wrapAndWrite(EMPTY);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        buffers.flush();
                        throw new SSLException("the engine closed during the handshake");
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    buffers.flush();
                    if (!unwrapHandshake()) {
                        return;
                    }
                }
                default -> handshakeDone();
            }
        }
        buffers.flush();
    }

    /** One unwrap step of the handshake, reading first when no whole record waits. */
    private boolean unwrapHandshake() throws IOException {
        if (!TlsBuffers.wholeRecordBuffered(in) && engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP_AGAIN) {
            int n = buffers.readSocket();
            if (n < 0) {
                throw new EOFException("the peer closed the connection during the TLS handshake");
            }
            if (n == 0 && !TlsBuffers.wholeRecordBuffered(in)) {
                return false;
            }
        }
        SSLEngineResult r = unwrap();
        return switch (r.getStatus()) {
            case OK -> true;
            case BUFFER_UNDERFLOW -> buffers.readSocket() > 0;
            case BUFFER_OVERFLOW -> false;
            case CLOSED -> throw new SSLException("the peer closed TLS during the handshake");
        };
    }

    private void handshakeDone() {
        handshaking = false;
        cancelTimer();
        owner.handshakeCompleted();
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
        while (buffers.appBuffered() == 0 && !eof) {
            if (in.position() > 0 && unwrapData()) {
                continue;
            }
            int n = buffers.readSocket();
            if (n < 0) {
                endOfStream();
            } else if (n == 0) {
                return;
            }
        }
    }

    /** One unwrap of application data; true if it made progress and may be called again at once. */
    private boolean unwrapData() throws IOException {
        if (TlsEngineSteps.isHandshakeRecord(in)) {
            // only a TLS 1.2 renegotiation comes as a plain handshake record now (TLS 1.3 encrypts key updates and
            // tickets): refused before the engine spends anything on it, alike on every provider
            refuseRenegotiation();
        }
        SSLEngineResult r = unwrap();
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
                    if (!"TLSv1.3".equals(engine.getSession().getProtocol())) {
                        refuseRenegotiation();
                    }
                    TlsEngineSteps.postHandshake(engine, buffers);
                }
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
        }
    }

    /** Refuses a TLS 1.2 renegotiation (a renegotiating peer can make the server spend CPU at will): a failed handshake. */
    private void refuseRenegotiation() throws SSLException {
        handshaking = true;
        throw new SSLException("TLS renegotiation refused");
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

    /** Writes pending records, then the {@code close_notify} and the TCP shutdown once asked for. */
    private void flushOwn() throws IOException {
        if (!buffers.flush() || !outputShut) {
            return;
        }
        if (!closeNotifyQueued) {
            closeNotifyQueued = true;
            buffers.wrapAndWrite(EMPTY);
            if (buffers.pendingOut()) {
                return;
            }
        }
        if (!tcpOutputShut && channel.isOpen()) {
            tcpOutputShut = true;
            stream.shutdownOutput();
        }
    }

    /** Decrypts from the records read ({@link #in}) into the plaintext buffer. */
    private SSLEngineResult unwrap() throws SSLException {
        return TlsEngineSteps.unwrap(engine, in, buffers.appTarget());
    }

    private void beginIn() {
        in = buffers.beginIn();
    }

    private void endIn() {
        in = null;
        buffers.endIn();
    }

    /**
     * Records a failure: the connection is over. It is reported ({@link TransportOwner#failed}), and the engine's alert, if any,
     * is sent if the socket takes it at once.
     */
    private void fail(Throwable e) {
        if (failure != null) {
            return;
        }
        failure = e;
        eof = true;
        cancelTimer();
        owner.failed(handshaking, e, channel);
        if (engine != null) {
            TlsEngineSteps.sendAlert(engine, buffers);
        }
    }

    private void timedOut() {
        timer = null;
        if (!handshaking || failure != null || !channel.isOpen()) {
            return;
        }
        fail(new TimeoutException("TLS handshake not finished within " + handshakeTimeout));
        owner.close();
    }

    private void cancelTimer() {
        AsyncLoop.Cancellable t = timer;
        if (t != null) {
            timer = null;
            t.cancel();
        }
    }
}
