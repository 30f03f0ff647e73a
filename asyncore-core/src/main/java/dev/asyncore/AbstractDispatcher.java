package dev.asyncore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import dev.asyncore.internal.loop.Registration;
import dev.asyncore.internal.transport.Transport;
import dev.asyncore.internal.util.Filenos;

/**
 * The state half of a {@link Dispatcher}: asyncore's attributes ({@code connected}, {@code accepting}, {@code addr},
 * {@code debug}, ...), the channel's membership of a map ({@code add_channel}, {@code del_channel}, {@code set_socket}),
 * {@code close}, and logging. {@code Dispatcher} adds the socket verbs and the events; its channel work is done by its
 * {@link Transport}, its loop bookkeeping lives in its {@link Registration}.
 *
 * <p>Package-private, as the JDK's {@code AbstractStringBuilder} is to {@code StringBuilder}: the public API is
 * {@code Dispatcher}'s, which inherits and documents these methods. Thread rules are those of {@code Dispatcher}: the
 * loop thread, unless a method says otherwise.
 */
abstract class AbstractDispatcher {

    private boolean debug;
    private boolean closing;
    private CloseListener closeListener;
    /** The error {@code handleError} is handling, told to the close listener if it closes this dispatcher. */
    private Throwable closeCause;

    private Set<String> ignoreLogTypes = Set.of("warning");

    private DispatcherMap map;
    private Transport transport;
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
    /** Run once when this dispatcher closes, after its close is counted in {@link #stats}. */
    private Runnable statsRelease;

