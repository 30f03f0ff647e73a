package dev.asyncore.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;

/** Test handler: replies with the upper case of what it reads (small messages only). Ignores graceful shutdown. */
public class UpperCaseHandler extends Dispatcher {

    private final ByteBuffer buffer = ByteBuffer.allocate(1024);

    /** Serves an accepted channel. */
    public UpperCaseHandler(SocketChannel channel, DispatcherMap map) {
        super(channel, map);
    }

    @Override
    public void handleRead() throws IOException {
        this.buffer.clear();
        int n = recv(this.buffer);
        if (n > 0) {
            this.buffer.flip();
            for (int i = 0; i < n; i++) {
                this.buffer.put(i, (byte) Character.toUpperCase(this.buffer.get(i)));
            }
            while (this.buffer.hasRemaining() && socket() != null && socket().isOpen()) {
                send(this.buffer);
            }
        }
    }

    @Override
    public boolean writable() {
        return false;
    }
}
