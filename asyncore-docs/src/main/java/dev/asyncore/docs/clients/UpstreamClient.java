package dev.asyncore.docs.clients;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;

/** The dispatcher of one upstream connection: it logs what the upstream sends. Loop thread. */
public class UpstreamClient extends DispatcherWithSend {

    /**
     * Takes over a connected channel. Loop thread.
     *
     * @param channel the connected channel
     * @param map the loop's map
     */
    public UpstreamClient(SocketChannel channel, DispatcherMap map) {
        super(channel, map);
    }

    @Override
    public void handleRead() throws IOException {
        byte[] data = recv(4096);
        if (data.length > 0) {
            logInfo("upstream sent " + data.length + " bytes");
        }
    }

    @Override
    public void handleClose() {
        close();
    }
}
