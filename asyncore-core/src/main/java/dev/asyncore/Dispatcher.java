package dev.asyncore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.PortUnreachableException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

import dev.asyncore.internal.transport.DatagramTransport;
import dev.asyncore.internal.transport.StreamTransport;
import dev.asyncore.internal.transport.Transport;

/**
 * A thin wrapper around a non-blocking channel, driven by the loop (Python's {@code asyncore.dispatcher}).
 *
 * <p>Subclass it and override the {@code handle*} events and {@link #readable()}/{@link #writable()}. Every method runs on
 * the thread that runs the loop over this dispatcher's map (the loop thread), unless its Javadoc says otherwise; a
 * dispatcher may be built and set up on another thread before that loop starts. Once an {@link AsyncLoop} runs the
 * map, a dispatcher that joins it is built on the loop thread ({@link AsyncLoop#submit}); building it elsewhere fails
 * with an {@link IllegalStateException}, since the loop could otherwise reach it before its constructor has finished.
 * Handlers may throw anything: the loop hands it to {@link #handleError(Throwable)}, which by default logs it and closes
 * this channel only. A handler whose work blocks (a database, another service) hands it to {@link #executeBlocking} and gets
 * the result back on the loop thread, in order.
 *
 * <p>As Python's dispatcher delegates every socket verb to {@code self.socket}, this class keeps asyncore's API, state and
 * events and delegates its channel work to a transport (a stream socket, a listening socket, a file or a pipe), so that
 * another kind of channel can stand in with every handler unchanged. The loop's bookkeeping for the channel (selection
 * key, interest, ready flags) is the engine's, never this object's.
 *
 * <p>Differs from Python: a Python socket is one object whatever it becomes; Java has {@link SocketChannel} and
 * {@link ServerSocketChannel}. {@link #createSocket()} opens a {@code SocketChannel}; {@link #listen(int)} replaces it with a
 * {@code ServerSocketChannel} bound to the same address. Urgent (out-of-band) data is never reported by Java's selectors, so
 * the loop never calls {@link #handleExpt()}. {@code SO_ERROR} is not readable in Java: a pending error surfaces as an
 * exception from the next read, write or connect completion.
 *
 * <p>A datagram socket ({@link #createSocket(ProtocolFamily, SocketType)} with {@link SocketType#SOCK_DGRAM}) behaves as
 * Python's: it is neither accepting nor connected, so a waiting datagram is {@link #handleRead()} and room to send is
 * {@link #handleWrite()}; {@link #recvfrom(int)} and {@link #sendto(byte[], SocketAddress)} take and give addresses, and
 * {@link #connect(SocketAddress)} fixes the peer (at once, calling {@link #handleConnect()}), after which {@link #recv}
 * and {@link #send} work with it. Differs from Python: an empty datagram is an empty read, never {@link #handleClose()};
 * a socket with no room gives 0 from {@code sendto} instead of raising {@code BlockingIOError}; UNIX-domain datagram
 * sockets do not exist in Java.
 */
public class Dispatcher extends OffloadingDispatcher {

    /** Creates a dispatcher with no socket, for the default map. Any thread. */
    public Dispatcher() {
        this(null, null);
    }

    /**
     * Creates a dispatcher with no socket. Any thread.
     *
     * @param map the map its channel will join; null means {@link Asyncore#defaultMap()}
     */
    public Dispatcher(DispatcherMap map) {
        this(null, map);
    }

    /**
     * Wraps an existing channel (typically one just accepted) and registers it in the default map. Any thread before the
     * map's loop runs, else the loop thread.
     *
     * @param sock the channel; it is switched to non-blocking mode
     */
    public Dispatcher(SelectableChannel sock) {
        this(sock, null);
    }

    /**
     * Wraps an existing channel and registers it in a map: it is connected if it has a peer address.
     *
     * @param sock the channel, or null for none; it is switched to non-blocking mode
     * @param map the map; null means {@link Asyncore#defaultMap()}
     * @throws UncheckedIOException if the channel is closed or cannot be set non-blocking
     */
    public Dispatcher(SelectableChannel sock, DispatcherMap map) {
        super(sock, map);
    }

    // ------------------------------------------------------------------------------------------------------------------
    // socket operations

