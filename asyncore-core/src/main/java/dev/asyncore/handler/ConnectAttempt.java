package dev.asyncore.handler;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.SocketAddresses;

/**
 * One connect of a {@link ClientConnector}: a dispatcher that owns the channel until TCP is up, then hands the channel,
 * still registered with the loop's selector, to the connector and leaves the map without closing it. Loop thread.
 */
final class ConnectAttempt extends Dispatcher {

    private final ClientConnector connector;
    private final InetSocketAddress target;
    private AsyncLoop.Cancellable timer;
    private boolean done;

    ConnectAttempt(ClientConnector connector, InetSocketAddress target) {
        super(connector.loop().map());
        this.connector = connector;
        this.target = target;
    }

    /** Opens the channel, starts connecting and arms the timeout. */
    void begin() throws Exception {
        createSocket(SocketAddresses.familyOf(target));
        timer = loop().schedule(this::timedOut, connector.connectTimeout());
        connect(target);
    }

    InetSocketAddress target() {
        return target;
    }

    @Override
    public void handleConnect() {
        if (finish()) {
            SocketChannel channel = (SocketChannel) socket();
            delChannel();
            connector.attemptConnected(this, channel);
        }
    }

    @Override
    public void handleError(Throwable t) {
        fail(t);
    }

    @Override
    public void handleClose() {
        fail(new ConnectException("connection closed while connecting to " + target));
    }

    @Override
    public boolean readable() {
        return false;
    }

    @Override
    public boolean writable() {
        return !done; // a pending connect is selected through write interest, as in Python
    }

    @Override
    public void handleRead() {}

    @Override
    public void handleWrite() {}

    /** Closes the channel without telling the connector: it is stopping. */
    void abandon() {
        if (finish()) {
            close();
        }
    }

    void fail(Throwable t) {
        if (finish()) {
            close();
            connector.attemptFailed(this, t);
        }
    }

    private void timedOut() {
        fail(new SocketTimeoutException(
                "connect to " + SocketAddresses.describe(target) + " timed out after " + connector.connectTimeout()));
    }

    private boolean finish() {
        if (done) {
            return false;
        }
        done = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        return true;
    }
}
