package dev.asyncore.docs.handlers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;

/**
 * Connects to an echo server, sends {@code ping} and closes once the echo is back. Built on the loop thread (its
 * constructor registers it in the map); every event runs there.
 */
public class PingClient extends DispatcherWithSend {

    private final StringBuilder received = new StringBuilder();

    private volatile String reply;

    /**
     * Opens the socket, starts connecting and queues {@code ping}. Loop thread.
     *
     * @param address the echo server
     * @param map the loop's map
     * @throws IOException if the socket cannot be opened
     */
    public PingClient(InetSocketAddress address, DispatcherMap map) throws IOException {
        super(map);
        createSocket();
        connect(address);
        send("ping\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void handleConnect() {}

    @Override
    public void handleRead() throws IOException {
        byte[] data = recv(256);
        received.append(new String(data, StandardCharsets.US_ASCII));
        if (received.indexOf("\n") >= 0) {
            reply = received.toString().trim();
            close();
        }
    }

    @Override
    public void handleClose() {
        close();
    }

    /**
     * Returns the echoed line once it came back. Any thread.
     *
     * @return the reply, or null before it arrived
     */
    public String reply() {
        return reply;
    }
}
