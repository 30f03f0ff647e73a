package dev.asyncore.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.DispatcherMap;

/** Python's {@code echo_client}: collects each frame into {@link #contents}. */
final class EchoClient extends AsyncChat {

    final List<String> contents = new ArrayList<>();
    final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    final List<Throwable> errors = new ArrayList<>();

    EchoClient(Object terminator, InetSocketAddress server, DispatcherMap map) throws IOException {
        super(map);
        createSocket(StandardProtocolFamily.INET);
        connect(server);
        RecordingChat.applyTerminator(this, terminator);
    }

    @Override
    public void handleConnect() {
        // Python's echo_client ignores it too
    }

    @Override
    public void handleError(Throwable t) {
        errors.add(t);
        super.handleError(t);
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        buffer.writeBytes(data);
    }

    @Override
    protected void foundTerminator() {
        contents.add(buffer.toString(StandardCharsets.ISO_8859_1));
        buffer.reset();
    }
}
