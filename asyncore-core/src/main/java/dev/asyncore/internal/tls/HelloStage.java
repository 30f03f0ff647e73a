package dev.asyncore.internal.tls;

import java.io.EOFException;
import java.io.IOException;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * The first stage of a server connection that picks its context by the name the client asks for (SNI): reads the
 * client's first records until its ClientHello is whole ({@link ClientHelloParser}), then makes the engine for that name
 * and starts its handshake, leaving the records read for the engine. Loop thread, as the transport that holds it.
 */
final class HelloStage {

    /** Room for the records of the largest ClientHello accepted, split in two records: one TLS packet, as the JDK's. */
    static final int HELLO_BUFFER = 16709;

    private final Function<String, SSLEngine> engines;
    private String serverName;

    HelloStage(Function<String, SSLEngine> engines) {
        this.engines = engines;
    }

    /**
     * The engine for the name the ClientHello asks for, its handshake begun and {@code buffers} sized for it; null while
     * more bytes are needed.
     *
     * @throws SSLException if the first records are not a ClientHello within the limits
     * @throws EOFException if the peer closed first
     */
    SSLEngine engine(TlsBuffers buffers) throws IOException {
        while (!ClientHelloParser.complete(buffers.in())) {
            int n = buffers.readSocket();
            if (n < 0) {
                throw new EOFException("the peer closed the connection before its ClientHello was whole");
            }
            if (n == 0) {
                return null;
            }
        }
        serverName = ClientHelloParser.serverName(buffers.in());
        SSLEngine engine = engines.apply(serverName);
        SSLSession session = engine.getSession();
        buffers.engine(engine, session.getPacketBufferSize(), session.getApplicationBufferSize());
        engine.beginHandshake();
        return engine;
    }

    /** The host name the ClientHello asked for, in lower case; null before it arrived or if it named none. */
    String serverName() {
        return serverName;
    }
}
