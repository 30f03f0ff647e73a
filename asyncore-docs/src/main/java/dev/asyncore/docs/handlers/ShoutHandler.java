package dev.asyncore.docs.handlers;

import java.io.ByteArrayOutputStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;

// tag::handler[]
/** Answers each line in upper case. Every event runs on the loop thread. */
public class ShoutHandler extends AsyncChat {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /**
     * Serves one accepted connection. Loop thread.
     *
     * @param channel the accepted channel
     * @param map the map of the loop that runs it
     */
    public ShoutHandler(SocketChannel channel, DispatcherMap map) {
        super(channel, map);
        setTerminator(new byte[] {'\n'});
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        line.writeBytes(data);
    }

    @Override
    protected void foundTerminator() {
        push((line.toString(StandardCharsets.UTF_8).toUpperCase() + "\n").getBytes(StandardCharsets.UTF_8));
        line.reset();
    }
}
// end::handler[]
