package dev.asyncore.handler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ExitNow;
import dev.asyncore.Offload;
import dev.asyncore.ServerStats;

/**
 * A listening server spread over the loops of an {@link AsyncLoopGroup}: each accepted connection gets its handler on one
 * loop and stays there, so every event of a handler runs on one thread.
 *
 * <p>Two ways to spread ({@link Spread}):
 *
 * <ul>
 *   <li>{@link Spread#REUSE_PORT}: one listening socket per loop, all bound to the same address with {@code SO_REUSEPORT};
 *       the kernel balances new connections over them and no channel crosses threads. Chosen by {@link Spread#AUTO} for TCP
 *       where the platform has the option (Linux, the BSDs, macOS), because it costs nothing per connection.
 *   <li>{@link Spread#HAND_OFF}: one listening socket on the first loop; each accepted channel is handed round-robin to a
 *       loop through its task queue, and its handler is built there. Chosen by {@code AUTO} for UNIX-domain sockets and
 *       where {@code SO_REUSEPORT} is missing (Windows): it costs one task per connection but spreads evenly.
 * </ul>
 *
 * Each loop has a {@link ServerDispatcher} of its own, with its own {@link ServerStats} written by that loop only; the
 * server's figures are the totals of {@link #stats()}. The connection limit counts the connections of every loop and the
 * connections still sending a PROXY protocol header; the limit per client address counts over every loop too.
 *
 * <p>Thread confinement: {@link #open} and {@link #close()} may be called from any thread outside the group's loops (each
 * loop's part runs on that loop, or at once before it starts); the other methods from any thread.
 *
 * <p>Differs from Python: asyncore has one loop; its nearest counterpart is several processes sharing a socket.
 */
public final class GroupServer {

    /** How accepted connections are spread over the loops. */
    public enum Spread {
        /** {@link #REUSE_PORT} for TCP where the platform has {@code SO_REUSEPORT}, else {@link #HAND_OFF}. */
        AUTO,
        /** One listening socket per loop sharing the address; the kernel balances. */
        REUSE_PORT,
        /** One listening socket; accepted channels handed round-robin to the loops. */
        HAND_OFF
    }

    private final AsyncLoopGroup group;
    private final HandlerFactory factory;
    private final List<Consumer<ServerDispatcher>> configurers = new ArrayList<>();
    private final ConnectionsPerAddress perAddress = new ConnectionsPerAddress();
    private Spread spread = Spread.AUTO;
    private volatile Offload offload;
    private volatile Spread chosen;
    private volatile List<ServerDispatcher> listeners = List.of();
    private volatile Acceptor acceptor;

