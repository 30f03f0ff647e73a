package dev.asyncore.handler;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.TrackedInterest;
import dev.asyncore.internal.ApiAccess;
import dev.asyncore.proxy.ProxyHeader;
import dev.asyncore.proxy.ProxyHeaderException;
import dev.asyncore.proxy.ProxyHeaderParser;

/**
 * Reads the PROXY protocol header of one accepted connection, then leaves the map and hands the channel, with the client's
 * address, to its {@link ServerDispatcher}'s {@code handleAccepted}, which makes the handler. Loop thread.
 *
 * <p>It never reads past the header ({@link ProxyHeaderParser#maxRead()}), so the handler receives every byte the client
 * sent after it. A connection whose header is invalid, or that ends or fails before a complete header, is closed and counted
 * in {@link dev.asyncore.ServerStats#headerRefused()}; one whose header does not arrive within the timeout is closed and
 * counted in {@link dev.asyncore.ServerStats#headerTimedOut()} (the timeout is enforced when an {@link AsyncLoop} runs the
 * map). While it reads, the connection counts in {@link dev.asyncore.ServerStats#headersPending()}, which the server holds
 * to its connection limit.
 */
@TrackedInterest
final class ProxyHeaderReader extends Dispatcher {

    private final ServerDispatcher server;
    private final SocketChannel channel;
    private final ProxyHeaderParser parser = new ProxyHeaderParser();
    private AsyncLoop.Cancellable timer;
    private boolean finished;

    ProxyHeaderReader(ServerDispatcher server, SocketChannel channel, Duration timeout) {
        super(channel, server.map());
        this.server = server;
        this.channel = channel;
        ApiAccess.counter(server.stats()).headerStarted();
        AsyncLoop loop = server.map().owner();
        if (loop != null && timeout != null) {
            timer = loop.schedule(this::timedOut, timeout);
        }
    }

    @Override
    public boolean readable() {
        return !finished;
    }

    @Override
    public boolean writable() {
        return false;
    }

    @Override
    public void handleRead() throws Exception {
        // the map's shared buffer: the bytes are copied into the parser before this method returns
        ByteBuffer buffer = map().scratchBuffer();
        buffer.clear().limit(Math.min(buffer.capacity(), parser.maxRead()));
        if (recv(buffer) <= 0) {
            return;
        }
        buffer.flip();
        ProxyHeader header;
        try {
            header = parser.feed(buffer);
        } catch (ProxyHeaderException e) {
            refuse();
            return;
        }
        if (header != null) {
            handOff(header.sourceOr(addr()));
        }
    }

    /** The peer closed before a complete header. */
    @Override
    public void handleClose() {
        if (!finished) {
            refuse();
        }
    }

    @Override
    public void handleError(Throwable t) {
        if (finished) {
            logInfo(
                    "handler for " + server.getClass().getSimpleName() + " failed after the PROXY header: " + t,
                    "error");
        } else {
            refuse();
        }
    }

    private void handOff(SocketAddress client) throws Exception {
        finish();
        delChannel();
        server.handleAccepted(channel, client);
    }

    private void refuse() {
        finish();
        ApiAccess.counter(server.stats()).connectionHeaderRefused();
        close();
    }

    private void timedOut() {
        if (!finished) {
            finish();
            ApiAccess.counter(server.stats()).connectionHeaderTimedOut();
            close();
        }
    }

    /** Closes the connection and cancels the header timeout, so that nothing keeps the channel reachable. */
    @Override
    public void close() {
        finish();
        super.close();
    }

    private void finish() {
        if (finished) {
            return;
        }
        ApiAccess.counter(server.stats()).headerEnded();
        finished = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
