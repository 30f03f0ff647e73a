package dev.asyncore;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import dev.asyncore.internal.TransportOwner;
import dev.asyncore.internal.util.FailureLogLimit;

/**
 * What a TLS transport needs from the dispatcher that holds it: its loop, its server's figures, its log (rate-limited
 * for failed handshakes) and its close. Loop thread, as the transport.
 */
final class TlsOwner implements TransportOwner {

    private final Dispatcher owner;

    TlsOwner(Dispatcher owner) {
        this.owner = owner;
    }

    /** The loop that runs the owner's map, or null. */
    @Override
    public AsyncLoop loop() {
        return owner.map().owner();
    }

    /** Runs {@code task} on the owner's loop after {@code timeout}; null for a zero timeout or when no loop runs. */
    @Override
    public AsyncLoop.Cancellable schedule(Runnable task, Duration timeout) {
        AsyncLoop loop = loop();
        if (timeout.isZero() || loop == null || loop.isTerminated()) {
            return null;
        }
        return loop.schedule(task, timeout);
    }

    /** Counts a completed handshake in the server's figures, if any. */
    @Override
    public void handshakeCompleted() {
        ServerStats s = owner.trafficStats();
        if (s != null) {
            s.handshakeCompleted();
        }
    }

    /**
     * Reports a failed connection in one line, without a stack trace: hostile or broken peers are expected on an open
     * port. A failure during the handshake (or a renegotiation) is counted as a failed handshake; past a few such lines
     * a minute per server, the rest are counted only ({@link FailureLogLimit}).
     */
    @Override
    public void failed(boolean handshaking, Throwable e, SocketChannel channel) {
        if (handshaking) {
            ServerStats s = owner.trafficStats();
            if (s != null) {
                s.handshakeFailed();
            }
            if (s == null
                    || s.handshakeFailureLog.admit(
                            System.nanoTime(),
                            (type, line) -> owner.map().logSink().log(owner, type, line))) {
                owner.logInfo("TLS handshake with " + peer(channel) + " failed: " + describe(e), "info");
            }
        } else {
            owner.logInfo("TLS connection with " + peer(channel) + " failed: " + describe(e), "info");
        }
    }

    /** Closes the owner through its {@code handleClose()} (or plainly, should that throw), unless already closed. */
    @Override
    public void close() {
        if (owner.fileno() != null) {
            try {
                owner.handleClose();
            } catch (RuntimeException e) {
                owner.close();
            }
        }
    }

    private String peer(SocketChannel channel) {
        try {
            SocketAddress a = owner.addr() != null ? owner.addr() : channel.getRemoteAddress();
            return SocketAddresses.repr(a);
        } catch (IOException e) {
            return "a closed peer";
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
