package dev.asyncore.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.Offload;
import dev.asyncore.ServerStats;
import dev.asyncore.SocketAddresses;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsStatus;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.internal.ServerCounter;
import dev.asyncore.internal.util.Throwables;

/**
 * Keeps one outbound connection up on a loop: tries its addresses in order (or round robin), each within a connect
 * timeout, makes the connection's dispatcher with a {@link ClientHandlerFactory} once TCP is up (starting TLS on it when
 * set), and after a refusal, a timeout or a drop tries again as its {@link ReconnectPolicy} says. The counterpart of a
 * server's {@link ServerDispatcher}. Built with {@link #builder}; {@link #start()}, {@link #stop()}, {@link #status()} and
 * the figures from any thread; the rest of its work runs on the loop thread.
 *
 * <p>A round tries each address once; when every address of the round failed, the connector waits for the back-off
 * ({@link ClientState#WAITING}) and begins a new round. In order, each round starts at the first address (the first is
 * the primary); round robin, it goes on from the address after the last one tried. After a drop, the next round starts
 * after the initial delay. A host name is resolved again at each attempt, off the loop (on
 * {@link Offload#defaultExecutor()}, since a lookup can block for seconds), and the attempt goes on on the loop.
 *
 * <p>Differs from Python: asyncore connects once and leaves retrying to its user.
 */
public final class ClientConnector {

    private static final System.Logger LOG = System.getLogger(ClientConnector.class.getName());

    private final String name;
    private final AsyncLoop loop;
    private final Supplier<List<InetSocketAddress>> addressSource;
    private volatile List<InetSocketAddress> addresses;
    private final boolean roundRobin;
    private final ClientHandlerFactory factory;
    private final Duration connectTimeout;
    private final ReconnectPolicy reconnect;
    private final TlsOptions tls;
    private final String serverName;
    private final boolean nameFromAddress;
    private final Duration idleTimeout;
    private final List<ClientConnectorListener> listeners = new CopyOnWriteArrayList<>();
    private final ServerStats stats = new ServerStats();
    private final ServerCounter counter = ApiAccess.counter(stats);
    private volatile ClientStatus status = ClientStatus.INITIAL;

    // Loop thread only.
    private boolean running;
    /** Counts stops, so that a host name lookup that ends after a stop (and perhaps a new start) is ignored. */
    private long generation;

    private ConnectAttempt attempt;
    private Dispatcher handler;
    private AsyncLoop.Cancellable retryTimer;
    private int nextIndex;
    private int triedThisRound;
    private int failedRounds;

    ClientConnector(ClientConnectorBuilder b) {
        this.name = b.name;
        this.loop = b.loop;
        this.addresses = List.copyOf(b.addresses);
        this.addressSource = b.addressSource;
        this.roundRobin = b.roundRobin;
        this.factory = b.factory;
        this.connectTimeout = b.connectTimeout;
        this.reconnect = b.reconnect;
        this.tls = b.tls;
        this.serverName = b.serverName;
        this.nameFromAddress = b.nameFromAddress;
        this.idleTimeout = b.idleTimeout;
    }

    /**
     * Starts building a connector. Any thread.
     *
     * @param name the name in logs and figures
     * @param loop the loop it runs on
     * @return the builder
     */
    public static ClientConnectorBuilder builder(String name, AsyncLoop loop) {
        return new ClientConnectorBuilder(name, loop);
    }

    /** Starts connecting, unless started already. Any thread; idempotent. */
    public void start() {
        onLoop(this::doStart);
    }

    /**
     * Stops: cancels the pending attempt and the back-off timer, and closes the connection gracefully (an
     * {@link AsyncChat} sends what it queued first: {@code closeWhenDone}; any other dispatcher is closed). The state is
     * {@link ClientState#STOPPED} once the connection has closed. Any thread; idempotent.
     */
    public void stop() {
        onLoop(this::doStop);
    }

    /**
     * Adds a listener told of attempts and changes on the loop thread. Any thread.
     *
     * @param listener the listener
     */
    public void addListener(ClientConnectorListener listener) {
        listeners.add(listener);
    }

    /** What the connector shows now. Any thread. */
    public ClientStatus status() {
        return status;
    }

    /** The state now. Any thread. */
    public ClientState state() {
        return status.state();
    }

    /** The name given at build time. Any thread. */
    public String name() {
        return name;
    }

