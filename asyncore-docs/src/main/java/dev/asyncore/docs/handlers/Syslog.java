package dev.asyncore.docs.handlers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;

import dev.asyncore.Datagram;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.SocketType;

// tag::syslog[]
/** Answers each datagram with its size, as a dispatcher on a {@code SOCK_DGRAM} socket does in Python. Loop thread. */
public class Syslog extends Dispatcher {

    /**
     * Binds a datagram socket. Before the loop runs, or on its thread.
     *
     * @param map the map of the loop that runs it
     * @param port the UDP port (0 picks a free one)
     * @throws IOException if the socket cannot be bound
     */
    public Syslog(DispatcherMap map, int port) throws IOException {
        super(map);
        createSocket(StandardProtocolFamily.INET, SocketType.SOCK_DGRAM); // INET6 works the same way
        bind(new InetSocketAddress("127.0.0.1", port));
    }

    @Override
    public boolean writable() {
        return false;
    }

    @Override
    public void handleRead() throws IOException {
        Datagram d = recvfrom(2048); // null when nothing is waiting
        if (d != null) {
            sendto(("got " + d.data().length + " bytes").getBytes(), d.address());
        }
    }
}
// end::syslog[]
