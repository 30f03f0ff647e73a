package dev.asyncore;

/**
 * Traffic and connection figures of one listening server, written by the loop thread and readable from any thread.
 *
 * <p>A {@link Dispatcher} that carries a {@code ServerStats} (see {@link #attach(Dispatcher)}) adds the bytes it sends and
 * receives. Counters are single-writer volatile fields: the loop thread writes, anyone reads.
 */
public final class ServerStats {

    private volatile int connections;
    private volatile long accepted;
    private volatile long rejected;
    private volatile long bytesReceived;
    private volatile long bytesSent;

    /** Creates zeroed figures. Any thread. */
    public ServerStats() {
    }

    /**
     * Makes a dispatcher count its traffic here. Loop thread.
     *
     * @param dispatcher an accepted connection's dispatcher
     */
    public void attach(Dispatcher dispatcher) {
        dispatcher.stats = this;
    }

    /** Counts a connection accepted and now open. Loop thread. */
    public void connectionOpened() {
        accepted = accepted + 1;
        connections = connections + 1;
    }

    /** Counts an accepted connection that closed. Loop thread. */
    public void connectionClosed() {
        connections = connections - 1;
    }

    /** Counts a connection refused at once (over the connection limit, or its handler failed). Loop thread. */
    public void connectionRejected() {
        rejected = rejected + 1;
    }

    void received(int n) {
        bytesReceived = bytesReceived + n;
    }

    void sent(int n) {
        bytesSent = bytesSent + n;
    }

    /**
     * Accepted connections open now. Any thread.
     *
     * @return the count
     */
    public int connections() {
        return connections;
    }

    /**
     * Connections accepted since start. Any thread.
     *
     * @return the count
     */
    public long accepted() {
        return accepted;
    }

    /**
     * Connections closed at once since start. Any thread.
     *
     * @return the count
     */
    public long rejected() {
        return rejected;
    }

    /**
     * Bytes received from all connections since start. Any thread.
     *
     * @return the count
     */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * Bytes sent to all connections since start. Any thread.
     *
     * @return the count
     */
    public long bytesSent() {
        return bytesSent;
    }
}