    /** The loop it runs on. Any thread. */
    public AsyncLoop loop() {
        return loop;
    }

    /** The addresses it tries, in order (read again at each start when built with an address source). Any thread. */
    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    /** The connect timeout. Any thread. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Bytes read over every connection so far (plaintext over TLS). Any thread. */
    public long bytesReceived() {
        return stats.bytesReceived();
    }

    /** Bytes sent over every connection so far (plaintext over TLS). Any thread. */
    public long bytesSent() {
        return stats.bytesSent();
    }

    /** The dispatcher of the current connection, or null. Loop thread. */
    public Dispatcher handler() {
        assert loop.inEventLoop() : "handler() called off the loop thread";
        return handler;
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException ended) {
            // The loop has ended and closed its channels: nothing is left to stop.
            publish(ClientState.STOPPED, status.address(), null);
        }
    }

    private void doStart() {
        if (running) {
            return;
        }
        running = true;
        failedRounds = 0;
        nextIndex = 0;
        readAddresses();
        beginRound();
    }

    private void readAddresses() {
        if (addressSource == null) {
            return;
        }
        try {
            List<InetSocketAddress> fresh = List.copyOf(addressSource.get());
            if (!fresh.isEmpty()) {
                addresses = fresh;
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "asyncore client '" + name + "' keeps " + addresses, e);
        }
    }

    private void doStop() {
        running = false;
        generation++;
        cancelRetry();
        if (attempt != null) {
            attempt.abandon();
            attempt = null;
        }
        Dispatcher d = handler;
        if (d == null) {
            publish(ClientState.STOPPED, status.address(), null);
        } else if (d instanceof AsyncChat chat) {
            chat.closeWhenDone();
        } else {
            d.close();
        }
    }

    private void beginRound() {
        triedThisRound = 0;
        if (!roundRobin) {
            nextIndex = 0;
        }
        tryNext();
    }

    private void tryNext() {
        InetSocketAddress configured = addresses.get(nextIndex);
        nextIndex = (nextIndex + 1) % addresses.size();
        triedThisRound++;
        publish(ClientState.CONNECTING, configured, null);
        if (configured.isUnresolved()) {
            resolveThenConnect(configured);
        } else {
            connectTo(configured);
        }
    }

    /** Looks a host name up off the loop, then connects on the loop unless the connector stopped meanwhile. */
    private void resolveThenConnect(InetSocketAddress configured) {
        long current = generation;
        try {
            Offload.defaultExecutor().execute(() -> {
                InetSocketAddress resolved = new InetSocketAddress(configured.getHostString(), configured.getPort());
                try {
                    loop.execute(() -> {
                        if (running && generation == current) {
                            connectTo(resolved);
                        }
                    });
                } catch (RejectedExecutionException ended) {
                    // the loop ended meanwhile: nothing is left to connect for
                }
            });
        } catch (RejectedExecutionException e) {
            failed(configured, e);
        }
    }

    private void connectTo(InetSocketAddress target) {
        publish(ClientState.CONNECTING, target, null);
        if (target.isUnresolved()) {
            failed(target, new UnknownHostException(target.getHostString()));
            return;
        }
        ConnectAttempt a = new ConnectAttempt(this, target);
        attempt = a;
        try {
            a.begin();
        } catch (Exception e) {
            a.fail(e);
        }
    }

    /** The attempt's TCP connection is up: the handler takes the channel. Loop thread. */
    void attemptConnected(ConnectAttempt a, SocketChannel channel) {
        assert loop.inEventLoop() : "attemptConnected called off the loop thread";
        attempt = null;
        Dispatcher d = null;
        try {
            d = factory.create(channel, a.target(), loop.map());
            counter.attach(d, null);
            counter.connectionOpened();
            if (idleTimeout != null && !idleTimeout.isZero()) {
                d.setIdleTimeout(idleTimeout);
            }
            if (tls != null) {
                d.startTlsClient(tls, nameFromAddress ? a.target().getHostString() : serverName);
            }
        } catch (Throwable e) {
            // any failure, an Error of a handler's factory too: a handler half set up (no TLS yet) never stays open
            if (d != null) {
                d.close();
            }
            closeQuietly(channel);
            if (Throwables.isReraised(e)) {
                Throwables.sneakyThrow(e);
            }
            failed(a.target(), e);
            return;
        }
        Dispatcher made = d;
        handler = made;
        made.setCloseListener(this::handlerClosed);
        failedRounds = 0;
        LOG.log(System.Logger.Level.INFO, "asyncore client ''{0}'' connected to {1}", name, describe(a.target()));
        publish(ClientState.CONNECTED, a.target(), Instant.now());
        tell(l -> l.connectAttempted(this, a.target(), ConnectOutcome.SUCCESS, null));
        tell(l -> l.connected(this, made));
    }

    /** The attempt failed (refused, timed out, any error). Loop thread. */
    void attemptFailed(ConnectAttempt a, Throwable failure) {
        assert loop.inEventLoop() : "attemptFailed called off the loop thread";
        attempt = null;
        failed(a.target(), failure);
    }

    private void failed(InetSocketAddress target, Throwable failure) {
        ConnectOutcome outcome = ConnectOutcome.of(failure);
        LOG.log(
                System.Logger.Level.DEBUG,
                "asyncore client ''{0}'' could not connect to {1}: {2}",
                name,
                target,
                failure);
        status = new ClientStatus(ClientState.CONNECTING, target, null, status.reconnects(), failure, null);
        tell(l -> l.connectAttempted(this, target, outcome, failure));
        if (!running) {
            return;
        }
        if (triedThisRound < addresses.size()) {
            tryNext();
            return;
        }
        if (failedRounds++ == 0) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "asyncore client ''{0}'' could not connect to {1}: {2}",
                    name,
                    describe(target),
                    failure.toString());
        }
        scheduleRetry();
    }

    private void handlerClosed(Dispatcher d, Throwable closeCause) {
        if (d != handler) {
            return;
        }
        handler = null;
        TlsStatus tlsStatus = d.tlsStatus();
        // A failed handshake ends the stream as end of file: its failure is the reason the connection closed.
        Throwable cause = closeCause == null && tlsStatus != null ? tlsStatus.failure() : closeCause;
        LOG.log(
                System.Logger.Level.INFO,
                "asyncore client ''{0}'' disconnected from {1}{2}",
                name,
                describe(status.address()),
                cause == null ? "" : ": " + cause);
        status = new ClientStatus(ClientState.CONNECTED, status.address(), null, status.reconnects(), cause, null);
        tell(l -> l.disconnected(this, d, cause));
        if (running) {
            failedRounds = 0;
            scheduleRetry();
        } else {
            publish(ClientState.STOPPED, status.address(), null);
        }
    }

    private void scheduleRetry() {
        if (!reconnect.enabled() || loop.isShuttingDown()) {
            running = false;
            publish(ClientState.STOPPED, status.address(), null);
            return;
        }
        Duration delay =
                reconnect.delay(failedRounds, () -> ThreadLocalRandom.current().nextDouble());
        ClientStatus s = status;
        status = new ClientStatus(
                ClientState.WAITING,
                s.address(),
                null,
                s.reconnects() + 1,
                s.lastError(),
                Instant.now().plus(delay));
        retryTimer = loop.schedule(this::retry, delay);
        tell(l -> l.reconnectScheduled(this, delay));
        ClientStatus published = status;
        tell(l -> l.stateChanged(this, published));
    }

    private void retry() {
        retryTimer = null;
        if (running) {
            beginRound();
        }
    }

    private void cancelRetry() {
        AsyncLoop.Cancellable t = retryTimer;
        retryTimer = null;
        if (t != null) {
            t.cancel();
        }
    }

    private void publish(ClientState state, SocketAddress address, Instant connectedSince) {
        ClientStatus s = status;
        ClientStatus next = new ClientStatus(state, address, connectedSince, s.reconnects(), s.lastError(), null);
        status = next;
        if (s.state() != state || state == ClientState.CONNECTING) {
            tell(l -> l.stateChanged(this, next));
        }
    }

    private void tell(Consumer<ClientConnectorListener> call) {
        for (ClientConnectorListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "listener of asyncore client '" + name + "' failed", e);
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a channel nobody uses; nothing to tell
        }
    }

    private static String describe(SocketAddress address) {
        return address == null ? "nothing" : SocketAddresses.describe(address);
    }

    @Override
    public String toString() {
        return "ClientConnector[" + name + ", " + status.state() + ", " + addresses + "]";
    }
}
