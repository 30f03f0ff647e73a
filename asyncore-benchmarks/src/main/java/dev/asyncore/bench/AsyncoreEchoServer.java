package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.EchoServer;

/**
 * This project's echo server on the plain core API: {@link EchoServer} in its own {@link DispatcherMap}, driven by one
 * {@link AsyncLoop} thread. Any thread may construct or close it.
 */
public final class AsyncoreEchoServer implements ServerMain.RunningServer {
    private final DispatcherMap map = new DispatcherMap();
    private final EchoServer server;
    private final AsyncLoop loop;

    /**
     * Binds the echo server on the loopback address and starts its loop.
     *
     * @param port the port, 0 for any free port
     * @throws IOException when the socket cannot be bound
     */
    public AsyncoreEchoServer(int port) throws IOException {
        server = new EchoServer(new InetSocketAddress("127.0.0.1", port), map);
        loop = AsyncLoop.builder(map).threadName("asyncore-echo").build();
        loop.start();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops the loop and closes every channel. Any thread. */
    @Override
    public void close() {
        loop.shutdownGracefully(Duration.ofSeconds(1));
        map.close();
    }
}
