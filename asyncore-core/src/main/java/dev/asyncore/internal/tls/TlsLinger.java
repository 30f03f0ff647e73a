package dev.asyncore.internal.tls;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
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

    TlsLinger(SocketChannel channel, AsyncLoop loop, ByteBuffer rest, Duration timeout) {
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
