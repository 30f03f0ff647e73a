package dev.asyncore.sample;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The handler of the {@code echo-probe} client ({@code asyncore.clients.echo-probe}): on each connection to the sample's own
 * echo-tls server it sends one line and logs the line that comes back, so that the endpoint shows the client connected, with
 * bytes both ways. The starter makes a new one for each connection, on the loop thread; every method runs there.
 */
public class EchoProbe extends AsyncChat {

    private static final Log logger = LogFactory.getLog(EchoProbe.class);

    /**
     * Greets the server from a task queued on the loop: it runs once the starter has attached the client's figures to
     * this connection, so the greeting is counted (and, over TLS, encrypted). Loop thread.
     *
     * @param channel the connected channel
     * @param map the managed map
     */
    public EchoProbe(SocketChannel channel, DispatcherMap map) {
        super(channel, map);
        setTerminator("\n".getBytes(StandardCharsets.US_ASCII));
        loop().execute(() -> push("hello from echo-probe\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        collectIncomingDataDefault(data);
    }

    @Override
    protected void foundTerminator() {
        logger.info("echo-probe got back: " + new String(getData(), StandardCharsets.UTF_8));
    }
}
