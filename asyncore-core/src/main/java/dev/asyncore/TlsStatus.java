package dev.asyncore;

import javax.net.ssl.SSLSession;

/**
 * What a dispatcher that speaks TLS knows of its session ({@link Dispatcher#tlsStatus()}). Loop thread, as the
 * dispatcher.
 *
 * <p>Differs from Python: {@code ssl.SSLSocket} gives these through {@code version()}, {@code cipher()},
 * {@code getpeercert()}; here the JDK's {@link SSLSession} does.
 */
public interface TlsStatus {

    /**
     * The session: protocol, cipher suite, peer certificates once the handshake is complete.
     *
     * @return the engine's session (or its handshake session while the handshake runs)
     */
    SSLSession session();

    /**
     * Whether the handshake has finished. The dispatcher's {@code recv} gives plaintext only from then on.
     *
     * @return true once finished
     */
    boolean isHandshakeComplete();

    /**
     * Whether the peer ended the stream with {@code close_notify}: a clean TLS end of stream.
     *
     * @return true once it arrived
     */
    boolean isCloseNotifyReceived();

    /**
     * Whether the peer closed the TCP connection without {@code close_notify}: the stream may have been cut short
     * (truncation). The dispatcher saw end of stream as usual.
     *
     * @return true if the stream ended that way
     */
    boolean isTruncated();

    /**
     * The TLS implementation of this connection's engine.
     *
     * @return {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}
     */
    TlsProvider provider();

    /**
     * Why TLS failed (a handshake refused, a bad record, a timeout), or null.
     *
     * @return the failure, or null
     */
    Throwable failure();
}
