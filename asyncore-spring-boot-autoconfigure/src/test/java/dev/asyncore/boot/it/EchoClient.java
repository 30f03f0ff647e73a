package dev.asyncore.boot.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.context.AsyncoreServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** A {@code @Component} client dispatcher: connects to the "echo" server once it is bound, sends a greeting, reads it back. */
@Component
public class EchoClient extends Dispatcher {

    static final String GREETING = "hello from a component dispatcher";

    final CompletableFuture<String> reply = new CompletableFuture<>();

    private final ByteBuffer out = ByteBuffer.wrap(GREETING.getBytes(StandardCharsets.US_ASCII));

    private final StringBuilder received = new StringBuilder();

    /** Joins the managed map. */
    public EchoClient(DispatcherMap map) {
        super(map);
    }

    /** Connects to the echo server as soon as it has bound. */
    @EventListener
    public void onServer(AsyncoreServerInitializedEvent event) throws IOException {
        if ("echo".equals(event.getServerName())) {
            createSocket();
            connect(new InetSocketAddress("127.0.0.1", event.getPort()));
        }
    }

    @Override
    public boolean writable() {
        return this.out.hasRemaining();
    }

    @Override
    public void handleConnect() {}

    @Override
    public void handleWrite() throws IOException {
        send(this.out);
    }

    @Override
    public void handleRead() throws IOException {
        byte[] data = recv(1024);
        this.received.append(new String(data, StandardCharsets.US_ASCII));
        if (this.received.length() >= GREETING.length()) {
            this.reply.complete(this.received.toString());
        }
    }

    @Override
    public void handleClose() {
        close();
    }

    @Override
    protected void handleShutdown() {
        close();
    }
}