    /**
     * Opens a non-blocking channel of a family and type and registers it (Python's {@code create_socket(family, type)}):
     * {@link SocketType#SOCK_STREAM} as {@link #createSocket(ProtocolFamily)}, {@link SocketType#SOCK_DGRAM} a UDP
     * {@link DatagramChannel}, unbound and unconnected. Any thread before the map's loop runs, else the loop thread.
     *
     * <p>Differs from Python: {@code SOCK_DGRAM} with {@code UNIX} throws {@link UnsupportedOperationException}, since Java
     * has no UNIX-domain datagram channel.
     *
     * @param family the protocol family
     * @param type the socket type
     * @throws IOException if the channel cannot be opened
     */
    public void createSocket(ProtocolFamily family, SocketType type) throws IOException {
        if (Objects.requireNonNull(type, "type") == SocketType.SOCK_STREAM) {
            createSocket(family);
        } else {
            SocketVerbs.adopt(this, family, DatagramTransport.open(family));
        }
    }

    /**
     * Opens a non-blocking IPv4 TCP channel and registers it (Python's {@code create_socket()}).
     *
     * @throws IOException if the channel cannot be opened
     */
    public void createSocket() throws IOException {
        createSocket(StandardProtocolFamily.INET);
    }

    /**
     * Opens a non-blocking stream channel of a family ({@code INET}, {@code INET6} or {@code UNIX}) and registers it.
     *
     * @param family the protocol family
     * @throws IOException if the channel cannot be opened
     */
    public void createSocket(ProtocolFamily family) throws IOException {
        SocketVerbs.adopt(this, family, StreamTransport.open(family));
    }

    /**
     * Sets {@code SO_REUSEADDR}, ignoring channels that do not support it (Python's {@code set_reuse_addr}).
     *
     * <p>Differs from Python: the value is carried over when {@link #listen(int)} opens the listening channel, since Java's
     * {@code ServerSocketChannel} would otherwise default it to true.
     */
    public void setReuseAddr() {
        setReuseAddrFlag();
        Transport t = transport();
        if (t != null) {
            t.setReuseAddr();
        }
    }

    /**
     * Binds the channel (Python's {@code bind}). {@link #addr()} is set first, even if binding fails.
     *
     * @param address the local address
     * @throws IOException if binding fails (a {@link BindException} when the address is in use)
     */
    public void bind(SocketAddress address) throws IOException {
        setAddr(address);
        Transport t = transport();
        if (t == null) {
            throw new IllegalStateException("no socket: call createSocket() first");
        }
        t.bind(address);
    }

    /**
     * Starts listening (Python's {@code listen}): {@link #isAccepting()} becomes true, even if listening fails.
     *
     * <p>Differs from Python: the channel {@link #createSocket} opened is closed and a {@link ServerSocketChannel} is bound
     * to the same local address with this backlog, under the same file number.
     *
     * @param backlog the accept backlog
     * @throws IOException if the listening channel cannot be bound
     */
    public void listen(int backlog) throws IOException {
        setState(true, isConnected(), isConnecting());
        Transport listening = transport().listen(backlog, family(), reuseAddr());
        if (listening != transport()) {
            replaceTransport(listening);
        }
    }

    /**
     * Starts connecting (Python's {@code connect}). If the connection completes at once (always for UNIX sockets),
     * {@link #handleConnectEvent()} runs inside this call.
     *
     * @param address the remote address
     * @throws IOException if connecting fails at once ({@link #isConnecting()} stays true, as in Python)
     */
    public void connect(SocketAddress address) throws IOException {
        setState(isAccepting(), false, true);
        boolean done = transport().connect(address);
        setAddr(address);
        markDirty();
        if (done) {
            SocketVerbs.connected(this);
        }
    }

    /**
     * Accepts a pending connection (Python's {@code accept}).
     *
     * @return the new channel (in blocking mode) and its peer's address, or null if none was pending
     * @throws IOException if accepting fails
     */
    public Accepted accept() throws IOException {
        return transport().accept();
    }

    /**
     * Starts TLS in server mode on this dispatcher's connected stream socket: from now on {@code recv} gives the peer's
     * plaintext and {@code send} takes plaintext, and the handshake runs on the loop as the peer's flights arrive. Call it
     * before anything is sent or read; for accepted connections, a server's {@code setTls} does it before the handler's
     * constructor runs. Loop thread, or before the loop runs.
     *
     * <p>Differs from Python: {@code ssl.SSLContext.wrap_socket(sock, server_side=True)} returns a new socket; here the
     * dispatcher keeps its identity and its handler code.
     *
     * @param options the context, client authentication and handshake timeout
     * @throws IllegalStateException if the channel is not a stream socket or speaks TLS already
     */
    public void startTlsServer(TlsOptions options) {
        SocketVerbs.installTls(this, options, false, null);
    }

