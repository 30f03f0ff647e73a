package dev.asyncore.internal.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.TlsOptions;
import dev.asyncore.TrackedInterest;

/**
 * Writes the last TLS records of a closed dispatcher (its final bytes and {@code close_notify}) that the socket did not
 * take at once, then closes the socket: {@code close()} right after a last {@code send} loses nothing, as a plaintext
 * socket's kernel buffer loses nothing. Gives up after a timeout. Loop thread.
 */
@TrackedInterest
public final class TlsLinger extends Dispatcher {

    private final ByteBuffer rest;
    private final AsyncLoop.Cancellable timer;

    /**
     * Hands what is left of a closing connection's records (and its {@code close_notify}, if asked) to a linger on
     * {@code loop}, bounded by {@code timeout} (or 10 seconds for none); false, and nothing done, unless {@code loop}
     * runs and this is its thread.
     */
    static boolean start(AsyncLoop loop, TlsBuffers buffers, boolean closeNotify, Duration timeout) throws IOException {
        if (loop == null || !loop.isRunning() || !loop.inEventLoop()) {
            return false;
        }
        buffers.releaseScratch();
        ByteBuffer rest = buffers.takeUnwritten(closeNotify);
        new TlsLinger(buffers.channel(), loop, rest, timeout.isZero() ? TlsOptions.DEFAULT_HANDSHAKE_TIMEOUT : timeout);
        return true;
    }

    private TlsLinger(SocketChannel channel, AsyncLoop loop, ByteBuffer rest, Duration timeout) {
        super(channel, loop.map());
        this.rest = rest;
        this.timer = loop.schedule(this::close, timeout);
    }

    @Override
    public boolean readable() {
        return false;
    }

    @Override
    public boolean writable() {
        return rest.hasRemaining();
    }

    @Override
    public void handleWrite() throws Exception {
        send(rest);
        if (!rest.hasRemaining()) {
            close();
        }
    }

    @Override
    public void handleClose() {
        close();
    }

    @Override
    public void close() {
        timer.cancel();
        super.close();
    }
}
