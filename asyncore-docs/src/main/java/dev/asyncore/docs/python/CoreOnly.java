package dev.asyncore.docs.python;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;

import dev.asyncore.Asyncore;
import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.EchoServer;

/** The core on its own, as in Python: an echo server and {@code Asyncore.loop} on the caller's thread. */
public final class CoreOnly {

    private CoreOnly() {}

    /**
     * Serves echo on the caller's thread until the map is empty or a dispatcher raises {@code ExitNow}. The caller's
     * thread becomes the loop thread.
     *
     * @param address where to listen: an address and port, or a UNIX-domain path
     * @param map the map to serve, {@code new DispatcherMap()}
     * @throws IOException if the server cannot bind
     */
    public static void serve(SocketAddress address, DispatcherMap map) throws IOException {
        // tag::core[]
        new EchoServer(address, map); // dev.asyncore.handler
        Asyncore.loop(Duration.ofSeconds(30), false, map); // or: new AsyncLoop(map).start()
        // end::core[]
    }
}
