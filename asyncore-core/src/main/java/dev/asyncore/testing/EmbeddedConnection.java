package dev.asyncore.testing;

import java.nio.charset.StandardCharsets;

import dev.asyncore.Dispatcher;
import dev.asyncore.ServerStats;
import dev.asyncore.internal.ApiAccess;

/**
 * One connection of an {@link EmbeddedLoop}, seen from the peer: write bytes to the handler, read what it sent, shut down or
 * reset the connection, throttle the peer's reading. Every call that changes what the handler can do runs the loop's
 * pending events before it returns. Confined to the thread of its loop.
 */
public final class EmbeddedConnection {

    private final EmbeddedLoop loop;
    private final EmbeddedSocketChannel channel;
    private final Dispatcher handler;

    EmbeddedConnection(EmbeddedLoop loop, EmbeddedSocketChannel channel, Dispatcher handler) {
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
    }

    /**
     * The handler the factory made.
     *
     * @return the handler
     */
    public Dispatcher handler() {
        return handler;
    }

    /**
     * The handler, cast to its type.
     *
     * @param type the handler's class
     * @param <T> the handler's type
     * @return the handler
     */
    public <T extends Dispatcher> T handler(Class<T> type) {
        return type.cast(handler);
    }

    /**
     * Makes the handler count its traffic, and its queued output under the figures' {@code OutputBudget}, in a server's
     * figures, as a server does for each connection it accepts (one test's connections can so share a budget).
     *
     * @param stats the figures
     * @return this connection
     */
    public EmbeddedConnection countIn(ServerStats stats) {
        ApiAccess.counter(stats).attach(handler, null);
        return this;
    }

    /**
     * The in-memory channel under the handler.
     *
     * @return the channel
     */
    public EmbeddedSocketChannel channel() {
        return channel;
    }

    /**
     * Sends bytes to the handler and runs pending events.
     *
     * @param data the bytes
     * @return this connection
     */
    public EmbeddedConnection writeInbound(byte[] data) {
        channel.writeInbound(data);
        loop.runPendingEvents();
        return this;
    }

    /**
     * Sends a string, encoded as UTF-8, to the handler and runs pending events.
     *
     * @param text the text
     * @return this connection
     */
    public EmbeddedConnection writeInbound(String text) {
        return writeInbound(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Takes every byte the handler sent so far, then runs pending events (a handler held back by a full window may write
     * more now).
     *
     * @return the bytes, oldest first
     */
    public byte[] readOutbound() {
        byte[] data = channel.readOutbound();
        loop.runPendingEvents();
        return data;
    }

    /**
     * Takes every byte the handler sent so far, decoded as UTF-8, then runs pending events.
     *
     * @return the text
     */
    public String readOutboundString() {
        return new String(readOutbound(), StandardCharsets.UTF_8);
    }

    /** The peer shuts its output down (the handler reads end of stream), then pending events run. */
    public void shutdownInbound() {
        channel.shutdownInbound();
        loop.runPendingEvents();
    }

    /** The peer resets the connection, then pending events run. */
    public void reset() {
        channel.reset();
        loop.runPendingEvents();
    }

    /**
     * Caps the bytes the handler may have sent and the peer not read (a slow reader), then runs pending events.
     *
     * @param bytes the cap; {@link Integer#MAX_VALUE} for none
     */
    public void setWindow(int bytes) {
        channel.setWindow(bytes);
        loop.runPendingEvents();
    }

    /**
     * Whether the handler still has the channel open.
     *
     * @return false once the handler closed it
     */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Whether the peer would see end of stream after what it has read: the handler shut its output down or closed.
     *
     * @return true once nothing more will come
     */
    public boolean isOutputShutdown() {
        return channel.isOutputShutdown();
    }

    /** A count that grows whenever the handler moves a byte or changes the channel: the loop's progress test. */
    long progress() {
        return channel.changes();
    }
}
