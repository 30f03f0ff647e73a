package dev.asyncore.internal.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * The first stage of a server connection that picks its context by the name the client asks for (SNI): reads the
 * client's first records until its ClientHello is whole ({@link ClientHelloParser}), then makes the engine for that name
 * and starts its handshake, leaving the records read for the engine. Loop thread, as the transport that holds it.
 *
 * <p>A server with application protocols refuses here a client whose ALPN offer shares none of them, with the
 * {@code no_application_protocol} alert (RFC 7301), before any engine exists: the same on every provider (the JDK's
 * engine sends that alert itself, BoringSSL's would go on without ALPN).
 */
final class HelloStage {

    /** Room for the records of the largest ClientHello accepted, split in two records: one TLS packet, as the JDK's. */
    static final int HELLO_BUFFER = 16709;

    /** A fatal {@code no_application_protocol} (120) alert record, in plaintext as every alert before the ServerHello. */
    private static final byte[] NO_APPLICATION_PROTOCOL = {21, 3, 3, 0, 2, 2, 120};

    private final Function<String, SSLEngine> engines;
    /** The server's application protocols, or null when it agrees none. */
    private final List<String> protocols;

    private String serverName;

    HelloStage(Function<String, SSLEngine> engines, List<String> protocols) {
        this.engines = engines;
        this.protocols = protocols;
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
        ClientHelloParser.Hello hello = ClientHelloParser.hello(buffers.in());
        serverName = ClientHelloParser.serverName(hello);
        if (protocols != null) {
            refuseWithoutCommonProtocol(buffers, hello);
        }
        SSLEngine engine = engines.apply(serverName);
        SSLSession session = engine.getSession();
        buffers.engine(engine, session.getPacketBufferSize(), session.getApplicationBufferSize());
        engine.beginHandshake();
        return engine;
    }

    private void refuseWithoutCommonProtocol(TlsBuffers buffers, ClientHelloParser.Hello hello) throws IOException {
        List<String> offered = ClientHelloParser.applicationProtocols(hello);
        if (offered == null || !Collections.disjoint(offered, protocols)) {
            return; // no ALPN offered (served without), or a protocol in common (the engine picks it)
        }
        buffers.channel().write(ByteBuffer.wrap(NO_APPLICATION_PROTOCOL)); // a courtesy: what the socket takes at once
        throw new SSLHandshakeException(
                "no_application_protocol: the client offered " + offered + ", the server serves " + protocols);
    }

    /** The host name the ClientHello asked for, in lower case; null before it arrived or if it named none. */
    String serverName() {
        return serverName;
    }
}
