package dev.asyncore.internal.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import dev.asyncore.TlsProvider;

/**
 * Steps on an {@link SSLEngine} that need nothing of the transport's state: its delegated tasks, the messages after
 * the handshake, and what the session says of names and protocols. Loop thread, as the transport.
 */
final class TlsEngineSteps {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private TlsEngineSteps() {}

    /** The buffers of a connection on {@code engine}, whose handshake this begins. */
    static TlsBuffers begin(SocketChannel channel, SSLEngine engine) {
        SSLSession session = engine.getSession();
        TlsBuffers buffers =
                new TlsBuffers(channel, engine, session.getPacketBufferSize(), session.getApplicationBufferSize());
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS cannot start: " + e.getMessage(), e);
        }
        return buffers;
    }

    /** Runs the engine's delegated tasks (certificate checks, key agreement) inline. */
    static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Answers a TLS 1.3 handshake message after the handshake (a key update, a ticket). The transport refuses a TLS 1.2
     * renegotiation before this: a renegotiating peer can make the server spend CPU at will.
     */
    static void postHandshake(SSLEngine engine, TlsBuffers buffers) throws IOException {
        HandshakeStatus hs;
        while ((hs = engine.getHandshakeStatus()) == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks(engine);
            } else if (buffers.flush()) {
                buffers.wrapAndWrite(EMPTY);
            } else {
                return;
            }
        }
    }

    /** Closes the engine's output and sends its alert, if any, when the socket takes it at once: a courtesy. */
    static void sendAlert(SSLEngine engine, TlsBuffers buffers) {
        try {
            engine.closeOutbound();
            if (buffers.flush()) {
                buffers.wrapAndWrite(EMPTY);
            }
        } catch (IOException | RuntimeException ignored) {
            // the alert is a courtesy
        }
    }

    /**
     * The host name sent as SNI: on a client, the one it sends; on a server, the one the client asked for, as the
     * session reports it ({@link ExtendedSSLSession#getRequestedServerNames()}); null if none.
     */
    static String requestedServerName(SSLEngine engine, SSLSession session) {
        List<SNIServerName> names;
        if (engine.getUseClientMode()) {
            names = engine.getSSLParameters().getServerNames();
        } else if (session instanceof ExtendedSSLSession extended) {
            names = extended.getRequestedServerNames();
        } else {
            return null;
        }
        if (names == null) {
            return null;
        }
        for (SNIServerName name : names) {
            if (name instanceof SNIHostName host) {
                return host.getAsciiName().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** The protocol ALPN settled on, or null when none was (the peer offered none, or the engine has no ALPN). */
    static String applicationProtocol(SSLEngine engine) {
        String p;
        try {
            p = engine.getApplicationProtocol();
        } catch (UnsupportedOperationException e) {
            return null;
        }
        return p == null || p.isEmpty() ? null : p;
    }

    /** Decrypts from {@code in} (write mode, compacted again after) into {@code app}. */
    static SSLEngineResult unwrap(SSLEngine engine, ByteBuffer in, ByteBuffer app) throws SSLException {
        in.flip();
        try {
            return engine.unwrap(in, app);
        } finally {
            in.compact();
        }
    }

    /** The provider an engine belongs to. */
    static TlsProvider provider(SSLEngine engine) {
        return OpenSsl.isOpenSsl(engine) ? TlsProvider.OPENSSL : TlsProvider.JDK;
    }

    /** Whether the records read (write mode, at least one byte) start with a handshake record (content type 22). */
    static boolean isHandshakeRecord(ByteBuffer in) {
        return in.get(0) == 22;
    }

    /** The session being negotiated while the handshake runs (when the engine has one), else the engine's session. */
    static SSLSession session(SSLEngine engine, boolean handshaking) {
        SSLSession hs = handshaking ? engine.getHandshakeSession() : null;
        return hs != null ? hs : engine.getSession();
    }
}
