package dev.asyncore;

/**
 * The kind of socket {@link Dispatcher#createSocket(java.net.ProtocolFamily, SocketType)} opens (Python's
 * {@code socket.SOCK_STREAM} and {@code socket.SOCK_DGRAM}). Any thread.
 *
 * <p>Differs from Python: only these two types exist; {@code SOCK_RAW} and {@code SOCK_SEQPACKET} have no Java channel.
 */
public enum SocketType {

    /** A stream socket: TCP, or a UNIX-domain stream socket. */
    SOCK_STREAM,

    /** A datagram socket: UDP (IPv4 or IPv6). */
    SOCK_DGRAM
}
