package dev.asyncore.docs.threading;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;

// tag::relay[]
/** One side of a port forwarder: what it reads fills its partner's buffer, which the partner writes. Loop thread. */
public class Relay extends Dispatcher {

    final ByteBuffer buffer = ByteBuffer.allocate(8192);

    Relay partner;

    /**
     * Relays one connected channel. Loop thread.
     *
     * @param channel the channel
     * @param map the loop's map
     */
    public Relay(SocketChannel channel, DispatcherMap map) {
        super(channel, map);
    }

    @Override
    public boolean readable() {
        return partner.buffer.hasRemaining(); // room in the partner's buffer
    }

    @Override
    public boolean writable() {
        return buffer.position() > 0; // something to forward
    }

    @Override
    public void handleRead() throws IOException {
        recv(partner.buffer); // fills the partner's buffer...
    }

    @Override
    public void handleWrite() throws IOException { // ...which writes on the next pass
        buffer.flip();
        send(buffer);
        buffer.compact();
    }
    // end::relay[]

    /**
     * Makes two relays each other's partner. Loop thread.
     *
     * @param a one side
     * @param b the other side
     */
    public static void pair(Relay a, Relay b) {
        a.partner = b;
        b.partner = a;
    }

    @Override
    public void handleClose() {
        close();
        if (partner != null && partner.isConnected()) {
            partner.close();
        }
    }
    // tag::relay[]
}
// end::relay[]