    /**
     * Wraps a channel, if any, and registers it in a map: it is connected if it has a peer address.
     *
     * @param sock the channel, or null for none; it is switched to non-blocking mode
     * @param map the map; null means {@link Asyncore#defaultMap()}
     * @throws UncheckedIOException if the channel is closed or cannot be set non-blocking
     */
    AbstractDispatcher(SelectableChannel sock, DispatcherMap map) {
        this.map = map != null ? map : Asyncore.defaultMap();
        if (sock != null) {
            try {
                sock.configureBlocking(false);
                setSocket(sock, map);
                connectedFromPeer();
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
            fileno = Filenos.next(target::reserve);
        }
        target.put(fileno, self());
    }

    /** Sets the next file number the source hands out, so that a test can start it near its wrap point. */
    static void startFilenosAt(int next) {
        Filenos.startAt(next);
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
        Objects.requireNonNull(target, "target");
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
        this.transport = sock == null ? null : TlsOptions.adoptPending(Transport.of(sock), self());
        if (registration != null) {
            registration.forgetKey();
        }
        this.fileno = null;
        addChannel(map);
    }

    /**
     * Closes the channel and leaves the map (Python's {@code close}). Idempotent; does not call
     * {@link Dispatcher#handleClose()}.
     *
     * <p>Differs from Python: closing a listening UNIX-domain channel also removes its socket file, as Netty does, so that
     * the same path can be bound again.
     *
     * @throws UncheckedIOException if closing the channel fails for a reason other than it being closed already
     */
    public void close() {
        setState(false, false, false);
        delChannel();
        blockingCallsClosed();
        ServerStats s = stats;
        if (s != null) {
            stats = null;
            s.closed(self());
            Runnable release = statsRelease;
            statsRelease = null;
            if (release != null) {
                release.run();
            }
        }
        CloseListener listener = closeListener;
        if (listener != null) {
            closeListener = null;
            try {
                listener.closed(self(), closeCause);
            } catch (RuntimeException e) {
                logInfo("close listener of " + this + " failed: " + e, "error");
            }
        }
        closeCause = null;
        Transport.close(transport);
    }

    // ------------------------------------------------------------------------------------------------------------------
    // logging

    /**
     * Writes {@code log: message} (to standard error, or to the map's {@link LogSink}).
     *
     * @param message the message
     */
    public void log(Object message) {
        map.logSink().log(self(), LogSink.LOG, String.valueOf(message));
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
            map.logSink().log(self(), type, message);
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
     * @return true after {@link Dispatcher#listen(int)}
     */
    public boolean isAccepting() {
        return accepting;
    }

    /**
     * Whether a connect is under way. Loop thread.
     *
     * @return true from {@link Dispatcher#connect(SocketAddress)} until the connect event
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
        Transport t = transport;
        return t == null ? null : t.channel();
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
     * up to one loop timeout late); {@link Asyncore#loop()} does not enforce it. A channel waiting for its blocking calls
     * ({@link Dispatcher#executeBlocking}) is not idle. Loop thread.
     *
     * @param idleTimeout the timeout; null or zero for none
     */
    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeoutNanos = idleTimeout == null ? 0 : idleTimeout.toNanos();
        Registration r = registration;
        if (r != null) {
            r.touch();
        }
    }

    /**
     * Tells a running {@link AsyncLoop} to ask {@link Dispatcher#readable()} and {@link Dispatcher#writable()} again before
     * its next wait. Call it when they change for a reason the loop cannot see (a flag set by another channel or a timer).
     * Loop thread.
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
            status.append(' ').append(SocketAddresses.repr(addr));
        }
        return status.append(" at 0x")
                .append(Integer.toHexString(System.identityHashCode(this)))
                .append('>')
                .toString();
    }

    /**
     * The protocol family {@link Dispatcher#createSocket(ProtocolFamily)} used (Python's {@code family_and_type}).
     *
     * @return the family, or null
     */
    public ProtocolFamily family() {
        return family;
    }

    void setFamily(ProtocolFamily family) {
        this.family = family;
    }

    /** Whether {@code SO_REUSEADDR} was asked for, carried over to the listening channel. */
    boolean reuseAddr() {
        return reuseAddr;
    }

    void setReuseAddrFlag() {
        this.reuseAddr = true;
    }

    /** This object as the public type every dispatcher has: the only subclass is {@link Dispatcher}. */
    private Dispatcher self() {
        return (Dispatcher) this;
    }

    /** The figures this dispatcher's traffic counts in, or null. Loop thread. */
    ServerStats trafficStats() {
        return stats;
    }

    /** Sets {@link #addr()} from the channel's peer, for a channel given at construction. */
    private void connectedFromPeer() throws IOException {
        addr = transport.remoteAddress();
        connected = addr != null;
    }

    // ------------------------------------------------------------------------------------------------------------------
    // package-private machinery for the loop and for Dispatcher

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

    /** Drops the blocking calls of a dispatcher that closes ({@link OffloadingDispatcher}). Loop thread. */
    abstract void blockingCallsClosed();

    /** The idle timeout in nanoseconds; 0 for none. Loop thread. */
    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /** Makes this dispatcher count its traffic in these figures ({@code ServerCounter.attach}). Loop thread. */
    void setStats(ServerStats stats, Runnable release) {
        this.stats = stats;
        this.statsRelease = release;
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
        return Registration.onLoopThread(registration);
    }

    /** Asks the loop to ask this channel's interest again before its next wait; ignored off the loop thread. */
    void markDirty() {
        Registration.markDirty(registration);
    }

    /** Whether a connect this dispatcher started waits for its completion. Loop thread. */
    boolean isConnectionPending() {
        Transport t = transport;
        return connecting && t != null && t.isConnectionPending();
    }

    /** The transport that does this dispatcher's channel work, or null before it has a channel. Loop thread. */
    Transport transport() {
        return transport;
    }

    /** Writes what the transport holds of its own ({@link Transport#flush()}). Loop thread. */
    void flushTransport() throws IOException {
        Transport t = transport;
        if (t != null) {
            t.flush();
            if (t.isBroken()) {
                self().handleClose();
            }
        }
    }

    /** Puts another transport in place (listen swaps a stream socket for a listening one). Loop thread. */
    void replaceTransport(Transport replacement) {
        // A transport over the same channel (TLS over a stream socket) keeps the channel's key.
        if (registration != null && (transport == null || transport.selectable() != replacement.selectable())) {
            registration.cancelKey();
        }
        transport = replacement;
        markDirty();
    }

    /** Sets the three state flags, keeping the map's counts right and asking the loop for the interest again. */
    void setState(boolean accepting, boolean connected, boolean connecting) {
        int before = stateKind();
        this.accepting = accepting;
        this.connected = connected;
        this.connecting = connecting;
        refreshState(before);
    }

    void refreshState(int before) {
        int after = stateKind();
        Registration r = registration;
        if (before != after && r != null) {
            r.map().stateChanged(before, after);
        }
        markDirty();
    }
}