    /**
     * Starts TLS in client mode on this dispatcher's stream socket, connected or connecting: the handshake begins as soon
     * as the TCP connection is up. The server name is sent as SNI (unless it is an IP address) and the server's
     * certificate must match it (host name verification, as HTTPS does); null turns both off, for tests with a
     * self-signed peer only. {@code handleConnect} fires when the TCP connection is up, as it does without TLS (and as
     * Python's asyncore does over a socket wrapped with {@code do_handshake_on_connect=False}); bytes a buffering
     * dispatcher ({@code DispatcherWithSend}, {@code AsyncChat}) sends before the handshake ends wait in its queue, and
     * {@link #tlsStatus()} tells when it is done. Loop thread, or before the loop runs.
     *
     * @param options the context and handshake timeout
     * @param serverName the server's host name, or null for no SNI and no host name verification
     * @throws IllegalStateException if the channel is not a stream socket or speaks TLS already
     */
    public void startTlsClient(TlsOptions options, String serverName) {
        SocketVerbs.installTls(this, options, true, serverName);
    }

    /**
     * What this dispatcher knows of its TLS session. Loop thread.
     *
     * @return the status, or null if the channel does not speak TLS
     */
    public TlsStatus tlsStatus() {
        return transport() instanceof TlsStatus status ? status : null;
    }

    /**
     * Shuts the output down: the peer reads end of stream after the bytes already sent; reading goes on. Over TLS it sends
     * {@code close_notify} first. Loop thread.
     *
     * <p>Differs from Python: Python calls {@code self.socket.shutdown(socket.SHUT_WR)} itself; here the dispatcher does
     * it, so that a TLS transport can end the stream cleanly.
     *
     * @throws IOException if the channel fails
     */
    public void shutdownOutput() throws IOException {
        Transport t = transport();
        if (t == null) {
            throw new IllegalStateException("no socket: call createSocket() first");
        }
        markDirty();
        t.shutdownOutput();
    }

