package dev.asyncore.handler;

import java.io.IOException;
import java.net.SocketAddress;

import dev.asyncore.DispatcherMap;

/**
 * A listening echo server: an {@link EchoHandler} for each accepted connection (the spec's echo example, with bounded
 * buffering). Loop thread, as {@code Dispatcher}; build it on any thread before its loop runs.
 */
public class EchoServer extends ServerDispatcher {

    /**
     * Listens on an address with the {@link ServerDispatcher#DEFAULT_BACKLOG default backlog}.
     *
     * @param address the address (port 0 picks a free port; a {@code UnixDomainSocketAddress} for a UNIX socket)
     * @param map the map; null means the default map
     * @throws IOException if the address cannot be bound
     */
    public EchoServer(SocketAddress address, DispatcherMap map) throws IOException {
        super(map, (channel, peer, m) -> new EchoHandler(channel, m));
        open(address, DEFAULT_BACKLOG);
    }
}
