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
     * @return {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}; null while a server that picks its certificate by
     *     the name the client asks for still waits for the client's hello (no engine exists yet)
     */
    TlsProvider provider();

    /**
     * Why TLS failed (a handshake refused, a bad record, a timeout), or null.
     *
     * @return the failure, or null
     */
    Throwable failure();

    /**
     * The host name the client asked for with SNI, in lower case: on a server, what the client's hello named (read from
     * the hello itself when the server maps names to certificates, {@link TlsOptions#withServerName}); on a client,
     * what it sends. Null when none was sent, or on a server before the client's hello arrived.
     *
     * @return the host name or null
     */
    String serverName();

    /**
     * The application protocol ALPN settled on ({@link TlsOptions#withApplicationProtocols}), such as {@code h2}; null
     * before the handshake completes and when none was agreed (the peer offered none). Known from the handler's first
     * {@code handleRead} or {@code handleWrite}, since the transport gives a handler no read or write event before the
     * handshake completes (a client's {@code handleConnect} comes earlier, when TCP is up): a handler that serves
     * several protocols picks one there.
     *
     * @return the protocol or null
     */
    String applicationProtocol();
}
