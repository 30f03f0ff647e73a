package dev.asyncore.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.asyncore.Asyncore;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.HandlerFactory;

/**
 * Runs dispatchers over in-memory channels on the calling thread, without sockets or a loop thread: Netty's
 * {@code EmbeddedChannel} for asyncore handlers. Each {@link #connect(HandlerFactory)} makes a handler the way a server
 * does, on an {@link EmbeddedSocketChannel}; the test feeds bytes, reads what the handler sent and sees it close, and every
 * feed runs the handlers' events until nothing more happens.
 *
 * <pre>{@code
 * try (EmbeddedLoop loop = new EmbeddedLoop()) {
 *     EmbeddedConnection client = loop.connect((ch, peer, map) -> new EchoHandler(ch, map));
 *     client.writeInbound("hello");
 *     assertThat(client.readOutboundString()).isEqualTo("hello");
 * }
 * }</pre>
 *
 * <p>A pass is Python's select pass over the embedded channels: every handler is asked {@code readable()} then
 * {@code writable()}, then read events are dispatched in map order, then write events, through {@link Asyncore#read} and
 * {@link Asyncore#write}, so an exception goes to the handler's {@code handleError} as on a real loop. A channel is readable
 * when it has inbound bytes, end of stream or a reset to report, and writable while the peer's window has room.
 * Dispatchers on real channels in the same map are left alone. Confined to the thread that created it; no loop runs its
 * map, so every dispatcher method may be called from that thread.
 */
public final class EmbeddedLoop implements AutoCloseable {

    /** Passes after which {@link #runPendingEvents()} gives up on handlers that keep asking for events and do nothing. */
    private static final int MAX_PASSES = 10_000;

    private final DispatcherMap map = new DispatcherMap();
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private final List<EmbeddedConnection> connections = new ArrayList<>();
    private int nextPort = 40_000;

    /** Creates an empty loop whose map logs into {@link #logs()}. */
    public EmbeddedLoop() {
        map.setLogSink((source, type, message) -> logs.add(type + ": " + message));
    }

    /**
     * Makes a handler for a new connection from a peer at {@code 127.0.0.1} (a distinct port each), as a server's factory
     * would, then runs pending events.
     *
     * @param factory makes the handler; it must register itself in the map it is given, as {@code Dispatcher} does
     * @return the connection, from the peer's side
     * @throws Exception whatever the factory throws
     */
    public EmbeddedConnection connect(HandlerFactory factory) throws Exception {
        return connect(factory, new InetSocketAddress(InetAddress.getLoopbackAddress(), nextPort++));
    }

    /**
     * Makes a handler for a new connection from {@code peer}, then runs pending events.
     *
     * @param factory makes the handler
     * @param peer the peer's address the handler sees
     * @return the connection, from the peer's side
     * @throws Exception whatever the factory throws
     */
    public EmbeddedConnection connect(HandlerFactory factory, SocketAddress peer) throws Exception {
        Objects.requireNonNull(factory, "factory");
        EmbeddedSocketChannel channel =
                new EmbeddedSocketChannel(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7), peer);
        Dispatcher handler = factory.create(channel, peer, map);
        EmbeddedConnection connection = new EmbeddedConnection(this, channel, handler);
        connections.add(connection);
        runPendingEvents();
        return connection;
    }

    /**
     * Runs passes until one dispatches no event, or until the handlers stop making progress (no byte moved and no channel
     * closed in a pass that dispatched events).
     *
     * @return the number of events dispatched
     */
    public int runPendingEvents() {
        int events = 0;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            long before = progress();
            int n = runOnePass();
            events += n;
            if (n == 0 || progress() == before) {
                break;
            }
        }
        return events;
    }

    /**
     * Runs one select-style pass over the embedded channels.
     *
     * @return the number of events dispatched
     */
    public int runOnePass() {
        List<Dispatcher> members = map.values();
        boolean[] read = new boolean[members.size()];
        boolean[] write = new boolean[members.size()];
        for (int i = 0; i < members.size(); i++) {
            Dispatcher d = members.get(i);
            if (d.socket() instanceof EmbeddedSocketChannel ch) {
                boolean r = d.readable();
                boolean w = d.writable();
                read[i] = r && ch.readReady();
                write[i] = w && !d.isAccepting() && ch.writeReady();
            }
        }
        int events = 0;
        for (int i = 0; i < members.size(); i++) {
            if (read[i] && isMember(members.get(i))) {
                Asyncore.read(members.get(i));
                events++;
            }
        }
        for (int i = 0; i < members.size(); i++) {
            if (write[i] && isMember(members.get(i))) {
                Asyncore.write(members.get(i));
                events++;
            }
        }
        return events;
    }

    /**
     * The map the handlers join. No loop runs it.
     *
     * @return the map
     */
    public DispatcherMap map() {
        return map;
    }

    /**
     * What the handlers logged, as {@code "type: message"} lines ({@code log} and {@code logInfo}, {@code handleError}'s
     * compact traceback among them).
     *
     * @return the lines, oldest first
     */
    public List<String> logs() {
        return logs;
    }

    /** Closes every dispatcher in the map, embedded or not, and the map. Idempotent. */
    @Override
    public void close() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    private boolean isMember(Dispatcher d) {
        Integer fileno = d.fileno();
        return fileno != null && map.get(fileno) == d;
    }

    private long progress() {
        long sum = map.size();
        for (EmbeddedConnection c : connections) {
            sum += c.progress();
        }
        return sum;
    }
}
