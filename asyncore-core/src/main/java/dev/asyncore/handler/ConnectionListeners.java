package dev.asyncore.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.asyncore.Dispatcher;

/**
 * The {@link ConnectionListener}s of one {@link ServerDispatcher}: tells each of every connection opened and, through the
 * handler's close listener, closed; a listener that throws is logged and the others are still told. Loop thread.
 */
final class ConnectionListeners {

    private final ServerDispatcher server;
    private final List<ConnectionListener> listeners = new ArrayList<>();

    ConnectionListeners(ServerDispatcher server) {
        this.server = server;
    }

    void add(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Tells the listeners of a new connection and hooks them to its close; does nothing without listeners. */
    void opened(Dispatcher handler) {
        if (listeners.isEmpty()) {
            return;
        }
        for (ConnectionListener l : listeners) {
            try {
                l.connectionOpened(server, handler);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
        handler.setCloseListener((closed, cause) -> {
            for (ConnectionListener l : listeners) {
                try {
                    l.connectionClosed(server, closed, cause);
                } catch (RuntimeException e) {
                    failed(l, e);
                }
            }
        });
    }

    private void failed(ConnectionListener l, RuntimeException e) {
        server.map().logSink().log(server, "error", "connection listener " + l + " failed: " + e);
    }
}
