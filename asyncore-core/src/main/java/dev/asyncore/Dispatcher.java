package dev.asyncore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thin wrapper around a non-blocking channel, driven by the loop (Python's {@code asyncore.dispatcher}).
 *
 * <p>Subclass it and override the {@code handle*} events and {@link #readable()}/{@link #writable()}. Every method runs on
 * the thread that runs the loop over this dispatcher's map (the loop thread), unless its Javadoc says otherwise; a
 * dispatcher may be built and set up on another thread before that loop starts. Once an {@link AsyncLoop} runs the
 * map, a dispatcher that joins it is built on the loop thread ({@link AsyncLoop#submit}); building it elsewhere fails
 * with an {@link IllegalStateException}, since the loop could otherwise reach it before its constructor has finished.
 * Handlers may throw anything: the loop hands it to {@link #handleError(Throwable)}, which by default logs it and closes
 * this channel only.
 *
 * <p>Differs from Python: a Python socket is one object whatever it becomes; Java has {@link SocketChannel} and
 * {@link ServerSocketChannel}. {@link #createSocket()} opens a {@code SocketChannel}; {@link #listen(int)} replaces it with a
 * {@code ServerSocketChannel} bound to the same address. Urgent (out-of-band) data is never reported by Java's selectors, so
 * the loop never calls {@link #handleExpt()}. {@code SO_ERROR} is not readable in Java: a pending error surfaces as an
 * exception from the next read, write or connect completion.
 */
public class Dispatcher {

    private static final int FIRST_FILENO = 1024;
    private static final AtomicInteger FILENOS = new AtomicInteger(FIRST_FILENO);
    private static final byte[] EMPTY = new byte[0];

    private boolean debug;
    private boolean closing;
    private CloseListener closeListener;
    /** The error {@code handleError} is handling, told to the close listener if it closes this dispatcher. */
    private Throwable closeCause;

    private Set<String> ignoreLogTypes = Set.of("warning");

    private DispatcherMap map;
    private Channel socket;
    private Integer fileno;
    private ProtocolFamily family;
    private SocketAddress addr;
    private boolean accepting;
    private boolean connected;
    private boolean connecting;
    private boolean reuseAddr;

    /** The loop's bookkeeping for this channel while it is in a map: made as it joins, dropped as it leaves. */
    private Registration registration;

    private long idleTimeoutNanos;
    private ServerStats stats;

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
        this.map = map != null ? map : Asyncore.defaultMap();
        if (sock != null) {
            try {
                sock.configureBlocking(false);
                setSocket(sock, map);
                connected = true;
                addr = sock instanceof SocketChannel sc ? sc.getRemoteAddress() : null;
                if (addr == null) {
                    connected = false;
                }
                refreshState(DispatcherMap.OTHER);
            } catch (IOException e) {
                delChannel(map);
                throw new UncheckedIOException(e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------------
    // map registration

    /** Adds this dispatcher to its own map under its file number (Python's {@code add_channel}). */
    public void addChannel() {
        addChannel(null);
    }

    /**
     * Adds this dispatcher to a map under its file number.
     *
     * @param map the map; null means this dispatcher's own map
     */
    public void addChannel(DispatcherMap map) {
        DispatcherMap target = map != null ? map : this.map;
        if (fileno == null) {
            fileno = nextFileno(target);
        }
        target.put(fileno, this);
    }

    /**
     * The next file number free in a map. The source counts up from 1024 and wraps back to 1024 after
     * {@link Integer#MAX_VALUE}; a number the map holds or has handed out is skipped, so a key is never given twice while
     * its dispatcher lives. Any thread.
     */
    private static int nextFileno(DispatcherMap target) {
        int candidate;
        do {
            candidate = FILENOS.getAndUpdate(n -> n == Integer.MAX_VALUE ? FIRST_FILENO : n + 1);
        } while (!target.reserve(candidate));
        return candidate;
    }

    /** Sets the next file number the source hands out, so that a test can start it near its wrap point. */
    static void startFilenosAt(int next) {
        FILENOS.set(Math.max(FIRST_FILENO, next));
    }

    /**
     * Moves this dispatcher to another map, which becomes its own map: it leaves its current map and, if it has a channel,
     * joins {@code target} under a file number there. Any thread before either map's loop runs, else the loop thread of
     * both.
     *
     * <p>Differs from Python: asyncore has no such method. A container (the Spring Boot starter) uses it to run a dispatcher
     * that was built with the default map on its managed loop.
     *
     * @param target the map to join
     */
    public void moveTo(DispatcherMap target) {
        java.util.Objects.requireNonNull(target, "target");
        if (target == this.map) {
            return;
        }
        boolean registered = fileno != null;
        Registration r = registration;
        if (registered) {
            delChannel();
        }
        if (r != null) {
            r.cancelKey();
        }
        this.map = target;
        if (registered) {
            addChannel();
        }
    }

    /** Removes this dispatcher from its own map; the channel stays open (Python's {@code del_channel}). */
    public void delChannel() {
        delChannel(null);
    }

    /**
     * Removes this dispatcher from a map and stops selecting its channel; the channel stays open.
     *
     * @param map the map; null means this dispatcher's own map
     */
    public void delChannel(DispatcherMap map) {
        Registration r = registration;
        if (fileno != null) {
            (map != null ? map : this.map).remove(fileno);
        }
        fileno = null;
        if (r != null) {
            r.clearInterest();
        }
    }

    /**
     * Sets the channel and registers this dispatcher in its own map (Python's {@code set_socket}).
     *
     * @param sock the channel
     */
    public void setSocket(Channel sock) {
        setSocket(sock, null);
    }

    /**
     * Sets the channel and registers this dispatcher in a map. The channel's blocking mode is left as it is; the loop
     * switches a selectable channel to non-blocking mode when it first registers it with its selector.
     *
     * @param sock the channel
     * @param map the map; null means this dispatcher's own map
     */
    public void setSocket(Channel sock, DispatcherMap map) {
        this.socket = sock;
        if (registration != null) {
            registration.key = null;
        }
        this.fileno = null;
        addChannel(map);
    }

    // ------------------------------------------------------------------------------------------------------------------
    // socket operations

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
        SocketChannel channel = SocketChannel.open(family);
        try {
            channel.configureBlocking(false);
            this.family = family;
            setSocket(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The protocol family {@link #createSocket(ProtocolFamily)} used (Python's {@code family_and_type}).
     *
     * @return the family, or null
     */
    public ProtocolFamily family() {
        return family;
    }

    /**
     * Sets {@code SO_REUSEADDR}, ignoring channels that do not support it (Python's {@code set_reuse_addr}).
     *
     * <p>Differs from Python: the value is carried over when {@link #listen(int)} opens the listening channel, since Java's
     * {@code ServerSocketChannel} would otherwise default it to true.
     */
    public void setReuseAddr() {
        reuseAddr = true;
        if (socket instanceof NetworkChannel nc) {
            try {
                nc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // Python swallows OSError here; UNIX-domain channels have no SO_REUSEADDR
            }
        }
    }

    /**
     * Binds the channel (Python's {@code bind}). {@link #addr()} is set first, even if binding fails.
     *
     * @param address the local address
     * @throws IOException if binding fails (a {@link java.net.BindException} when the address is in use)
     */
    public void bind(SocketAddress address) throws IOException {
        this.addr = address;
        networkChannel().bind(address);
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
        setState(true, connected, connecting);
        if (socket instanceof ServerSocketChannel) {
            return;
        }
        SocketChannel old = (SocketChannel) socket;
        SocketAddress local = old.getLocalAddress();
        ProtocolFamily fam = family != null ? family : familyOf(local);
        old.close();
        ServerSocketChannel server = ServerSocketChannel.open(fam);
        try {
            server.configureBlocking(false);
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
        replaceSocket(server);
    }

    /**
     * Starts connecting (Python's {@code connect}). If the connection completes at once (always for UNIX sockets),
     * {@link #handleConnectEvent()} runs inside this call.
     *
     * @param address the remote address
     * @throws IOException if connecting fails at once ({@link #isConnecting()} stays true, as in Python)
     */
    public void connect(SocketAddress address) throws IOException {
        setState(accepting, false, true);
        boolean done = ((SocketChannel) socket).connect(address);
        this.addr = address;
        markDirty();
        if (done) {
            try {
                handleConnectEvent();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("handleConnect failed", e);
            }
        }
    }

    /**
     * Accepts a pending connection (Python's {@code accept}).
     *
     * @return the new channel (in blocking mode) and its peer's address, or null if none was pending
     * @throws IOException if accepting fails
     */
    public Accepted accept() throws IOException {
        SocketChannel conn = ((ServerSocketChannel) socket).accept();
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
        return sendOnce(data);
    }

    /** {@link #send(ByteBuffer)} without virtual dispatch, so that a subclass's queueing {@code send} is not re-entered. */
    private int sendOnce(ByteBuffer data) throws IOException {
        try {
            int n = ((WritableByteChannel) socket).write(data);
            ServerStats s = stats;
            if (s != null) {
                s.sent(n);
            }
            return n;
        } catch (NotYetConnectedException e) {
            if (completePendingConnect()) {
                return sendOnce(data);
            }
            if (!isConnectionPending()) {
                handleClose();
            }
            return 0;
        } catch (IOException e) {
            if (Errno.isDisconnect(e)) {
                handleClose();
                return 0;
            }
            throw e;
        }
    }

    /**
     * Receives up to {@code bufferSize} bytes (Python's {@code recv}).
     *
     * @param bufferSize the most bytes to read; 0 closes the channel and returns nothing, as Python does
     * @return the bytes; empty at end of stream or when the peer is gone (then {@link #handleClose()} ran)
     * @throws BlockingIOException if there was nothing to read after all
     * @throws IOException on any other failure
     */
    public byte[] recv(int bufferSize) throws IOException {
        if (bufferSize == 0) {
            handleClose();
            return EMPTY;
        }
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        int n = recv(buffer);
        if (n == 0) {
            throw new BlockingIOException();
        }
        if (n < 0) {
            return EMPTY;
        }
        byte[] data = new byte[n];
        System.arraycopy(buffer.array(), 0, data, 0, n);
        return data;
    }

    /**
     * Reads into the buffer, advancing its position. Allocation-free.
     *
     * <p>Differs from {@link #recv(int)}: no data returns 0 instead of throwing.
     *
     * @param dst the buffer
     * @return the number of bytes read; 0 if there was nothing to read; -1 at end of stream or when the peer is gone (then
     *     {@link #handleClose()} ran)
     * @throws IOException on any other failure
     */
    public int recv(ByteBuffer dst) throws IOException {
        assert onLoopThread() : "recv called off the loop thread of " + this;
        markDirty();
        return recvOnce(dst);
    }

    /** {@link #recv(ByteBuffer)} without virtual dispatch, so that a subclass's {@code recv} is not re-entered. */
    private int recvOnce(ByteBuffer dst) throws IOException {
        try {
            int n = ((ReadableByteChannel) socket).read(dst);
            if (n < 0) {
                handleClose();
                return -1;
            }
            ServerStats s = stats;
            if (s != null) {
                s.received(n);
            }
            return n;
        } catch (NotYetConnectedException e) {
            if (completePendingConnect()) {
                return recvOnce(dst);
            }
            if (isConnectionPending()) {
                return 0;
            }
            handleClose();
            return -1;
        } catch (IOException e) {
            if (Errno.isDisconnect(e)) {
                handleClose();
                return -1;
            }
            throw e;
        }
    }

    /**
     * Closes the channel and leaves the map (Python's {@code close}). Idempotent; does not call {@link #handleClose()}.
     *
     * <p>Differs from Python: closing a listening UNIX-domain channel also removes its socket file, as Netty does, so that
     * the same path can be bound again.
     *
     * @throws UncheckedIOException if closing the channel fails for a reason other than it being closed already
     */
    public void close() {
        setState(false, false, false);
        delChannel();
        ServerStats s = stats;
        if (s != null) {
            stats = null;
            s.connectionClosed();
        }
        CloseListener listener = closeListener;
        if (listener != null) {
            closeListener = null;
            try {
                listener.closed(this, closeCause);
            } catch (RuntimeException e) {
                logInfo("close listener of " + this + " failed: " + e, "error");
            }
        }
        closeCause = null;
        if (socket != null) {
            Path unixPath = listeningUnixPath();
            try {
                socket.close();
            } catch (ClosedChannelException ignored) {
                // already closed: Python ignores EBADF
            } catch (IOException e) {
                if (!Errno.isDisconnect(e)) {
                    throw new UncheckedIOException(e);
                }
            }
            deleteSocketFile(unixPath);
        }
    }

    /** The socket file of a listening UNIX-domain channel, which closing it must remove (Java leaves it in place). */
    private Path listeningUnixPath() {
        if (socket instanceof ServerSocketChannel server && server.isOpen()) {
            try {
                if (server.getLocalAddress() instanceof UnixDomainSocketAddress unix
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
        if (accepting) {
            handleAccept();
        } else if (!connected) {
            if (connecting) {
                handleConnectEvent();
            }
            handleRead();
        } else {
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
        if (socket instanceof SocketChannel sc && sc.isConnectionPending() && !sc.finishConnect()) {
            return;
        }
        handleConnect();
        setState(accepting, true, false);
    }

    /**
     * The loop saw the channel writable: completes a pending connect, then calls {@link #handleWrite()}. Ignored while
     * listening.
     *
     * @throws Exception whatever the handler throws
     */
    public void handleWriteEvent() throws Exception {
        if (accepting) {
            return;
        }
        if (!connected && connecting) {
            handleConnectEvent();
        }
        handleWrite();
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
        String info;
        try {
            info = Asyncore.compactTraceback(t).info();
        } catch (AssertionError e) {
            info = "[]";
        }
        String self;
        try {
            self = toString();
        } catch (RuntimeException e) {
            self = "<toString() failed for object at 0x" + Integer.toHexString(System.identityHashCode(this)) + ">";
        }
        logInfo(
                "uncaptured java exception, closing channel " + self + " ("
                        + t.getClass().getName() + ":" + t.getMessage() + " " + info + ")",
                "error");
        handleClose();
    }

    /**
     * Called on the loop thread when an {@link AsyncLoop} begins a graceful shutdown, after listening channels closed.
     * The channel then has until the shutdown timeout to close itself. Default: nothing (the peer decides); the built-in
     * handlers stop reading, flush what they owe and close.
     */
    protected void handleShutdown() {}

    // ------------------------------------------------------------------------------------------------------------------
    // logging

    /**
     * Writes {@code log: message} (to standard error, or to the map's {@link LogSink}).
     *
     * @param message the message
     */
    public void log(Object message) {
        map.logSink().log(this, LogSink.LOG, String.valueOf(message));
    }

    /**
     * Writes {@code info: message} unless {@code info} is in {@link #ignoreLogTypes()}.
     *
     * @param message the message
     */
    public void logInfo(String message) {
        logInfo(message, "info");
    }

    /**
     * Writes {@code type: message} (to standard output, or to the map's {@link LogSink}) unless the type is ignored.
     *
     * @param message the message
     * @param type the type, such as {@code info}, {@code warning} or {@code error}
     */
    public void logInfo(String message, String type) {
        if (!ignoreLogTypes.contains(type)) {
            map.logSink().log(this, type, message);
        }
    }

    // ------------------------------------------------------------------------------------------------------------------
    // state

    /**
     * Whether {@link DispatcherWithSend#send(byte[])} logs what it sends (Python's {@code debug} attribute). Loop thread.
     *
     * @return true when sends are logged
     */
    public boolean debug() {
        return debug;
    }

    /**
     * Sets whether {@link DispatcherWithSend#send(byte[])} logs what it sends. Loop thread, or before the loop runs.
     *
     * @param debug true to log sends
     */
    public void setDebug(boolean debug) {
        this.debug = debug;
    }

    /**
     * Sets the listener told once when this dispatcher closes, with why (see {@link CloseListener}). Loop thread, or before
     * the loop runs.
     *
     * <p>Differs from Python: asyncore has no close notification.
     *
     * @param listener the listener; null for none
     */
    public void setCloseListener(CloseListener listener) {
        this.closeListener = listener;
    }

    /**
     * A flag free for user code (Python's {@code closing} attribute, which asyncore declares and never reads). Loop thread.
     *
     * @return the flag
     */
    public boolean closing() {
        return closing;
    }

    /**
     * Sets the user flag {@link #closing()}. Loop thread.
     *
     * @param closing the flag
     */
    public void setClosing(boolean closing) {
        this.closing = closing;
    }

    /**
     * The {@link #logInfo(String, String)} types that are not written (Python's {@code ignore_log_types}; default
     * {@code warning}). Loop thread.
     *
     * @return an unmodifiable set of types
     */
    public Set<String> ignoreLogTypes() {
        return ignoreLogTypes;
    }

    /**
     * Sets the {@link #logInfo(String, String)} types that are not written. Loop thread, or before the loop runs.
     *
     * @param types the types; copied
     */
    public void setIgnoreLogTypes(Set<String> types) {
        this.ignoreLogTypes = Set.copyOf(types);
    }

    /**
     * Whether the channel is connected. Loop thread.
     *
     * @return true once connected
     */
    public boolean isConnected() {
        return connected;
    }

    /**
     * Whether the channel is listening. Loop thread.
     *
     * @return true after {@link #listen(int)}
     */
    public boolean isAccepting() {
        return accepting;
    }

    /**
     * Whether a connect is under way. Loop thread.
     *
     * @return true from {@link #connect(SocketAddress)} until the connect event
     */
    public boolean isConnecting() {
        return connecting;
    }

    /**
     * Marks the channel connected or not (Python: {@code self.connected = ...}), keeping the map's counts right.
     *
     * @param connected the new state
     */
    protected void setConnected(boolean connected) {
        setState(accepting, connected, connecting);
    }

    /**
     * Marks the channel listening or not, keeping the map's counts right.
     *
     * @param accepting the new state
     */
    protected void setAccepting(boolean accepting) {
        setState(accepting, connected, connecting);
    }

    /**
     * Marks a connect as under way or not, keeping the map's counts right.
     *
     * @param connecting the new state
     */
    protected void setConnecting(boolean connecting) {
        setState(accepting, connected, connecting);
    }

    /**
     * The address bound or connected to, or the peer's address for an accepted channel.
     *
     * @return the address, or null
     */
    public SocketAddress addr() {
        return addr;
    }

    /**
     * Sets the address {@link #addr()} gives. Loop thread.
     *
     * <p>Python's {@code addr} is a plain attribute that code may assign. {@code ServerDispatcher} sets it to the client's
     * address read from a PROXY protocol header, since the channel's own peer is then the load balancer.
     *
     * @param addr the address
     */
    public void setAddr(SocketAddress addr) {
        this.addr = addr;
    }

    /**
     * The channel (kept after {@link #close()}, as in Python).
     *
     * @return the channel, or null
     */
    public Channel socket() {
        return socket;
    }

    /**
     * The key of this dispatcher in its map.
     *
     * @return the file number, or null when not in a map
     */
    public Integer fileno() {
        return fileno;
    }

    /**
     * The map this dispatcher joins by default.
     *
     * @return the map
     */
    public DispatcherMap map() {
        return map;
    }

    /**
     * Closes the channel after this long without a read or write event. Enforced by an {@link AsyncLoop} at its sweeps (so
     * up to one loop timeout late); {@link Asyncore#loop()} does not enforce it. Loop thread.
     *
     * @param idleTimeout the timeout; null or zero for none
     */
    public void setIdleTimeout(java.time.Duration idleTimeout) {
        this.idleTimeoutNanos = idleTimeout == null ? 0 : idleTimeout.toNanos();
        Registration r = registration;
        if (r != null) {
            r.lastActivity = System.nanoTime();
        }
    }

    /**
     * Tells a running {@link AsyncLoop} to ask {@link #readable()} and {@link #writable()} again before its next wait. Call
     * it when they change for a reason the loop cannot see (a flag set by another channel or a timer). Loop thread.
     */
    public void interestChanged() {
        assert onLoopThread() : "interestChanged called off the loop thread of " + this;
        markDirty();
    }

    @Override
    public String toString() {
        StringBuilder status = new StringBuilder("<").append(getClass().getName());
        if (accepting && addr != null) {
            status.append(" listening");
        } else if (connected) {
            status.append(" connected");
        }
        if (addr != null) {
            status.append(' ').append(describe(addr));
        }
        return status.append(" at 0x")
                .append(Integer.toHexString(System.identityHashCode(this)))
                .append('>')
                .toString();
    }

    // ------------------------------------------------------------------------------------------------------------------
    // package-private machinery for the loop

    /** Calls {@link #handleError(Throwable)} with the error recorded as the cause of a close it makes. Loop thread. */
    void handleErrorRecorded(Throwable t) {
        closeCause = t;
        try {
            handleError(t);
        } finally {
            closeCause = null;
        }
    }

    /** Records why the loop is about to close this dispatcher, for the close listener. Loop thread. */
    void setCloseCause(Throwable cause) {
        closeCause = cause;
    }

    /** The loop's registration of this dispatcher in the map it is a member of, or null. Loop thread. */
    Registration registration() {
        return registration;
    }

    void setRegistration(Registration registration) {
        this.registration = registration;
    }

    /** The idle timeout in nanoseconds; 0 for none. Loop thread. */
    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /** Makes this dispatcher count its traffic in these figures ({@link ServerStats#attach}). Loop thread. */
    void setStats(ServerStats stats) {
        this.stats = stats;
    }

    int stateKind() {
        if (accepting) {
            return DispatcherMap.LISTENING;
        }
        if (connected) {
            return DispatcherMap.CONNECTED;
        }
        return connecting ? DispatcherMap.CONNECTING : DispatcherMap.OTHER;
    }

    /** Whether the caller may touch this dispatcher: no loop runs its map, or the caller is that loop's thread. */
    boolean onLoopThread() {
        Registration r = registration;
        AsyncLoop owner = r == null ? null : r.map.owner();
        return owner == null || !owner.isRunning() || owner.inEventLoop();
    }

    /** Asks the loop to ask this channel's interest again before its next wait; ignored off the loop thread. */
    void markDirty() {
        Registration r = registration;
        if (r != null && !r.dirty) {
            AsyncLoop owner = r.map.owner();
            if (owner == null || owner.inEventLoop()) {
                r.selection.markDirty(r);
            }
        }
    }

    /** OP_CONNECT fired for a channel that only wants to read: finish the connect now, announce it on the first read. */
    void finishConnectOnly() throws IOException {
        if (socket instanceof SocketChannel sc && sc.isConnectionPending()) {
            sc.finishConnect();
        }
    }

    /** Whether a connect this dispatcher started waits for its completion. Loop thread. */
    boolean isConnectionPending() {
        return connecting && socket instanceof SocketChannel sc && sc.isConnectionPending();
    }

    private boolean completePendingConnect() throws IOException {
        return socket instanceof SocketChannel sc && sc.isConnectionPending() && sc.finishConnect();
    }

    private NetworkChannel networkChannel() {
        if (socket instanceof NetworkChannel nc) {
            return nc;
        }
        throw new IllegalStateException("no socket: call createSocket() first");
    }

    private void replaceSocket(Channel channel) {
        if (registration != null) {
            registration.cancelKey();
        }
        socket = channel;
        markDirty();
    }

    private void setState(boolean accepting, boolean connected, boolean connecting) {
        int before = stateKind();
        this.accepting = accepting;
        this.connected = connected;
        this.connecting = connecting;
        refreshState(before);
    }

    private void refreshState(int before) {
        int after = stateKind();
        Registration r = registration;
        if (before != after && r != null) {
            r.map.stateChanged(before, after);
        }
        markDirty();
    }

    /**
     * The protocol family an address belongs to: {@code UNIX}, {@code INET6} or {@code INET}. Any thread.
     *
     * @param address the address
     * @return its family
     */
    protected static ProtocolFamily familyOf(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        if (address instanceof InetSocketAddress inet && inet.getAddress() instanceof java.net.Inet6Address) {
            return StandardProtocolFamily.INET6;
        }
        return StandardProtocolFamily.INET;
    }

    static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            Path path = unix.getPath();
            return "'" + path + "'";
        }
        return String.valueOf(address);
    }
}
