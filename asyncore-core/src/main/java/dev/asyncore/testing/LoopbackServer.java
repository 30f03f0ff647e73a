package dev.asyncore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.ServerStats;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.handler.ServerDispatcher;

/**
 * A real server for integration tests: a {@link ServerDispatcher} on a loopback port the system picks, served by its own
 * {@link AsyncLoop} on a daemon thread. Close it (try-with-resources, or JUnit's {@code @AutoClose}) to stop the loop and
 * close every channel. {@link #start} and {@link #close()} may be called from any thread but the loop's; the figures are
 * readable from any thread.
 *
 * <pre>{@code
 * try (LoopbackServer server = LoopbackServer.start((ch, peer, map) -> new EchoHandler(ch, map));
 *         Socket client = new Socket(server.address().getAddress(), server.port())) {
 *     ...
 * }
 * }</pre>
 */
public final class LoopbackServer implements AutoCloseable {

    private final DispatcherMap map;
    private final ServerDispatcher server;
    private final AsyncLoop loop;
    private final InetSocketAddress address;

    private LoopbackServer(DispatcherMap map, ServerDispatcher server, AsyncLoop loop, InetSocketAddress address) {
        this.map = map;
        this.server = server;
        this.loop = loop;
        this.address = address;
    }

    /**
     * Starts a server whose connections are served by handlers from {@code factory}.
     *
     * @param factory makes the handler of each accepted connection (called on the loop thread)
     * @return the running server
     * @throws UncheckedIOException if no loopback port can be bound
     */
    public static LoopbackServer start(HandlerFactory factory) {
        return start(factory, server -> {});
    }

    /**
     * Starts a server, letting the test set it up (connection limit, idle timeout, socket options) before it listens.
     *
     * @param factory makes the handler of each accepted connection (called on the loop thread)
     * @param customizer called on the calling thread before the server listens
     * @return the running server
     * @throws UncheckedIOException if no loopback port can be bound
     */
    public static LoopbackServer start(HandlerFactory factory, Consumer<ServerDispatcher> customizer) {
        Objects.requireNonNull(factory, "factory");
        DispatcherMap map = new DispatcherMap();
        ServerDispatcher server = new ServerDispatcher(map, factory);
        customizer.accept(server);
        try {
            server.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ServerDispatcher.DEFAULT_BACKLOG);
        } catch (IOException e) {
            map.close();
            throw new UncheckedIOException(e);
        }
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        AsyncLoop loop = AsyncLoop.builder(map)
                .threadName("asyncore-test-" + bound.getPort())
                .daemon(true)
                .build();
        loop.start();
        return new LoopbackServer(map, server, loop, bound);
    }

    /**
     * The address the server listens on.
     *
     * @return the loopback address with the bound port
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return address.getPort();
    }

    /**
     * The loop serving the server, for {@code execute} and the figures.
     *
     * @return the loop
     */
    public AsyncLoop loop() {
        return loop;
    }

    /**
     * The listening dispatcher. Loop thread, as every dispatcher, once the server runs.
     *
     * @return the server dispatcher
     */
    public ServerDispatcher server() {
        return server;
    }

    /**
     * The server's figures. Any thread.
     *
     * @return the figures
     */
    public ServerStats stats() {
        return server.stats();
    }

    /**
     * The map of the server's loop; its counts are readable from any thread.
     *
     * @return the map
     */
    public DispatcherMap map() {
        return map;
    }

    /** Stops the loop, closing every channel, and waits for its thread. Idempotent; any thread but the loop's. */
    @Override
    public void close() {
        loop.shutdownGracefully(Duration.ZERO);
        map.close();
    }
}
