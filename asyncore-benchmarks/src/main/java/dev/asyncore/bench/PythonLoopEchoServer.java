package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.EchoServer;

/**
 * The same {@link EchoServer} driven the way Python drives it: {@link Asyncore#loop} on one thread, which asks every channel
 * {@code readable()} and {@code writable()} on every pass. It is the "before" of {@code AsyncLoop}'s incremental passes:
 * compare the two with many idle connections open. Built and closed on any thread; the loop runs on its own thread.
 */
public final class PythonLoopEchoServer implements ServerMain.RunningServer {
    private final DispatcherMap map = new DispatcherMap();
    private final EchoServer server;
    private final Thread thread;
    private volatile boolean stop;

    /**
     * Binds the echo server on the loopback address and starts passes on a new thread.
     *
     * @param port the port, 0 for any free port
     * @throws IOException when the socket cannot be bound
     */
    public PythonLoopEchoServer(int port) throws IOException {
        server = new EchoServer(new InetSocketAddress("127.0.0.1", port), map);
        thread = new Thread(this::run, "python-loop-echo");
        thread.start();
    }

    private void run() {
        while (!stop) {
            Asyncore.loop(Duration.ofMillis(100), false, map, 1);
        }
        Asyncore.closeAll(map, true);
        map.close();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Ends the passes (within one 100 ms pass) and closes every channel on the loop's thread. Any thread. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
