package dev.asyncore.docs.servers;

import java.io.IOException;
import java.net.InetSocketAddress;

import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.DatagramServer;

/** The library's UDP echo, without Spring. */
public final class UdpEcho {

    private UdpEcho() {}

    /**
     * Binds a UDP echo server on every interface. Before the map's loop runs, or on its thread.
     *
     * @param map the map of the loop that runs it
     * @param port the UDP port (0 picks a free one)
     * @return the bound server
     * @throws IOException if the socket cannot be bound
     */
    public static DatagramServer open(DispatcherMap map, int port) throws IOException {
        // tag::datagram-server[]
        DatagramServer server = new DatagramServer(map, DatagramHandler.echo());
        server.open(new InetSocketAddress("0.0.0.0", port)); // a wildcard receives IPv4 and IPv6 through one socket
        // end::datagram-server[]
        return server;
    }
}