    /**
     * Sends what it can of the array (Python's {@code send}).
     *
     * @param data the bytes
     * @return the number of bytes sent: 0 if the channel would block, or if the peer is gone (then {@link #handleClose()} ran)
     * @throws IOException on any other failure
     */
    public int send(byte[] data) throws IOException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * Sends what it can of the buffer's remaining bytes, advancing its position. Allocation-free.
     *
     * @param data the bytes
     * @return the number of bytes sent: 0 if the channel would block, or if the peer is gone (then {@link #handleClose()} ran)
     * @throws IOException on any other failure
     */
    public int send(ByteBuffer data) throws IOException {
        assert onLoopThread() : "send called off the loop thread of " + this;
        markDirty();
        return SocketVerbs.send(this, data);
    }

    /**
     * Receives up to {@code bufferSize} bytes (Python's {@code recv}). On a datagram socket: one datagram, from anyone or,
     * once {@code connect} fixed a peer, from the peer; an empty datagram gives an empty array.
     *
     * @param bufferSize the most bytes to read; 0 closes the channel and returns nothing, as Python does
     * @return the bytes; empty at end of stream or when the peer is gone (then {@link #handleClose()} ran)
     * @throws BlockingIOException if there was nothing to read after all
     * @throws IOException on any other failure
     */
    public byte[] recv(int bufferSize) throws IOException {
        return SocketVerbs.recvArray(this, bufferSize);
    }

    /**
     * Reads into the buffer, advancing its position. Allocation-free.
     *
     * <p>Differs from {@link #recv(int)}: no data returns 0 instead of throwing. On a datagram socket an empty datagram
     * also gives 0; {@link #recvfrom(ByteBuffer)} tells the two apart.
     *
     * @param dst the buffer
     * @return the number of bytes read; 0 if there was nothing to read; -1 at end of stream or when the peer is gone (then
     *     {@link #handleClose()} ran)
     * @throws IOException on any other failure
     */
    public int recv(ByteBuffer dst) throws IOException {
        assert onLoopThread() : "recv called off the loop thread of " + this;
        markDirty();
        return SocketVerbs.recv(this, dst);
    }

    /**
     * Sends the array as one datagram to an address (Python's {@code socket.sendto}). Datagram sockets only.
     *
     * <p>Differs from Python: Python 3's dispatcher has no {@code sendto} or {@code recvfrom} of its own (it stopped
     * forwarding unknown attributes to its socket); code there calls {@code self.socket.sendto}. Here they are the
     * dispatcher's, so that the loop sees them as it sees {@code send} and {@code recv}.
     *
     * @param data the bytes
     * @param address where to send them
     * @return the bytes sent: all of them, or 0 if the socket had no room (Differs from Python: it raises
     *     {@code BlockingIOError})
     * @throws IllegalStateException if the socket is not a datagram socket
     * @throws IOException if sending fails
     */
    public int sendto(byte[] data, SocketAddress address) throws IOException {
        return sendto(ByteBuffer.wrap(data), address);
    }

    /**
     * Sends the buffer's remaining bytes as one datagram to an address, advancing its position when sent.
     * Allocation-free. Datagram sockets only.
     *
     * @param data the bytes
     * @param address where to send them
     * @return the bytes sent: all of them, or 0 if the socket had no room (an empty datagram also gives 0)
     * @throws IllegalStateException if the socket is not a datagram socket
     * @throws IOException if sending fails
     */
    public int sendto(ByteBuffer data, SocketAddress address) throws IOException {
        assert onLoopThread() : "sendto called off the loop thread of " + this;
        markDirty();
        return SocketVerbs.datagram(this, "sendto").sendTo(data, address);
    }

    /**
     * Receives one datagram of up to {@code bufferSize} bytes and its sender (Python's {@code socket.recvfrom}). Datagram
     * sockets only; a longer datagram is cut to the size, the rest is lost, as in Python.
     *
     * @param bufferSize the most bytes to keep
     * @return the datagram, or null if none was waiting (Differs from Python: it raises {@code BlockingIOError})
     * @throws IllegalStateException if the socket is not a datagram socket
     * @throws IOException if receiving fails (a {@link PortUnreachableException} on a connected socket whose
     *     peer has no socket)
     */
    public Datagram recvfrom(int bufferSize) throws IOException {
        return SocketVerbs.recvfromArray(this, bufferSize);
    }

    /**
     * Receives one datagram into the buffer, advancing its position, and gives its sender. Allocation-free. Datagram
     * sockets only; what does not fit in the buffer is lost.
     *
     * @param dst the buffer
     * @return the sender, or null if no datagram was waiting
     * @throws IllegalStateException if the socket is not a datagram socket
     * @throws IOException if receiving fails
     */
    public SocketAddress recvfrom(ByteBuffer dst) throws IOException {
        assert onLoopThread() : "recvfrom called off the loop thread of " + this;
        markDirty();
        return SocketVerbs.datagram(this, "recvfrom").receive(dst);
    }

    // ------------------------------------------------------------------------------------------------------------------
    // events: what the loop calls

    /**
     * Whether the loop should read from this channel. Default true. See {@link AsyncLoop} for when the loop asks.
     *
     * @return true to be told of incoming data (or connections, when listening)
     */
    public boolean readable() {
        return true;
    }

    /**
     * Whether the loop should tell this channel it can write. Default true. Never asked to write while listening.
     *
     * @return true to be told when the channel can take more bytes
     */
    public boolean writable() {
        return true;
    }

    /**
     * The loop saw the channel readable: accepts, completes a pending connect, or calls {@link #handleRead()}.
     *
     * @throws Exception whatever the handler throws
     */
    public void handleReadEvent() throws Exception {
        if (isAccepting()) {
            handleAccept();
        } else if (!isConnected()) {
            if (isConnecting()) {
                handleConnectEvent();
            }
            if (SocketVerbs.transportAdmits(this, true)) {
                handleRead();
            }
        } else if (SocketVerbs.transportAdmits(this, true)) {
            handleRead();
        }
    }

    /**
     * A connect completed: finishes it, calls {@link #handleConnect()}, then marks the channel connected (so it is still
     * not connected inside {@code handleConnect}, as in Python).
     *
     * @throws Exception whatever finishing the connect or the handler throws ({@code ConnectException} if refused)
     */
    public void handleConnectEvent() throws Exception {
        Transport t = transport();
        if (t != null && t.isConnectionPending() && !t.finishConnect()) {
            return;
        }
        handleConnect();
        setState(isAccepting(), true, false);
    }

    /**
     * The loop saw the channel writable: completes a pending connect, then calls {@link #handleWrite()}. Ignored while
     * listening.
     *
     * @throws Exception whatever the handler throws
     */
    public void handleWriteEvent() throws Exception {
        if (isAccepting()) {
            return;
        }
        if (!isConnected() && isConnecting()) {
            handleConnectEvent();
        }
        if (SocketVerbs.transportAdmits(this, false)) {
            handleWrite();
        }
    }

    /**
     * An exceptional condition (Python: urgent data). Never produced by the loop in Java; callable directly.
     *
     * @throws Exception whatever the handler throws
     */
    public void handleExptEvent() throws Exception {
        handleExpt();
    }

    /**
     * Called when the channel has data to read. Default: logs a warning.
     *
     * @throws Exception anything; the loop passes it to {@link #handleError(Throwable)}
     */
    public void handleRead() throws Exception {
        logInfo("unhandled read event", "warning");
    }

    /**
     * Called when the channel can take more bytes. Default: logs a warning.
     *
     * @throws Exception anything; the loop passes it to {@link #handleError(Throwable)}
     */
    public void handleWrite() throws Exception {
        logInfo("unhandled write event", "warning");
    }

    /**
     * Called on urgent data. Default: logs a warning. Differs from Python: Java never reports urgent data, so the loop never
     * calls it (with {@code SO_OOBINLINE} the byte arrives through {@link #handleRead()}).
     *
     * @throws Exception anything
     */
    public void handleExpt() throws Exception {
        logInfo("unhandled incoming priority event", "warning");
    }

    /**
     * Called when a connect this dispatcher started completes. Default: logs a warning.
     *
     * @throws Exception anything; the loop passes it to {@link #handleError(Throwable)}
     */
    public void handleConnect() throws Exception {
        logInfo("unhandled connect event", "warning");
    }

    /**
     * Called on a listening channel when a connection is pending: accepts it and calls
     * {@link #handleAccepted(SocketChannel, SocketAddress)}.
     *
     * @throws Exception anything; the loop passes it to {@link #handleError(Throwable)}
     */
    public void handleAccept() throws Exception {
        Accepted pair = accept();
        if (pair != null) {
            handleAccepted(pair.channel(), pair.address());
        }
    }

    /**
     * Called with each accepted connection. Default: closes it and logs a warning.
     *
     * @param sock the new channel (blocking; a {@code Dispatcher} built on it makes it non-blocking)
     * @param addr the peer's address
     * @throws Exception anything; the loop passes it to {@link #handleError(Throwable)}
     */
    public void handleAccepted(SocketChannel sock, SocketAddress addr) throws Exception {
        sock.close();
        logInfo("unhandled accepted event", "warning");
    }

    /** Called when the peer is gone or the channel must close. Default: logs a warning and closes. */
    public void handleClose() {
        logInfo("unhandled close event", "warning");
        close();
    }

    /**
     * Called with whatever a handler threw. Default: logs a condensed trace at type {@code error}, then calls
     * {@link #handleClose()}.
     *
     * @param t the exception
     */
    public void handleError(Throwable t) {
        logInfo(SocketVerbs.errorLine(this, t), "error");
        handleClose();
    }

    /**
     * Called on the loop thread when an {@link AsyncLoop} begins a graceful shutdown, after listening channels closed.
     * The channel then has until the shutdown timeout to close itself. Default: nothing (the peer decides); the built-in
     * handlers stop reading, flush what they owe and close.
     */
    protected void handleShutdown() {}

    /**
     * The loop that runs this dispatcher: the {@link AsyncLoop} that owns its map. Any thread.
     *
     * <p>Differs from Python: asyncore has one loop per map and no handle on it.
     *
     * @return the loop, or null when no {@code AsyncLoop} runs the map (it is not started yet, or
     *     {@link Asyncore#loop()} drives it)
     */
    public AsyncLoop loop() {
        return map().owner();
    }

    /**
     * Runs a task on this dispatcher's loop thread: at once when called on that thread, else handed to its loop, which runs
     * it before its next select. The way to touch a dispatcher that lives on another loop (for example {@code
     * member.execute(() -> member.push(line))} from a handler of a different loop). With no {@code AsyncLoop} running the
     * map (not started, driven by {@link Asyncore#loop()}, or ended, which closed the channel), the task runs at once: the
     * caller is then the map's thread. Any thread.
     *
     * <p>Differs from Python: asyncore has a single thread, so nothing needs handing over.
     *
     * @param task the task; it should check that the channel is still open ({@code fileno() != null}), as it may have
     *     closed meanwhile
     * @throws RejectedExecutionException if its loop ends during the call and no longer takes tasks
     */
    public void execute(Runnable task) {
        AsyncLoop loop = loop();
        if (loop == null || loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