    /**
     * Creates a server with no socket yet; {@link #open} binds it. Any thread.
     *
     * @param group the loops to spread over
     * @param factory makes the handler of each accepted connection, on the loop that will run it
     */
    public GroupServer(AsyncLoopGroup group, HandlerFactory factory) {
        this.group = Objects.requireNonNull(group, "group");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Adds settings applied to the server dispatcher of every loop (connection limit, idle timeout, socket options, PROXY
     * protocol, address rules, connection listeners) as it is made. Call before {@link #open}. Any thread.
     *
     * @param configurer applied to each loop's server dispatcher, on that loop
     * @return this server
     */
    public GroupServer configure(Consumer<ServerDispatcher> configurer) {
        configurers.add(Objects.requireNonNull(configurer, "configurer"));
        return this;
    }

    /**
     * Chooses how connections are spread (default {@link Spread#AUTO}). Call before {@link #open}. Any thread.
     *
     * @param spread the policy
     * @return this server
     */
    public GroupServer setSpread(Spread spread) {
        this.spread = Objects.requireNonNull(spread, "spread");
        return this;
    }

    /**
     * Sets the offload of every connection accepted on any loop: each handler gets it as it is made, before its first
     * event. Call before {@link #open}. Any thread.
     *
     * @param offload the offload; null for {@link Offload#defaultOffload()}
     * @return this server
     */
    public GroupServer setOffload(Offload offload) {
        this.offload = offload;
        return this;
    }

    /**
     * The offload of accepted connections. Any thread.
     *
     * @return the offload set, or null for the default
     */
    public Offload offload() {
        return offload;
    }

    /**
     * Binds and listens on every loop. With {@code SO_REUSEPORT}, port 0 picks a free port for the first loop and the others
     * bind the same one. On failure whatever was opened is closed. Any thread outside the group's loops.
     *
     * @param address where to listen: an {@link InetSocketAddress} (port 0 picks a free port) or a UNIX-domain address
     * @param backlog the accept backlog of each listening socket
     * @param reuseAddress whether to set {@code SO_REUSEADDR}
     * @throws IOException if an address cannot be bound
     * @throws IllegalStateException if already opened, or {@code REUSE_PORT} is asked where it is missing
     */
    public void open(SocketAddress address, int backlog, boolean reuseAddress) throws IOException {
        if (chosen != null) {
            throw new IllegalStateException("this GroupServer was already opened");
        }
        Spread policy = choose(address);
        List<ServerDispatcher> made = new ArrayList<>();
        listeners = Collections.unmodifiableList(made);
        chosen = policy;
        try {
            if (policy == Spread.REUSE_PORT) {
                openReusePort(address, backlog, reuseAddress, made);
            } else {
                openHandOff(address, backlog, reuseAddress, made);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        listeners = List.copyOf(made);
    }

    private Spread choose(SocketAddress address) {
        boolean reusePort = ServerDispatcher.supportsReusePort(address);
        if (spread == Spread.REUSE_PORT && !reusePort) {
            throw new IllegalStateException("SO_REUSEPORT is not available for " + address + " on this platform");
        }
        if (spread == Spread.AUTO) {
            return reusePort ? Spread.REUSE_PORT : Spread.HAND_OFF;
        }
        return spread;
    }

    private void openReusePort(SocketAddress address, int backlog, boolean reuseAddress, List<ServerDispatcher> made)
            throws IOException {
        SocketAddress bindTo = address;
        for (AsyncLoop loop : group) {
            SocketAddress target = bindTo;
            ServerDispatcher server = onLoop(loop, () -> {
                Worker w = new Worker(loop.map());
                w.setReusePort(true);
                w.open(target, backlog, reuseAddress);
                return w;
            });
            made.add(server);
            if (bindTo instanceof InetSocketAddress inet && inet.getPort() == 0) {
                bindTo =
                        new InetSocketAddress(inet.getAddress(), ((InetSocketAddress) server.localAddress()).getPort());
            }
        }
    }

    private void openHandOff(SocketAddress address, int backlog, boolean reuseAddress, List<ServerDispatcher> made)
            throws IOException {
        for (AsyncLoop loop : group) {
            made.add(onLoop(loop, () -> new Worker(loop.map())));
        }
        AsyncLoop first = group.loop(0);
        Acceptor a = onLoop(first, () -> {
            Acceptor created = new Acceptor(first.map(), List.copyOf(made));
            created.open(address, backlog, reuseAddress);
            return created;
        });
        acceptor = a;
    }

    /** Runs a step on a loop's thread and waits ({@link AsyncLoop#callAndWait}); its exceptions as {@code open}'s. */
    private static <T extends ServerDispatcher> T onLoop(AsyncLoop loop, Callable<T> step) throws IOException {
        try {
            return loop.callAndWait(step);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void applyConfigurers(ServerDispatcher server) {
        server.shareConnectionsPerAddress(perAddress);
        Offload o = offload;
        if (o != null) {
            server.setOffload(o);
        }
        for (Consumer<ServerDispatcher> c : configurers) {
            c.accept(server);
        }
    }

    /** What the connection limit of every part counts: open connections and pending headers of every part. */
    private int connectionsInUse() {
        int inUse = 0;
        for (ServerStats s : stats()) {
            inUse += ServerDispatcher.inUse(s);
        }
        return inUse;
    }

    /**
     * Closes the listening sockets (each on its loop); accepted connections stay open. Idempotent. Any thread outside the
     * group's loops, or a loop thread (the other loops' parts are then handed to them).
     */
    public void close() {
        List<ServerDispatcher> all = new ArrayList<>(listeners);
        Acceptor a = acceptor;
        if (a != null) {
            all.add(a);
        }
        for (ServerDispatcher server : all) {
            try {
                server.execute(() -> closeListening(server));
            } catch (RejectedExecutionException ended) {
                // its loop has ended and closed it
            }
        }
    }

    /** Closes a part that listens; a hand-off worker has no socket and nothing to close. Its loop thread. */
    private static void closeListening(ServerDispatcher server) {
        if (server.socket() != null) {
            server.close();
        }
    }

    /**
     * The policy in use. Any thread.
     *
     * @return {@code REUSE_PORT} or {@code HAND_OFF} once opened, else the one asked for
     */
    public Spread spread() {
        Spread c = chosen;
        return c != null ? c : spread;
    }

    /**
     * The server dispatcher of each loop, in loop order: with {@code REUSE_PORT} each listens; with {@code HAND_OFF} none
     * does, each builds the handlers of its loop. Any thread.
     *
     * @return the dispatchers, empty before {@link #open}
     */
    public List<ServerDispatcher> listeners() {
        return listeners;
    }

    /**
     * The address it listens on (with the real port when bound to port 0). Any thread.
     *
     * @return the local address, or null before {@link #open} or after {@link #close()}
     */
    public SocketAddress localAddress() {
        Acceptor a = acceptor;
        if (a != null) {
            return a.localAddress();
        }
        List<ServerDispatcher> all = listeners;
        return all.isEmpty() ? null : all.get(0).localAddress();
    }

    /**
     * The figures of each part: each loop's dispatcher, then the acceptor's (accept errors, PROXY headers) with
     * {@code HAND_OFF}. The server's figures are their totals. Any thread.
     *
     * @return the figures
     */
    public List<ServerStats> stats() {
        List<ServerStats> all = new ArrayList<>();
        listeners.forEach(s -> all.add(s.stats()));
        Acceptor a = acceptor;
        if (a != null) {
            all.add(a.stats());
        }
        return all;
    }

    /**
     * The open connections over all loops. Any thread.
     *
     * @return the total
     */
    public int connections() {
        int total = 0;
        for (ServerDispatcher s : listeners) {
            total += s.stats().connections();
        }
        return total;
    }

    /** One loop's server dispatcher: its handlers live on its loop; the limit counts every loop's connections. */
    private final class Worker extends ServerDispatcher {

        Worker(DispatcherMap map) {
            super(map, factory);
            applyConfigurers(this);
        }

        @Override
        int connectionsInUse() {
            return GroupServer.this.connectionsInUse();
        }

        /** Named by the group's address in log lines: a worker fed by an acceptor listens on none of its own. */
        @Override
        SocketAddress logAddress() {
            SocketAddress local = GroupServer.this.localAddress();
            return local != null ? local : super.logAddress();
        }

        /** Serves a channel the acceptor handed over. Loop thread of this worker. */
        void serveHandedOff(SocketChannel sock, SocketAddress addr) {
            AsyncLoop loop = loop();
            if (loop != null && loop.isShuttingDown()) {
                ServerSockets.closeQuietly(sock);
                return;
            }
            try {
                handleAccepted(sock, addr);
            } catch (Exception | LinkageError e) {
                if (e instanceof ExitNow exit) {
                    throw exit;
                }
                setupFailed(sock, e);
            }
        }
    }

    /** The one listening dispatcher of {@code HAND_OFF}: accepts on the first loop and hands each channel on. */
    private final class Acceptor extends ServerDispatcher {
        private final List<ServerDispatcher> workers;
        private int next;

        Acceptor(DispatcherMap map, List<ServerDispatcher> workers) {
            super(map, factory);
            this.workers = workers;
            applyConfigurers(this);
        }

        /** Holds connections that would read a PROXY header to the limit of the whole server. */
        @Override
        int connectionsInUse() {
            return GroupServer.this.connectionsInUse();
        }

        /** Hands the channel to the next loop's worker, round-robin. Loop thread of the acceptor. */
        @Override
        public void handleAccepted(SocketChannel sock, SocketAddress addr) {
            Worker target = (Worker) workers.get(next);
            next = (next + 1) % workers.size();
            try {
                target.execute(() -> target.serveHandedOff(sock, addr));
            } catch (RejectedExecutionException ended) {
                ServerSockets.closeQuietly(sock);
            }
        }
    }
}
