package dev.asyncore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Hand-written single-threaded NIO echo server: the baseline for what plain Java NIO can do.
 *
 * <p>Reads into one shared direct buffer and writes straight back; only bytes the kernel would not take are copied into a
 * per-connection pending buffer (allocated the first time it is needed, then reused), and that connection is not read again
 * until they are sent. Nothing is allocated per message (ready keys are taken with {@code select(Consumer)}, not an
 * iterator). Apart from construction, everything runs on the thread that calls {@link #run()}.
 */
public final class NioEchoServer implements Runnable, AutoCloseable {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Selector selector;
    private final ServerSocketChannel server;
    private final ByteBuffer shared = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean closed;

    /**
     * Binds a listening socket on the loopback address.
     *
     * @param port the port, 0 for any free port
     * @throws IOException when the socket cannot be opened or bound
     */
    public NioEchoServer(int port) throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 128);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    /**
     * Returns the bound port. Any thread.
     *
     * @return the local port
     * @throws IOException when the socket is closed
     */
    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** Runs the event loop until {@link #close()} is called; call it on the one loop thread. */
    @Override
    public void run() {
        try {
            while (!closed) {
                selector.select(onReady);
            }
        } catch (IOException e) {
            if (!closed) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void onReady(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isAcceptable()) {
                accept();
            } else if (key.isWritable()) {
                flush(key);
            } else if (key.isReadable()) {
                read(key);
            }
        } catch (IOException e) {
            if (key.channel() == server) {
                throw new UncheckedIOException(e);
            }
            drop(key);
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.register(selector, SelectionKey.OP_READ);
        }
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        ByteBuffer buf = shared;
        for (; ; ) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                drop(key);
                return;
            }
            if (n == 0) {
                return;
            }
            buf.flip();
            ch.write(buf);
            if (buf.hasRemaining()) {
                ByteBuffer pending = (ByteBuffer) key.attachment();
                if (pending == null) {
                    pending = ByteBuffer.allocateDirect(BUFFER_SIZE);
                    key.attach(pending);
                }
                pending.clear();
                pending.put(buf);
                pending.flip();
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            if (n < BUFFER_SIZE) {
                return;
            }
        }
    }

    private static void flush(SelectionKey key) throws IOException {
        ByteBuffer pending = (ByteBuffer) key.attachment();
        ((SocketChannel) key.channel()).write(pending);
        if (!pending.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private static void drop(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing a broken connection: nothing left to do
        }
    }

    /** Stops the loop and closes the listening socket. Any thread. */
    @Override
    public void close() throws IOException {
        closed = true;
        selector.wakeup();
        server.close();
    }
}
