package dev.asyncore.handler;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * Answers the datagrams a {@link DatagramServer} receives, one call per datagram. Called on the loop thread.
 *
 * <p>The buffer is the loop's shared scratch buffer: read it during the call and keep nothing of it; replies go through
 * {@link DatagramServer#reply(ByteBuffer, SocketAddress)}, which sends or queues them (copying) before it returns.
 */
@FunctionalInterface
public interface DatagramHandler {

    /**
     * Handles one datagram.
     *
     * @param data the datagram's bytes, from its position to its limit
     * @param sender who sent it
     * @param server the server that received it, to reply through
     * @throws Exception anything: the server logs it and goes on with the next datagram
     */
    void handleDatagram(ByteBuffer data, SocketAddress sender, DatagramServer server) throws Exception;

    /**
     * The echo handler: answers each datagram with its own bytes, to its sender. Any thread.
     *
     * @return the handler
     */
    static DatagramHandler echo() {
        return (data, sender, server) -> server.reply(data, sender);
    }
}
